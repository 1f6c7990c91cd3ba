"""Offer letters and thank-you notes as PDFs (fpdf2), saved under <data_dir>/letters/.

Names print as written: Latin-1 text ("José Müller", "Zoë Øster") uses the built-in Helvetica; anything beyond
it ("Łukasz Wałęsa", "王伟") embeds the DejaVu fonts (where they are missing, unknown characters become '?').
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils
from fpdf import FPDF

from engine.uploads import save_file

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class LetterInfo:
    candidate_name: str
    job_title: str
    company: str
    location: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    currency: str = "USD"
    signer: str = ""
    when: date | None = None
    reason: str = ""      # the sentence of the rejection reason the recruiter picked (engine.oversight)


Block = tuple[str, str]  # (style, text): style is "small", "heading" or "para"


def _needs_unicode(blocks: list[Block]) -> bool:
    try:
        for _, text in blocks:
            text.encode("latin-1")
    except UnicodeEncodeError:
        return True
    return False


def _render(blocks: list[Block]) -> bytes:
    """Lay out the blocks. Text that Latin-1 covers (é, ü, ø ...) uses the built-in Helvetica, which costs
    milliseconds; anything else embeds DejaVu, which costs about a second of font parsing."""
    pdf = FPDF(format="A4")
    pdf.set_margins(22, 22, 22)
    family = "Helvetica"
    if _needs_unicode(blocks) and (FONT_DIR / "DejaVuSans.ttf").is_file() and (FONT_DIR / "DejaVuSans-Bold.ttf").is_file():
        pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        family = "DejaVu"
    pdf.add_page()
    for style, text in blocks:
        if family == "Helvetica":
            text = text.encode("latin-1", "replace").decode("latin-1")
        if style == "heading":
            pdf.set_font(family, "B", 18)
            pdf.cell(0, 12, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        else:
            pdf.set_font(family, "", 10 if style == "small" else 11)
            pdf.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())


def _salary(info: LetterInfo) -> str | None:
    if info.salary_min and info.salary_max and info.salary_min != info.salary_max:
        return f"{info.salary_min:,} to {info.salary_max:,} {info.currency} per year"
    amount = info.salary_max or info.salary_min
    return f"{amount:,} {info.currency} per year" if amount else None


def offer_letter_blocks(info: LetterInfo) -> list[Block]:
    blocks = [("small", f"{info.company}\n{(info.when or date.today()).strftime('%d %B %Y')}"),
              ("heading", "Offer of employment"),
              ("para", f"Dear {info.candidate_name},"),
              ("para", f"We are delighted to offer you the position of {info.job_title} at {info.company}"
                       + (f", based in {info.location}" if info.location else "") + ".")]
    salary = _salary(info)
    if salary:
        blocks.append(("para", f"Compensation: {salary}."))
    blocks += [("para", "This offer follows the interviews you held with our team, who were impressed by your "
                        "experience and the way you approached their questions. Your start date and the remaining "
                        "terms will be confirmed with you in writing by our hiring team."),
               ("para", "Please reply through JobExpressway or to your recruiter to accept this offer."),
               ("para", f"Warm regards,\n{info.signer or 'The hiring team'}\n{info.company}")]
    return blocks


def thank_you_blocks(info: LetterInfo) -> list[Block]:
    return [("small", f"{info.company}\n{(info.when or date.today()).strftime('%d %B %Y')}"),
            ("heading", "Thank you"),
            ("para", f"Dear {info.candidate_name},"),
            ("para", f"Thank you for interviewing for the {info.job_title} position at {info.company}. We "
                     "appreciated the time and care you put into the process."),
            ("para", "After much thought we have decided not to continue with your application for this role. "
                     + (f"{info.reason} " if info.reason else "")
                     + "We would be glad to see your application for future openings."),
            ("para", f"With our best wishes,\n{info.signer or 'The hiring team'}\n{info.company}")]


def offer_letter_pdf(info: LetterInfo) -> bytes:
    return _render(offer_letter_blocks(info))


def thank_you_note_pdf(info: LetterInfo) -> bytes:
    return _render(thank_you_blocks(info))


def render_letter(kind: str, info: LetterInfo) -> bytes:
    return {"offer": offer_letter_pdf, "thank_you": thank_you_note_pdf}[kind](info)


def store_letter(db: sqlite_utils.Database, kind: str, pdf: bytes) -> str:
    """Keep a rendered letter; returns its path relative to the data dir (for messages.attachment_path)."""
    return save_file(db, "letters", pdf, f"-{kind}.pdf")


def save_letter(db: sqlite_utils.Database, kind: str, info: LetterInfo) -> str:
    """Render and store a letter in one go."""
    return store_letter(db, kind, render_letter(kind, info))
