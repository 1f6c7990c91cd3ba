"""What the candidate confirms after an import: the document as a flat list of fields ("this is what an
applicant-tracking system reads from your file"), their corrections put back, and the save into a resume
version and, when they ask, into their profile. Reading a file saves nothing; only ``save_import`` does."""
from __future__ import annotations

import copy
from dataclasses import dataclass

from engine.authz import Actor, require_role
from engine.resume.importing import ImportResult, read_resume
from engine.resume.model import Resume, _build, _str_list
from engine.store import Database

ENTRY_FIELDS = {
    "experience": (("title", "Job title"), ("company", "Employer"), ("location", "Location"), ("start", "Start"),
                   ("end", "End (empty if current)"), ("bullets", "Bullets, one a line")),
    "education": (("school", "School"), ("degree", "Degree"), ("field", "Field"), ("start", "Start"), ("end", "End"),
                  ("grade", "Grade")),
}
PERSONAL = (("name", "Name"), ("email", "Email"), ("phone", "Phone"), ("location", "Location"),
            ("headline", "Headline"))


@dataclass(frozen=True)
class Field:
    key: str         # "personal.name", "experience.0.title", "skills", "summary"
    section: str     # "Contact", "Experience 1", ...
    label: str
    value: str
    multiline: bool = False


def read_for_review(actor: Actor, data: bytes, filename: str) -> ImportResult:
    """A candidate's upload, read but not saved (ImportRejected when the file cannot be read)."""
    require_role(actor, "candidate", "admin")
    return read_resume(data, filename)


def review_fields(resume: Resume) -> list[Field]:
    out = [Field(f"personal.{k}", "Contact", label, getattr(resume.personal, k)) for k, label in PERSONAL]
    out.append(Field("summary", "Summary", "Summary", resume.summary, True))
    for section, spec in ENTRY_FIELDS.items():
        for i, entry in enumerate(getattr(resume, section)):
            for key, label in spec:
                value = getattr(entry, key)
                if section == "experience" and key == "end" and entry.current:
                    value = ""
                out.append(Field(f"{section}.{i}.{key}", f"{section.title()} {i + 1}", label,
                                 "\n".join(value) if isinstance(value, list) else value, key == "bullets"))
    out.append(Field("skills", "Skills", "Skills, comma separated", ", ".join(resume.skills), True))
    return out


def apply_corrections(resume: Resume, values: dict[str, str]) -> Resume:
    """The document with the candidate's corrections (keys as in review_fields; unknown keys are ignored)."""
    r = copy.deepcopy(resume)
    for key, value in values.items():
        value = (value or "").strip()
        parts = key.split(".")
        if parts[0] == "personal" and len(parts) == 2 and parts[1] in dict(PERSONAL):
            setattr(r.personal, parts[1], value)
        elif key == "summary":
            r.summary = value
        elif key == "skills":
            r.skills = _str_list(value)
        elif parts[0] in ENTRY_FIELDS and len(parts) == 3 and parts[1].isdigit() and parts[2] in dict(ENTRY_FIELDS[parts[0]]):
            entries = getattr(r, parts[0])
            index = int(parts[1])
            if index < len(entries):
                data = {**entries[index].__dict__, parts[2]: value}
                if parts[0] == "experience" and parts[2] == "end":
                    data["current"] = not value or value.lower() in ("present", "current", "now")
                    data["end"] = "" if data["current"] else value
                entries[index] = _build(type(entries[index]), data)
    return r


def profile_changes(resume: Resume) -> dict:
    """What an import offers the profile: headline, skills, location, and experience as one line a job."""
    p = resume.personal
    lines = []
    for e in resume.experience:
        dates = " – ".join(x for x in (e.start, "Present" if e.current else e.end) if x)
        lines.append(" ".join(x for x in (e.title, f"at {e.company}" if e.company else "", f"({dates})" if dates else "") if x))
    changes = {"headline": p.headline, "skills": resume.skills, "location": p.location, "experience": "\n".join(lines)}
    return {k: v for k, v in changes.items() if v}


def save_import(db: Database, actor: Actor, resume: Resume, *, resume_id: int | None = None,
                title: str = "", template: str | None = None, update_profile: bool = False):
    """Save a confirmed import as a new version of ``resume_id`` (or a new resume), and optionally into the
    profile, all or nothing. Raises ResumeInvalid (what to fix) or accounts.ValidationError."""
    from engine import accounts
    from engine.resume import repository as repo
    from engine.resume.model import ResumeInvalid, errors, validate
    from engine.resume.templates import DEFAULT_TEMPLATE
    from engine.store import transaction

    require_role(actor, "candidate", "admin")
    cleaned, notices = validate(resume)
    if errors(notices):
        raise ResumeInvalid(notices)
    with transaction(db):
        if resume_id is None:
            stored = repo.create_resume(db, actor, title or "Imported resume", template or DEFAULT_TEMPLATE, cleaned)
        else:
            stored, _ = repo.save_resume(db, actor, resume_id, cleaned, template=template)
        if update_profile:
            accounts.update_profile(db, actor, profile_changes(cleaned))
    return stored
