"""The fonts resumes are set in: DejaVu from the system font folder, trimmed once to the scripts a resume
needs (Latin, Greek, Cyrillic, Hebrew, Arabic, punctuation and symbols) and without hinting, then cached
under artifacts/fonts. fpdf2 parses and subsets every font on every render; the trimmed files make that
several times faster (see bench/resume.py). Without the system fonts, callers fall back to core fonts."""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from engine import config

SYSTEM_DIR = Path(os.environ.get("JOBEXPRESSWAY_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FAMILIES = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf", "DejaVuSansCondensed-Oblique.ttf"),
}
# Three cuts, the smallest that covers a resume's text is used (fewer glyphs = faster parse and subset):
# "latin" (Western and Central European Latin, punctuation, a few symbols) serves most resumes; "europe" adds
# Latin Extended, Greek, Cyrillic and symbol blocks; "world" adds Hebrew and Arabic.
_LATIN = [(0x20, 0x17F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2122, 0x2122), (0x2190, 0x2193), (0x25A0, 0x25CF),
          (0x2605, 0x2606), (0x2713, 0x2714)]
_EUROPE = [(0x20, 0x36F), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF),
           (0x2100, 0x214F), (0x2190, 0x21FF), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF)]
_WORLD = _EUROPE + [(0x590, 0x5FF), (0x600, 0x6FF), (0x2200, 0x22FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF)]
CUTS = {"latin": _LATIN, "europe": _EUROPE, "world": _WORLD}
_CHARS = {name: frozenset(chr(u) for a, b in ranges for u in range(a, b + 1)) for name, ranges in CUTS.items()}
_lock = threading.Lock()
CACHE_VERSION = "3"


def cache_dir(cut: str) -> Path:
    return config.artifacts_dir() / "fonts" / f"dejavu-{cut}-v{CACHE_VERSION}"


def available() -> bool:
    return all((SYSTEM_DIR / f).is_file() for files in FAMILIES.values() for f in files)


def cut_for(text: str) -> str:
    """The smallest cut holding every character of ``text`` that any cut holds (characters no cut has, such
    as Chinese or colour emoji, are left out by the renderer whichever cut is used)."""
    chars = set(text) & _CHARS["world"]
    for name in ("latin", "europe"):
        if chars <= _CHARS[name]:
            return name
    return "world"


def _trim(src: Path, dst: Path, cut: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    opts = subset.Options()
    opts.layout_features = ["*"]     # keep Arabic joining and kerning for the shaping engine
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False             # screen hinting is useless in a PDF and slow to parse
    opts.glyph_names = True          # saves rebuilding names from the cmap on every load
    opts.drop_tables += ["FFTM"]
    font = TTFont(str(src))
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[u for a, b in CUTS[cut] for u in range(a, b + 1)])
    sub.subset(font)
    tmp = dst.with_suffix(f".tmp{os.getpid()}")
    font.save(str(tmp))
    os.replace(tmp, dst)   # atomic: a concurrent render never reads half a file


def font_path(filename: str, cut: str = "latin") -> Path:
    """The trimmed copy of a system font (made on first use), or the system file if trimming fails."""
    dst = cache_dir(cut) / filename
    if dst.is_file():
        return dst
    with _lock:
        if not dst.is_file():
            try:
                dst.parent.mkdir(parents=True, exist_ok=True)
                _trim(SYSTEM_DIR / filename, dst, cut)
            except Exception as exc:  # noqa: BLE001 - a read-only disk must not stop a render
                logging.getLogger(__name__).warning("could not trim %s: %s", filename, exc)
                return SYSTEM_DIR / filename
    return dst


def family_files(family: str, cut: str = "latin") -> tuple[Path, Path, Path]:
    regular, bold, italic = FAMILIES[family]
    return font_path(regular, cut), font_path(bold, cut), font_path(italic, cut)


def undrawable(text: str) -> list[str]:
    """Characters of ``text`` that no font cut can draw (Chinese, colour emoji...): the PDF leaves them out,
    the document keeps them. Shown to the user beside the preview."""
    return sorted({c for c in text if c not in _CHARS["world"] and c.isprintable() and not c.isspace()
                   and ord(c) not in (0x200D, 0xFE0F)})
