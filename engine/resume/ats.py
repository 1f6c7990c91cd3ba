"""ATS readiness: render the candidate's resume to PDF, read it back the way an applicant-tracking system
would (the same importer candidates use), and report what did not survive the trip: contact fields, entries
whose title, employer or dates were not found, dates in a form such systems cannot read, skills lost."""
from __future__ import annotations

from dataclasses import dataclass

from engine.resume.importing import ImportRejected, read_resume
from engine.resume.importing.vocabulary import normalise_date
from engine.resume.model import Resume, is_present, parse_date
from engine.resume.render import render_pdf


@dataclass(frozen=True)
class Finding:
    level: str      # "problem" (an ATS misses it) | "ok"
    where: str
    message: str


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _date_key(text: str) -> str:
    return "Present" if is_present(text) else normalise_date(text)


def ats_check(resume: Resume, template: str) -> list[Finding]:
    """Findings for this resume in this design; an empty resume gives one problem per missing contact field."""
    try:
        read = read_resume(render_pdf(resume, template), "your resume").resume
    except ImportRejected as exc:
        return [Finding("problem", "Whole document", str(exc))]
    out: list[Finding] = []
    p, q = resume.personal, read.personal
    for key, label in (("name", "Name"), ("email", "Email"), ("phone", "Phone"), ("location", "Location")):
        mine, seen = getattr(p, key), getattr(q, key)
        if not mine:
            out.append(Finding("problem", f"Contact → {label}", "missing from your resume: most systems expect it."))
        elif not _same(mine, seen):
            out.append(Finding("problem", f"Contact → {label}", f"written as {mine!r} but read as {seen or 'nothing'!r}."))
    for section, fields in (("experience", (("title", "job title"), ("company", "employer"))),
                            ("education", (("school", "school"), ("degree", "degree")))):
        found = getattr(read, section)
        for i, entry in enumerate(getattr(resume, section)):
            where = f"{section.title()} {i + 1}"
            for date_field in ("start", "end"):
                value = getattr(entry, date_field)
                if value and not is_present(value) and parse_date(value) is None:
                    out.append(Finding("problem", f"{where} → {date_field}",
                                       f"{value!r} is not a date a system can read; write e.g. 2021-09 or Sep 2021."))
            match = found[i] if i < len(found) else None
            if match is None:
                out.append(Finding("problem", where, "this entry was not found at all."))
                continue
            for key, label in fields:
                if getattr(entry, key) and not _same(getattr(entry, key), getattr(match, key)):
                    out.append(Finding("problem", where, f"the {label} {getattr(entry, key)!r} was read as "
                                                         f"{getattr(match, key) or 'nothing'!r}."))
            if entry.start and _date_key(entry.start) != _date_key(match.start):
                out.append(Finding("problem", where, f"the start date {entry.start!r} was not read."))
    from engine.datasets.skills import normalise_skill

    # the reader gives canonical names ("Excel" reads as "Microsoft Excel"): compare those, not spellings
    found = {normalise_skill(x).casefold() for x in read.skills}
    lost = [s for s in resume.skills if normalise_skill(s).casefold() not in found]
    if lost:
        out.append(Finding("problem", "Skills", "not read as skills: " + ", ".join(lost[:12])))
    if not out:
        out.append(Finding("ok", "Whole document", "an applicant-tracking system reads every contact field, entry, "
                                                   "date and skill of this resume."))
    return out
