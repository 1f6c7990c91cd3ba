"""DOCX -> lines: paragraphs and tables in document order (python-docx), with each paragraph's style,
type size and weight, so Word headings count as headings. The zip container is unpacked with caps first
(safety.open_zip), so a zip bomb never reaches the XML parser."""
from __future__ import annotations

import io
import zipfile

from engine.resume.importing.lines import Line
from engine.resume.importing.safety import ImportRejected, open_zip

_STYLE_SIZES = {"title": 26.0, "heading 1": 16.0, "heading 2": 13.0, "heading 3": 12.0, "subtitle": 13.0}


def read_docx(data: bytes, label: str = "The file") -> list[Line]:
    members = open_zip(data, label)
    if "word/document.xml" not in members:
        raise ImportRejected(f"{label} is a zip file but not a Word document (it has no word/document.xml).")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as clean:   # the checked, fully unpacked members only
        for name, content in members.items():
            clean.writestr(name, content)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(buffer.getvalue()))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ImportRejected(f"{label} could not be read as a Word document ({type(exc).__name__}).") from None
    except Exception as exc:  # noqa: BLE001 - lxml raises XMLSyntaxError and others on damaged XML
        raise ImportRejected(f"{label} is damaged and could not be read ({type(exc).__name__}).") from None
    lines: list[Line] = []
    for section in document.sections[:1]:
        for paragraph in section.header.paragraphs:
            lines.extend(_paragraph_lines(paragraph))
    lines.extend(_block_lines(document.element.body, document))
    if sum(len(ln.text) for ln in lines) < 20:
        raise ImportRejected(f"{label} has almost no text (pictures of text cannot be read by an applicant-"
                             "tracking system).")
    return lines


def _block_lines(parent, document) -> list[Line]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[Line] = []
    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.extend(_paragraph_lines(Paragraph(child, document)))
        elif tag == "tbl":
            table = Table(child, document)
            for row in table.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:   # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    out.extend(_block_lines(cell._tc, document))
        elif tag == "sdt":   # content controls wrap paragraphs
            content = child.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sdtContent")
            if content is not None:
                out.extend(_block_lines(content, document))
    return out


def _style_size(style) -> float | None:
    while style is not None:
        if style.font is not None and style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return None


def _style_bold(style) -> bool:
    while style is not None:
        if style.font is not None and style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
    return False


def _paragraph_lines(paragraph) -> list[Line]:
    text = paragraph.text
    if not text.strip():
        return []
    style = paragraph.style
    style_name = style.name if style is not None else ""
    runs = [r for r in paragraph.runs if r.text.strip()]
    sizes = [r.font.size.pt for r in runs if r.font.size is not None]
    size = max(sizes) if sizes else (_style_size(style) or _STYLE_SIZES.get(style_name.lower(), 11.0))
    default_bold = _style_bold(style)
    bold = bool(runs) and all((r.bold if r.bold is not None else default_bold) for r in runs)
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    indent = paragraph.paragraph_format.left_indent
    x0 = indent.pt if indent is not None else 0.0
    out = []
    for piece in text.split("\n"):
        if piece.strip():
            parts = [p.strip() for p in piece.split("\t") if p.strip()]
            out.append(Line(piece.replace("\t", "  "), size=size, bold=bold, x0=x0, parts=parts,
                            style=style_name + (" list" if numbered and "list" not in style_name.lower() else "")))
    return out
