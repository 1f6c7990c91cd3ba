"""Read an existing resume into the builder's document: PDF with a text layer, DOCX, JSON Resume, or a
LinkedIn data-export zip. One module per format; the content decides the format, never the file name.

    result = read_resume(data, "cv.pdf")      # ImportRejected (a clear, safe message) for a bad file
    result.resume                             # engine.resume.model.Resume, not saved anywhere
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.resume.importing.safety import ImportRejected, check_size, open_zip
from engine.resume.model import Resume

FORMATS = {"pdf": "PDF", "docx": "Word document", "json-resume": "JSON Resume", "linkedin": "LinkedIn export"}
ACCEPTED = ("pdf", "docx", "json", "zip")    # file name endings the upload widgets offer


@dataclass
class ImportResult:
    resume: Resume
    format: str                                   # a key of FORMATS
    text: str = ""                                # the plain text read (PDF and DOCX)
    notes: list[str] = field(default_factory=list)   # what could not be found, for the candidate to fill in


def sniff(data: bytes) -> str:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith((b"{", b"[")):
        return "json"
    return ""


def read_resume(data: bytes, filename: str = "") -> ImportResult:
    """The resume in a file, read but not saved; ImportRejected says why a file cannot be read."""
    label = f"'{filename}'" if filename else "The file"
    check_size(data, label)
    kind = sniff(data)
    if kind == "pdf":
        from engine.resume.importing.pdf import read_pdf
        from engine.resume.importing.sections import read_lines

        lines = read_pdf(data, label)
        result = ImportResult(read_lines(lines), "pdf", "\n".join(ln.text for ln in lines))
    elif kind == "zip":
        members = open_zip(data, label)
        if "word/document.xml" in members:
            from engine.resume.importing.docx import read_docx
            from engine.resume.importing.sections import read_lines

            lines = read_docx(data, label)
            result = ImportResult(read_lines(lines), "docx", "\n".join(ln.text for ln in lines))
        else:
            from engine.resume.importing.linkedin import read_linkedin

            result = ImportResult(read_linkedin(data, label, members), "linkedin")
    elif kind == "json":
        from engine.resume.json_resume import read_json_resume

        result = ImportResult(read_json_resume(data, label), "json-resume")
    else:
        raise ImportRejected(f"{label} is not a PDF, Word document (.docx), JSON Resume or LinkedIn export (.zip). "
                             "Older .doc files: save as .docx first.")
    result.notes = missing_fields(result.resume)
    return result


def missing_fields(resume: Resume) -> list[str]:
    """What an applicant-tracking system would not find in this document."""
    p = resume.personal
    notes = []
    for label, value in (("your name", p.name), ("an email address", p.email), ("a phone number", p.phone),
                         ("a location", p.location)):
        if not value:
            notes.append(f"Could not find {label}.")
    if not resume.experience:
        notes.append("Could not find any work experience.")
    if not resume.education:
        notes.append("Could not find any education.")
    if not resume.skills:
        notes.append("Could not find a skills list.")
    return notes


__all__ = ["ACCEPTED", "FORMATS", "ImportRejected", "ImportResult", "missing_fields", "read_resume", "sniff"]
