"""Files kept in the data dir (uploaded resumes, generated letters): where they go and how uploads are checked.

Paths stored in the database are relative to the data dir, so a data dir can be moved or backed up whole.
"""
from __future__ import annotations

import io
import secrets
from pathlib import Path

from engine.store import Database

MAX_PDF_BYTES = 5 * 1024 * 1024


class UploadRejected(ValueError):
    """An upload that is not accepted; the message says why and is safe to show."""


def data_dir_of(db: Database) -> Path:
    """The data dir beside this database (an in-memory or PostgreSQL one: the data dir it was opened with)."""
    return Path(db.data_dir).resolve()


def resolve(db: Database, relative_path: str) -> Path:
    """The absolute path of a stored file; refuses anything that would leave the data dir."""
    base = data_dir_of(db)
    path = (base / relative_path).resolve()
    if base != path and base not in path.parents:
        raise UploadRejected("That file is outside the data folder.")
    return path


def check_pdf(data: bytes, name: str | None = None) -> None:
    """Accept only a real PDF of at most 5 MB: the magic bytes AND a parse by pypdf, so a renamed file fails."""
    label = f"'{name}'" if name else "The file"
    if not data:
        raise UploadRejected(f"{label} is empty.")
    if len(data) > MAX_PDF_BYTES:
        raise UploadRejected(f"{label} is {len(data) / 1024 / 1024:.1f} MB; the limit is 5 MB.")
    if not data.startswith(b"%PDF-"):
        raise UploadRejected(f"{label} is not a PDF (its content does not start with %PDF-), whatever its name says.")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise UploadRejected(f"{label} could not be read as a PDF ({type(exc).__name__}).") from None
    if pages < 1:
        raise UploadRejected(f"{label} has no pages.")


def save_file(db: Database, folder: str, data: bytes, suffix: str) -> str:
    """Write bytes under <data_dir>/<folder>/ with a random name; returns the path relative to the data dir."""
    target_dir = data_dir_of(db) / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}{suffix}"
    (target_dir / name).write_bytes(data)
    return f"{folder}/{name}"


def remove_quietly(db: Database, relative_path: str | None) -> None:
    if relative_path:
        try:
            resolve(db, relative_path).unlink(missing_ok=True)
        except (OSError, UploadRejected):
            pass
