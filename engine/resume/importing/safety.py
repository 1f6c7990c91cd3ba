"""Limits every imported file passes before a parser sees it: size, type, and zip containers (DOCX, a
LinkedIn export) checked for zip bombs by decompressing each member with a cap, not by trusting the sizes
the archive declares."""
from __future__ import annotations

import io
import zipfile

from engine.uploads import UploadRejected

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024    # all members together, decompressed
MAX_MEMBER_RATIO = 200                    # decompressed / compressed size of one member
MAX_MEMBERS = 2000


class ImportRejected(UploadRejected):
    """A file that cannot be imported; the message says why and is safe to show. ``field`` names the part
    of a JSON Resume that failed the schema."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def check_size(data: bytes, label: str) -> None:
    if not data:
        raise ImportRejected(f"{label} is empty.")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejected(f"{label} is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                             f"{MAX_IMPORT_BYTES // 1024 // 1024} MB.")


def open_zip(data: bytes, label: str) -> dict[str, bytes]:
    """Every member of a zip, decompressed, refusing bombs (too many members, a member that inflates more
    than MAX_MEMBER_RATIO times, more than MAX_UNZIPPED_BYTES in all) and encrypted or corrupt archives."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRejected(f"{label} is a damaged zip file ({exc}).") from None
    if len(infos) > MAX_MEMBERS:
        raise ImportRejected(f"{label} holds {len(infos)} files; the limit is {MAX_MEMBERS}.")
    out: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportRejected(f"{label} is password-protected; export it again without a password.")
        if info.is_dir():
            continue
        budget = min(MAX_UNZIPPED_BYTES - total, max(info.compress_size, 1) * MAX_MEMBER_RATIO + 64 * 1024)
        try:
            with archive.open(info) as member:
                content = member.read(budget + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise ImportRejected(f"{label} is a damaged zip file ({type(exc).__name__}).") from None
        if len(content) > budget:
            raise ImportRejected(f"{label} expands far beyond its size when unpacked (a 'zip bomb'), so it was "
                                 "not opened.")
        total += len(content)
        out[info.filename] = content
    return out
