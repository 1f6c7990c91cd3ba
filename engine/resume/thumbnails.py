"""Pictures of a resume taken from the real PDF: the first page rasterised to PNG with PDFium (pypdfium2).

Thumbnails are cached on disk under <data dir>/cache/resume_thumbs, keyed by a hash of the template, the
document and the renderer version, so the template picker and the live preview redraw only what changed.
"""
from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path

import pypdfium2 as pdfium

from engine import config
from engine.resume.model import Resume
from engine.resume.render import render_pdf

RENDER_VERSION = "3"
MAX_CACHED = 2000      # live previews make a picture per edit; the oldest go once there are more than this   # bump when a layout changes so old cached pictures are not shown
_pdfium_lock = threading.Lock()   # PDFium is not thread-safe; Streamlit runs sessions in threads


def page_png(pdf_bytes: bytes, page: int = 0, width_px: int = 360) -> bytes:
    """One page of a PDF as PNG bytes, ``width_px`` wide."""
    with _pdfium_lock:
        doc = pdfium.PdfDocument(pdf_bytes)
        try:
            pg = doc[page]
            scale = width_px / pg.get_width()   # PDF points -> pixels
            image = pg.render(scale=scale).to_pil()
            pg.close()
        finally:
            doc.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def page_count(pdf_bytes: bytes) -> int:
    with _pdfium_lock:
        doc = pdfium.PdfDocument(pdf_bytes)
        try:
            return len(doc)
        finally:
            doc.close()


def cache_key(resume: Resume, template: str, width_px: int) -> str:
    raw = f"{RENDER_VERSION}|{template}|{width_px}|{resume.to_json()}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def cache_dir() -> Path:
    path = config.data_dir() / "cache" / "resume_thumbs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def thumbnail(resume: Resume, template: str, width_px: int = 360, pdf: bytes | None = None) -> bytes:
    """First page of ``render_pdf(resume, template)`` as PNG, from the cache when the same picture exists.
    Pass ``pdf`` when it was just rendered, to skip rendering it again."""
    path = cache_dir() / f"{cache_key(resume, template, width_px)}.png"
    if path.is_file():
        return path.read_bytes()
    png = page_png(pdf if pdf is not None else render_pdf(resume, template), 0, width_px)
    tmp = path.with_suffix(f".tmp{os.getpid()}{threading.get_ident()}")
    tmp.write_bytes(png)
    os.replace(tmp, path)
    prune(path.parent)
    return png


def prune(folder: Path, keep: int | None = None) -> int:
    """Delete the least recently written pictures beyond ``keep``; returns how many went."""
    keep = MAX_CACHED if keep is None else keep
    files = list(folder.glob("*.png"))
    if len(files) <= keep:
        return 0
    files.sort(key=lambda f: f.stat().st_mtime)
    gone = 0
    for f in files[: len(files) - keep]:
        try:
            f.unlink()
            gone += 1
        except FileNotFoundError:   # another session pruned it first
            pass
    return gone
