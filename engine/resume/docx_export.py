"""Resume -> an editable Word document (python-docx), one look per design: the design's type family,
accent colour, size and section order. Section titles are real Word headings (Heading 1), entries Heading 2,
bullets the List Bullet style, all in one column, so applicant-tracking systems read it in order."""
from __future__ import annotations

import io

from engine.resume.model import Resume
from engine.resume.render import SECTION_TITLES, date_range, join, section_order
from engine.resume.templates import get_template

# Word fonts that every Office and LibreOffice install has (or maps), per design family.
WORD_FONTS = {"serif": "Georgia", "sans": "Calibri", "condensed": "Arial Narrow"}
MARGINS_CM = {"classic": 2.0, "sidebar": 1.8, "gutter": 1.4}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _style(doc, name: str, font: str, size: float, rgb=None, bold: bool | None = None) -> None:
    from docx.shared import Pt, RGBColor

    style = doc.styles[name]
    style.font.name = font
    style.font.size = Pt(size)
    if rgb is not None:
        style.font.color.rgb = RGBColor(*rgb)
    if bold is not None:
        style.font.bold = bold


def render_docx(resume: Resume, template: str = "modern") -> bytes:
    """The resume as DOCX bytes. An unknown template raises ValueError naming the choices."""
    import docx
    from docx.shared import Cm, Pt

    tpl = get_template(template)
    doc = docx.Document()
    font = WORD_FONTS[tpl.family]
    for section in doc.sections:
        m = Cm(MARGINS_CM[tpl.layout])
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = m
    _style(doc, "Normal", font, tpl.base_size, tpl.ink)
    _style(doc, "Title", font, 24 if tpl.layout != "gutter" else 20, tpl.accent if tpl.layout == "classic" else tpl.ink, True)
    _style(doc, "Subtitle", font, tpl.base_size + 2, tpl.muted if tpl.layout == "classic" else tpl.accent)
    _style(doc, "Heading 1", font, tpl.base_size + 3, tpl.accent, True)
    _style(doc, "Heading 2", font, tpl.base_size + 1, tpl.ink, True)
    doc.styles["Normal"].paragraph_format.space_after = Pt(2)
    doc.core_properties.title = f"Resume – {resume.personal.name}"
    doc.core_properties.author = resume.personal.name

    p = resume.personal
    doc.add_paragraph(p.name, style="Title")
    if p.headline:
        doc.add_paragraph(p.headline, style="Subtitle")
    contact = join(p.email, p.phone, p.location, sep=" | ")
    if contact:
        doc.add_paragraph(contact)
    if resume.links:
        doc.add_paragraph(" | ".join(resume.links))
    for name in section_order(resume, tpl):
        if name == "links":
            continue   # under the contact line already
        heading = SECTION_TITLES[name]
        doc.add_heading(heading.upper() if tpl.layout != "sidebar" else heading, level=1)
        _section(doc, resume, name)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _section(doc, r: Resume, name: str) -> None:
    def bullets(items: list[str]) -> None:
        for item in items:
            doc.add_paragraph(item, style="List Bullet")

    def italic(text: str) -> None:
        if text:
            doc.add_paragraph().add_run(text).italic = True

    if name == "summary":
        doc.add_paragraph(r.summary)
    elif name == "experience":
        for e in r.experience:
            doc.add_heading(e.title or e.company, level=2)
            italic(join(e.company if e.title else "", e.location, date_range(e.start, e.end, e.current), sep=" | "))
            bullets(e.bullets)
    elif name == "education":
        for e in r.education:
            doc.add_heading(join(e.degree, e.field, sep=", ") or e.school, level=2)
            italic(join(e.school if (e.degree or e.field) else "", e.grade, date_range(e.start, e.end), sep=" | "))
            if e.details:
                doc.add_paragraph(e.details)
    elif name == "projects":
        for pr in r.projects:
            doc.add_heading(pr.name, level=2)
            italic(join(", ".join(pr.tech), pr.link, sep=" | "))
            if pr.description:
                doc.add_paragraph(pr.description)
            bullets(pr.bullets)
    elif name == "skills":
        doc.add_paragraph(", ".join(r.skills))
    elif name == "certifications":
        bullets([join(c.name, c.issuer, c.date, sep=" — ") for c in r.certifications])
    elif name == "languages":
        doc.add_paragraph(" · ".join(join(lang.name, lang.level, sep=" – ") for lang in r.languages))
