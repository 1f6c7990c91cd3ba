"""PDF -> lines, layout-aware: words with their type size and weight (pdfplumber), columns found from
the empty vertical band between them, a full-width header read first, a gutter of headings merged with the
text beside it by height. Scanned pages (no text layer) and encrypted files are refused with a reason."""
from __future__ import annotations

import io
import logging
import warnings
from collections import Counter

from engine.resume.importing.lines import Line
from engine.resume.importing.safety import ImportRejected
from engine.resume.importing.sections import heading_section

logging.getLogger("pdfminer").setLevel(logging.ERROR)
logging.getLogger("pypdf").setLevel(logging.ERROR)   # "EOF marker not found" chatter: the refusal says it
MIN_TEXT_CHARS = 20     # fewer characters than this on every page: a scan


def read_pdf(data: bytes, label: str = "The file") -> list[Line]:
    if not data.startswith(b"%PDF-"):
        raise ImportRejected(f"{label} is not a PDF (its content does not start with %PDF-).")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        if encrypted:
            reader.decrypt("")   # an owner password only (printing locked) still opens with no password
            len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, NotImplementedError) as exc:
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower() or encrypted_hint(data):
            raise ImportRejected(f"{label} is password-protected; save it again without a password.") from None
        raise ImportRejected(f"{label} could not be read as a PDF ({type(exc).__name__}).") from None
    import pdfplumber

    lines: list[Line] = []
    try:
        with warnings.catch_warnings(), pdfplumber.open(io.BytesIO(data)) as pdf:
            warnings.simplefilter("ignore")
            for number, page in enumerate(pdf.pages, start=1):
                words = page.extract_words(extra_attrs=["size", "fontname"], use_text_flow=False)
                lines.extend(_page_lines(words, float(page.width), number))
    except ImportRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        if encrypted_hint(data):
            raise ImportRejected(f"{label} is password-protected; save it again without a password.") from None
        raise ImportRejected(f"{label} is damaged and could not be read ({type(exc).__name__}).") from None
    if sum(len(ln.text) for ln in lines) < MIN_TEXT_CHARS:
        raise ImportRejected(f"{label} has no text layer: it looks like a scanned image. An applicant-tracking "
                             "system cannot read it either. Export the PDF from your word processor, or run OCR first.")
    return lines


def encrypted_hint(data: bytes) -> bool:
    return b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]


def _page_lines(words: list[dict], width: float, page: int) -> list[Line]:
    if not words:
        return []
    split = _column_gap(words, width)
    if split is None:
        return _lines(words, page)
    left = [w for w in words if (w["x0"] + w["x1"]) / 2 < split]
    right = [w for w in words if (w["x0"] + w["x1"]) / 2 >= split]
    band_top = max(min(w["top"] for w in left), min(w["top"] for w in right)) - 2
    header = [w for w in words if w["top"] < band_top]
    if all(w in left for w in header) or all(w in right for w in header):
        header = []   # a name set a little higher in one column is that column's, not a full-width header
        band_top = 0
    left = [w for w in left if w["top"] >= band_top]
    right = [w for w in right if w["top"] >= band_top]
    out = _lines(header, page)
    left_lines, right_lines = _lines(left, page), _lines(right, page)
    body = sorted(w["size"] for w in words)[len(words) // 2]
    first = next((i for i, ln in enumerate(left_lines) if heading_section(ln, body) not in (None, "other")), None)
    if first is not None and all(heading_section(ln, body) for ln in left_lines[first:]):
        # a gutter of headings (below a name): each heading belongs to the text beside it
        left_tops = _tops(left)
        merged = sorted([(top - 4, 0, ln) for top, ln in zip(left_tops[first:], left_lines[first:])] +
                        [(top, 1, ln) for top, ln in zip(_tops(right), right_lines)], key=lambda t: (t[0], t[1]))
        return out + left_lines[:first] + [ln for _, _, ln in merged]
    return out + left_lines + right_lines


def _column_gap(words: list[dict], width: float) -> float | None:
    """The right end of the widest vertical band (at least 8 pt, between 15% and 80% of the page width) that
    almost no word crosses while both sides hold a real share of the words; None for one column."""
    step = 2
    xs = range(int(width * 0.15), int(width * 0.8), step)
    allowed = max(2, len(words) // 50)
    runs, run = [], []
    for x in xs:
        crossing = sum(1 for w in words if w["x0"] - 1 <= x <= w["x1"] + 1)
        if crossing <= allowed:
            run.append(x)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    for run in sorted(runs, key=len, reverse=True):
        if len(run) * step < 8:
            return None
        mid = run[-1] - 2   # the right column's edge is crisp; the left column's line ends are ragged
        left = sum(1 for w in words if (w["x0"] + w["x1"]) / 2 < mid)
        if min(left, len(words) - left) >= max(8, len(words) * 0.05) and _aligned(
                [w for w in words if (w["x0"] + w["x1"]) / 2 >= mid]):
            return mid
    return None


def _aligned(words: list[dict]) -> bool:
    """Whether the rows right of a gap start at a common left edge, as a column does (ragged line ends
    and right-aligned dates of a one-column page start anywhere)."""
    starts = [round(row[0]["x0"]) for row in _rows(words)]
    if len(starts) < 4:
        return False
    common = Counter(starts).most_common(3)   # the edge, a bullet indent, a wrapped-line indent
    near = sum(1 for x in starts if any(abs(x - c) <= 1.5 for c, _ in common))
    edge_rows = sum(1 for x in starts if x - min(starts) <= 1.5)
    return near >= 0.8 * len(starts) and edge_rows >= 0.2 * len(starts)


def _rows(words: list[dict]) -> list[list[dict]]:
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(w["top"] - rows[-1][0]["top"]) <= max(2.0, w["size"] * 0.3):
            rows[-1].append(w)
        else:
            rows.append([w])
    return [sorted(r, key=lambda w: w["x0"]) for r in rows]


def _tops(words: list[dict]) -> list[float]:
    return [r[0]["top"] for r in _rows(words)]


def _lines(words: list[dict], page: int) -> list[Line]:
    if not words:
        return []
    left = min(w["x0"] for w in words)
    out = []
    for row in _rows(words):
        parts, current = [], [row[0]]
        for prev, w in zip(row, row[1:]):
            if w["x0"] - prev["x1"] > max(6.0, w["size"] * 0.9):
                parts.append(current)
                current = []
            current.append(w)
        parts.append(current)
        texts = [" ".join(w["text"] for w in p) for p in parts]
        out.append(Line(" ".join(texts), size=max(w["size"] for w in row),
                        bold=all("bold" in w["fontname"].lower() for w in row), x0=row[0]["x0"] - left,
                        page=page, parts=texts))
    return out
