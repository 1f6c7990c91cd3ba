"""Offer letters and thank-you notes as PDFs (fpdf2), saved under <data_dir>/letters/.

DejaVu fonts are embedded so names like "José Müller" or "Zoë Øster" print as written; where the fonts are
missing, the core Helvetica font is used and characters it lacks are replaced.
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


class _Letter(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_margins(22, 22, 22)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").is_file() and (FONT_DIR / "DejaVuSans-Bold.ttf").is_file()
        if self.unicode:
            self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.family = "DejaVu" if self.unicode else "Helvetica"
        self.add_page()

    def text_safe(self, text: str) -> str:
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str) -> None:
        self.set_font(self.family, "B", 18)
        self.cell(0, 12, self.text_safe(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def para(self, text: str, size: int = 11, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, 6.5, self.text_safe(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)


def _salary(info: LetterInfo) -> str | None:
    if info.salary_min and info.salary_max and info.salary_min != info.salary_max:
        return f"{info.salary_min:,} – {info.salary_max:,} {info.currency} per year"
    amount = info.salary_max or info.salary_min
    return f"{amount:,} {info.currency} per year" if amount else None


def offer_letter_pdf(info: LetterInfo) -> bytes:
    pdf = _Letter()
    pdf.para(f"{info.company}\n{(info.when or date.today()).strftime('%d %B %Y')}", size=10)
    pdf.heading("Offer of employment")
    pdf.para(f"Dear {info.candidate_name},")
    pdf.para(f"We are delighted to offer you the position of {info.job_title} at {info.company}"
             + (f", based in {info.location}" if info.location else "") + ".")
    salary = _salary(info)
    if salary:
        pdf.para(f"Compensation: {salary}.")
    pdf.para("This offer follows the interviews you held with our team, who were impressed by your experience "
             "and the way you approached their questions. Your start date and the remaining terms will be "
             "confirmed with you in writing by our hiring team.")
    pdf.para("Please reply through JobExpressway or to your recruiter to accept this offer.")
    pdf.para(f"Warm regards,\n{info.signer or 'The hiring team'}\n{info.company}")
    return bytes(pdf.output())


def thank_you_note_pdf(info: LetterInfo) -> bytes:
    pdf = _Letter()
    pdf.para(f"{info.company}\n{(info.when or date.today()).strftime('%d %B %Y')}", size=10)
    pdf.heading("Thank you")
    pdf.para(f"Dear {info.candidate_name},")
    pdf.para(f"Thank you for interviewing for the {info.job_title} position at {info.company}. We appreciated "
             "the time and care you put into the process.")
    pdf.para("After much thought we have decided to continue with another candidate for this role. This was a "
             "close decision, and we would be glad to see your application for future openings.")
    pdf.para(f"With our best wishes,\n{info.signer or 'The hiring team'}\n{info.company}")
    return bytes(pdf.output())


def save_letter(db: sqlite_utils.Database, kind: str, info: LetterInfo) -> str:
    """Render and store a letter; returns its path relative to the data dir (for messages.attachment_path)."""
    render = {"offer": offer_letter_pdf, "thank_you": thank_you_note_pdf}[kind]
    return save_file(db, "letters", render(info), f"-{kind}.pdf")
