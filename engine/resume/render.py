"""Resume -> PDF bytes with fpdf2, in one of three layouts (see templates.py).

Fonts are DejaVu (Latin, Greek, Cyrillic, Hebrew, Arabic and many symbols) from the system font folder; a
glyph the font lacks (Chinese, colour emoji) is left out rather than breaking the file, and without DejaVu
the PDF falls back to the built-in fonts with unsupported characters replaced. Right-to-left text goes
through fpdf2's text shaping (HarfBuzz, offline) only when the resume contains some, because shaping costs
time. Headings and entry headers are never left alone at the foot of a page.
"""
from __future__ import annotations

import logging
import re
import warnings

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from engine.resume import fonts
from engine.resume.model import Resume, is_present
from engine.resume.templates import Template, get_template

_CORE = {"sans": "helvetica", "serif": "times", "condensed": "helvetica"}
_RTL = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SECTION_TITLES = {
    "summary": "Profile", "experience": "Experience", "education": "Education", "projects": "Projects",
    "skills": "Skills", "certifications": "Certifications", "languages": "Languages", "links": "Links",
}
logging.getLogger("fpdf").setLevel(logging.ERROR)   # "missing glyph" chatter for CJK/emoji


class ResumePDF(FPDF):
    """FPDF with our fonts, a page footer, and page reuse so a sidebar can be written after the main column."""

    def __init__(self, tpl: Template, resume: Resume):
        super().__init__(format="A4", unit="mm")
        self.tpl = tpl
        self.footer_name = resume.personal.name
        self.sidebar_width = 0.0
        self.reuse_pages = False
        self.unicode = fonts.available()
        if self.unicode:
            cut = fonts.cut_for(resume.to_json())
            # only the families this design uses: each font file costs parsing time on every render
            needs_fallback = tpl.family == "serif" and cut == "world"   # DejaVu Serif lacks Arabic
            for fam in (tpl.family, "sans") if needs_fallback else (tpl.family,):
                regular, bold, italic = fonts.family_files(fam, cut)
                self.add_font(fam, "", str(regular))
                self.add_font(fam, "B", str(bold))
                self.add_font(fam, "I", str(italic))
            if needs_fallback:
                self.set_fallback_fonts(["sans"], exact_match=False)
            if _RTL.search(resume.to_json()):
                try:
                    self.set_text_shaping(True)
                except Exception:  # noqa: BLE001 - without HarfBuzz RTL still renders, unshaped
                    pass
        self.set_auto_page_break(True, margin=16)
        self.set_title(f"Resume – {resume.personal.name}" if self.unicode else "Resume")
        self.set_creator("JobExpressway")

    # -- text and fonts --
    def t(self, text: str) -> str:
        text = _CONTROL.sub("", text or "")
        if not self.unicode:
            text = text.replace("•", "-").replace("–", "-").replace("—", "-").replace("·", "-")
            text = text.encode("latin-1", "replace").decode("latin-1")
        return text

    def font(self, style: str = "", size: float | None = None, family: str | None = None) -> None:
        fam = family or self.tpl.family
        self.set_font(fam if self.unicode else _CORE[fam], style, size or self.tpl.base_size)

    def color(self, rgb) -> None:
        self.set_text_color(*rgb)

    # -- pages --
    def header(self) -> None:
        if self.sidebar_width:
            self.set_fill_color(*self.tpl.accent)
            self.rect(0, 0, self.sidebar_width, self.h, style="F")

    def number_pages(self) -> None:
        """'Name · page n/N' at the foot of every page, once the page count is known (one-page resumes: none)."""
        total = self.pages_count
        if total < 2:
            return
        self.reuse_pages = False
        self.set_auto_page_break(False)
        for n in range(1, total + 1):
            self.page = n
            self.font("", 7.5)
            self.color(self.tpl.muted)
            left = self.sidebar_width + 8 if self.sidebar_width else 12
            self.set_xy(left, self.h - 11)
            self.cell(self.w - left - 12, 5, self.t(f"{self.footer_name} · page {n}/{total}"), align="R")
        self.page = total

    @property
    def accept_page_break(self) -> bool:
        if self.reuse_pages and self.page < self.pages_count:
            self.page += 1
            self.set_y(self.t_margin)
            return False
        return self.auto_page_break

    def ensure_space(self, height: float) -> None:
        """Start the next page now unless ``height`` mm still fit, so a heading keeps its first lines."""
        if self.y + height > self.page_break_trigger:
            if self.reuse_pages and self.page < self.pages_count:
                self.page += 1
                self.set_y(self.t_margin)
            else:
                x = self.x
                self.add_page()
                self.x = x

    def wrap(self, text: str, width: float) -> list[str]:
        """Greedy word wrap measured word by word. fpdf2's own multi_cell re-measures the growing line on
        every character, which dominated the render time of long resumes (see bench/resume.py)."""
        width -= 0.05
        space = self.get_string_width(" ")
        out: list[str] = []
        for paragraph in text.split("\n"):
            line, line_w = "", 0.0
            for word in paragraph.split(" "):
                if not word:
                    continue
                ww = self.get_string_width(word)
                if line and line_w + space + ww <= width:
                    line, line_w = f"{line} {word}", line_w + space + ww
                    continue
                if line:
                    out.append(line)
                while ww > width:   # a word wider than the column (a long URL): split it
                    cut = len(word) - 1
                    while cut > 1 and self.get_string_width(word[:cut]) > width:
                        cut = max(1, int(cut * width / self.get_string_width(word[:cut]))) if cut > 8 else cut - 1
                    out.append(word[:cut])
                    word = word[cut:]
                    ww = self.get_string_width(word)
                line, line_w = word, ww
            out.append(line)
        return out

    def text_block(self, text: str, x: float, width: float, lh: float) -> None:
        """Left-aligned wrapped text at ``x``; breaks pages like multi_cell (right-to-left text goes to
        multi_cell, whose bidi handling covers the whole paragraph)."""
        if self.text_shaping:
            self.set_x(x)
            self.multi_cell(width, lh, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        for line in self.wrap(text, width):
            self.set_x(x)
            self.cell(width, lh, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    @property
    def col_w(self) -> float:
        return self.w - self.l_margin - self.r_margin


def date_range(start: str, end: str, current: bool = False) -> str:
    end = "Present" if current or is_present(end) else (end or "").strip()
    start = (start or "").strip()
    if start and end:
        return f"{start} – {end}"
    return start or end


# --- shared blocks: each writes at the current position, across the column from l_margin -------------
def para(pdf: ResumePDF, text: str, size: float | None = None, style: str = "", color=None, lh: float = 1.45) -> None:
    size = size or pdf.tpl.base_size
    pdf.font(style, size)
    pdf.color(color or pdf.tpl.ink)
    pdf.text_block(pdf.t(text), pdf.l_margin, pdf.col_w, size * 0.3528 * lh)


def bullets(pdf: ResumePDF, items: list[str], size: float | None = None, indent: float = 4.5) -> None:
    size = size or pdf.tpl.base_size
    lh = size * 0.3528 * 1.4
    for item in items:
        pdf.ensure_space(lh)
        pdf.font("", size)
        pdf.color(pdf.tpl.ink)
        y = pdf.y
        pdf.set_x(pdf.l_margin + 1)
        pdf.cell(indent - 1, lh, pdf.t("•"))
        pdf.set_y(y)
        pdf.text_block(pdf.t(item), pdf.l_margin + indent, pdf.col_w - indent, lh)
    pdf.ln(0.8)


def entry_header(pdf: ResumePDF, title: str, right: str, sub: str, size: float | None = None) -> None:
    """Bold title with dates flush right, then a muted second line (company, place)."""
    size = size or pdf.tpl.base_size
    lh = size * 0.3528 * 1.45
    pdf.ensure_space(lh * 3 + 4)   # header plus a first line of content stay together
    y = pdf.y
    date_w = 0.0
    if right:
        pdf.font("", size - 1)
        date_w = pdf.get_string_width(pdf.t(right)) + 2
        pdf.color(pdf.tpl.muted)
        pdf.set_xy(pdf.l_margin + pdf.col_w - date_w, y)
        pdf.cell(date_w, lh, pdf.t(right), align="R")
    pdf.set_xy(pdf.l_margin, y)
    pdf.font("B", size + 0.5)
    pdf.color(pdf.tpl.ink)
    pdf.multi_cell(pdf.col_w - date_w - 2, lh, pdf.t(title or sub), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if sub and title:
        pdf.font("I", size - 0.5)
        pdf.color(pdf.tpl.muted)
        pdf.multi_cell(pdf.col_w, lh, pdf.t(sub), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.6)


def join(*parts: str, sep: str = " · ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def section_present(r: Resume, name: str) -> bool:
    value = getattr(r, name)
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def section_order(r: Resume, tpl: Template) -> list[str]:
    order = [s for s in r.order if s in SECTION_TITLES]
    order += [s for s in tpl.order if s not in order]
    return [s for s in order if section_present(r, s)]


def write_entries(pdf: ResumePDF, r: Resume, name: str, compact: bool = False) -> None:
    """The body of one section in the current column."""
    size = pdf.tpl.base_size
    if name == "summary":
        para(pdf, r.summary)
    elif name == "experience":
        for e in r.experience:
            entry_header(pdf, e.title, date_range(e.start, e.end, e.current), join(e.company, e.location))
            bullets(pdf, e.bullets)
            pdf.ln(1)
    elif name == "education":
        for e in r.education:
            title = join(e.degree, e.field, sep=", ") or e.school
            sub = join(e.school if title != e.school else "", e.grade)
            entry_header(pdf, title, date_range(e.start, e.end), sub)
            if e.details:
                para(pdf, e.details, size=size - 0.5)
            pdf.ln(1)
    elif name == "projects":
        for p in r.projects:
            entry_header(pdf, p.name, "", join(", ".join(p.tech), p.link, sep="  |  "))
            if p.description:
                para(pdf, p.description)
            bullets(pdf, p.bullets)
            pdf.ln(1)
    elif name == "skills":
        para(pdf, " · ".join(r.skills) if not compact else ", ".join(r.skills))
    elif name == "certifications":
        bullets(pdf, [join(c.name, c.issuer, c.date, sep=" — ") for c in r.certifications])
    elif name == "languages":
        para(pdf, " · ".join(join(lang.name, lang.level, sep=" – ") for lang in r.languages))
    elif name == "links":
        for link in r.links:
            para(pdf, link, size=size - 0.5, color=pdf.tpl.accent)


# --- the three layouts ------------------------------------------------------------------------------
def _contact_line(r: Resume) -> str:
    p = r.personal
    return join(p.email, p.phone, p.location)


def _classic(pdf: ResumePDF, r: Resume) -> None:
    tpl = pdf.tpl
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    pdf.font("B", 22)
    pdf.color(tpl.accent)
    pdf.multi_cell(pdf.col_w, 10, pdf.t(r.personal.name), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if r.personal.headline:
        pdf.font("I", 11.5)
        pdf.color(tpl.muted)
        pdf.multi_cell(pdf.col_w, 6, pdf.t(r.personal.headline), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font("", 9.5)
    pdf.color(tpl.ink)
    pdf.multi_cell(pdf.col_w, 5, pdf.t(_contact_line(r)), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    for name in section_order(r, tpl):
        if name == "links" and len(r.links) <= 3:
            continue   # short link lists sit under the name instead
        pdf.ensure_space(26)
        pdf.ln(2)
        pdf.font("B", 11.5)
        pdf.color(tpl.accent)
        pdf.cell(pdf.col_w, 6, pdf.t(SECTION_TITLES[name].upper()), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(*tpl.accent)
        pdf.set_line_width(0.35)
        pdf.line(pdf.l_margin, pdf.y, pdf.l_margin + pdf.col_w, pdf.y)
        pdf.ln(2.2)
        write_entries(pdf, r, name)


def _sidebar(pdf: ResumePDF, r: Resume) -> None:
    tpl = pdf.tpl
    side = 64.0
    pdf.sidebar_width = side
    pdf.set_margins(side + 8, 16, 14)
    pdf.add_page()
    # main column first: name, headline, then the long sections
    pdf.font("B", 22)
    pdf.color(tpl.ink)
    pdf.multi_cell(pdf.col_w, 10, pdf.t(r.personal.name), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if r.personal.headline:
        pdf.font("", 12)
        pdf.color(tpl.accent)
        pdf.multi_cell(pdf.col_w, 6.5, pdf.t(r.personal.headline), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    side_sections = ("skills", "languages", "certifications", "links")
    for name in section_order(r, tpl):
        if name in side_sections:
            continue
        pdf.ensure_space(26)
        pdf.ln(1.5)
        y = pdf.y
        pdf.set_fill_color(*tpl.accent)
        pdf.rect(pdf.l_margin, y + 1, 1.6, 5, style="F")
        pdf.set_x(pdf.l_margin + 3.5)
        pdf.font("B", 12.5)
        pdf.color(tpl.accent)
        pdf.cell(pdf.col_w - 3.5, 7, pdf.t(SECTION_TITLES[name]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
        write_entries(pdf, r, name)
    # then the sidebar, from the top of page 1, in white on the accent colour
    pdf.reuse_pages = True
    pdf.page = 1
    pdf.set_margins(8, 16, pdf.w - side + 6)
    pdf.set_y(16)
    white, pale = (255, 255, 255), (225, 240, 241)
    p = r.personal
    contact = [x for x in (p.email, p.phone, p.location) if x]

    def side_heading(title: str) -> None:
        pdf.ensure_space(18)
        pdf.ln(2)
        pdf.font("B", 10.5)
        pdf.color(white)
        pdf.cell(pdf.col_w, 6, pdf.t(title.upper()), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(*pale)
        pdf.set_line_width(0.3)
        pdf.line(pdf.l_margin, pdf.y, pdf.l_margin + pdf.col_w, pdf.y)
        pdf.ln(1.8)

    def side_items(items: list[str], size: float = 9, fit: bool = False) -> None:
        for item in items:
            item_size = size
            pdf.font("", item_size)
            # an email or place broken across lines is misread by applicant-tracking systems: shrink it to fit
            while fit and item_size > 6 and pdf.get_string_width(pdf.t(item)) > pdf.col_w - 0.5:
                item_size -= 0.25
                pdf.font("", item_size)
            pdf.color(pale)
            pdf.multi_cell(pdf.col_w, size * 0.3528 * 1.5, pdf.t(item), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    if contact:
        side_heading("Contact")
        side_items(contact, fit=True)
    present = [s for s in section_order(r, tpl) if s in side_sections]
    for name in present:
        side_heading(SECTION_TITLES[name])
        if name == "skills":
            side_items([f"▪ {s}" if pdf.unicode else f"- {s}" for s in r.skills])
        elif name == "languages":
            side_items([join(lang.name, lang.level, sep=" – ") for lang in r.languages])
        elif name == "certifications":
            side_items([join(c.name, join(c.issuer, c.date, sep=", "), sep=" — ") for c in r.certifications], 8.5)
        elif name == "links":
            side_items(r.links, 8)
    pdf.page = pdf.pages_count


def _gutter(pdf: ResumePDF, r: Resume) -> None:
    tpl = pdf.tpl
    gutter = 34.0
    left = 12.0
    pdf.set_margins(left, 12, 12)
    pdf.add_page()
    p = r.personal
    top = pdf.y
    pdf.font("B", 19)
    pdf.color(tpl.ink)
    pdf.multi_cell(110, 9, pdf.t(p.name), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if p.headline:
        pdf.font("", 10.5)
        pdf.color(tpl.accent)
        pdf.multi_cell(110, 5.5, pdf.t(p.headline), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    name_bottom = pdf.y
    pdf.set_y(top)
    pdf.font("", 8.5)
    pdf.color(tpl.muted)
    for line in [p.email, p.phone, p.location, *r.links[:2]]:
        if line:
            pdf.set_x(pdf.w - 12 - 80)
            pdf.cell(80, 4.2, pdf.t(line), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.y, name_bottom) + 2)
    pdf.set_draw_color(*tpl.accent)
    pdf.set_line_width(0.8)
    pdf.line(left, pdf.y, pdf.w - 12, pdf.y)
    pdf.ln(3)
    for name in section_order(r, tpl):
        if name == "links" and len(r.links) <= 2:
            continue   # already in the header
        pdf.set_margins(left, 12, 12)
        pdf.ensure_space(20)
        y = pdf.y
        pdf.set_x(left)
        pdf.font("B", 8.5)
        pdf.color(tpl.accent)
        pdf.multi_cell(gutter - 3, 4.5, pdf.t(SECTION_TITLES[name].upper()), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_margins(left + gutter, 12, 12)
        pdf.set_xy(left + gutter, y)
        write_entries(pdf, r, name, compact=True)
        pdf.ln(1.5)
        pdf.set_draw_color(215, 215, 215)
        pdf.set_line_width(0.2)
        pdf.line(left, pdf.y, pdf.w - 12, pdf.y)
        pdf.ln(2)


_LAYOUTS = {"classic": _classic, "sidebar": _sidebar, "gutter": _gutter}


def render_pdf(resume: Resume, template: str = "modern") -> bytes:
    """The resume as PDF bytes. An unknown template raises ValueError naming the choices."""
    tpl = get_template(template)
    pdf = ResumePDF(tpl, resume)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _LAYOUTS[tpl.layout](pdf, resume)
        pdf.number_pages()
        return bytes(pdf.output())
