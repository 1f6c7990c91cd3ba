"""The resume document: plain dataclasses, a JSON round trip, validation with clear messages, prefill from a
candidate profile, and pure helpers to add, move and remove entries.

Dates are free text the way people type them ("2021", "2021-09", "Sep 2021", "Present"); validation only
insists that an end does not come before its start. Any Unicode is kept as typed (emoji, right-to-left
scripts): rendering decides what a font can draw, the document never loses it.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from engine.choices import is_email
from engine.limits import RESUME as LIMITS   # caps keep a PDF readable; longer text is cut with a notice
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
PRESENT_WORDS = {"present", "current", "now", "today", "ongoing"}


@dataclass
class Personal:
    name: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    headline: str = ""   # the role the candidate is aiming for, e.g. "Junior Data Analyst"


@dataclass
class Education:
    school: str = ""
    degree: str = ""
    field: str = ""
    start: str = ""
    end: str = ""
    grade: str = ""
    details: str = ""


@dataclass
class Experience:
    title: str = ""
    company: str = ""
    location: str = ""
    start: str = ""
    end: str = ""
    current: bool = False
    bullets: list[str] = field(default_factory=list)


@dataclass
class Project:
    name: str = ""
    link: str = ""
    description: str = ""
    bullets: list[str] = field(default_factory=list)
    tech: list[str] = field(default_factory=list)


@dataclass
class Certification:
    name: str = ""
    issuer: str = ""
    date: str = ""


@dataclass
class Language:
    name: str = ""
    level: str = ""


@dataclass
class Resume:
    personal: Personal = field(default_factory=Personal)
    summary: str = ""
    education: list[Education] = field(default_factory=list)
    experience: list[Experience] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)   # section order chosen by the user; empty = the template's

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict | None) -> "Resume":
        data = data or {}
        return cls(
            personal=_build(Personal, data.get("personal")),
            summary=_text(data.get("summary")),
            education=[_build(Education, e) for e in _list(data.get("education"))],
            experience=[_build(Experience, e) for e in _list(data.get("experience"))],
            projects=[_build(Project, e) for e in _list(data.get("projects"))],
            skills=_str_list(data.get("skills")),
            certifications=[_build(Certification, e) for e in _list(data.get("certifications"))],
            languages=[_build(Language, e) for e in _list(data.get("languages"))],
            links=_str_list(data.get("links")),
            order=[s for s in _str_list(data.get("order")) if s in SECTIONS],
        )

    @classmethod
    def from_json(cls, text: str | None) -> "Resume":
        return cls.from_dict(json.loads(text) if text else {})


SECTIONS = ("summary", "experience", "education", "projects", "skills", "certifications", "languages", "links")
SECTION_TYPES: dict[str, type] = {
    "education": Education, "experience": Experience, "projects": Project,
    "certifications": Certification, "languages": Language,
}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [p for p in re.split(r"[,\n]", value)]
    return [str(v).strip() for v in _list(value) if str(v).strip()]


def _build(kind: type, data: Any):
    """One entry from a dict, ignoring unknown keys and coercing types (old JSON and form input both fit)."""
    data = data if isinstance(data, dict) else {}
    kwargs = {}
    for f in fields(kind):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in ("bullets", "tech"):
            kwargs[f.name] = _str_list(value) if f.name == "tech" else [
                str(b).strip() for b in (_list(value) if not isinstance(value, str) else value.splitlines()) if str(b).strip()]
        elif f.name == "current":
            kwargs[f.name] = bool(value)
        else:
            kwargs[f.name] = _text(value)
    return kind(**kwargs)


# --- validation ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Notice:
    level: str      # "error" blocks saving; "warning" was fixed for the user (e.g. text cut to length)
    where: str      # e.g. "experience 2 → end"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ResumeInvalid(ValueError):
    def __init__(self, notices: list[Notice]):
        self.notices = notices
        super().__init__("; ".join(str(n) for n in notices if n.level == "error"))


def parse_date(text: str) -> tuple[int, int] | None:
    """(year, month) from "2021", "2021-09", "09/2021", "Sep 2021"; None when empty, "Present" or unreadable."""
    t = (text or "").strip().lower()
    if not t or t in PRESENT_WORDS:
        return None
    m = re.fullmatch(r"(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.]\d{1,2})?", t)
    if m:
        return int(m.group(1)), int(m.group(2) or 1)
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{4})", t)
    if m:
        return int(m.group(2)), int(m.group(1))
    m = re.fullmatch(r"([a-z]{3})[a-z]*\.?\s+(\d{4})", t)
    if m and m.group(1) in _MONTHS:
        return int(m.group(2)), _MONTHS[m.group(1)]
    return None


def is_present(text: str) -> bool:
    return (text or "").strip().lower() in PRESENT_WORDS


def validate(resume: Resume) -> tuple[Resume, list[Notice]]:
    """A cleaned copy (whitespace trimmed, overlong text cut) and the notices explaining every change or problem."""
    r = copy.deepcopy(resume)
    notices: list[Notice] = []

    def cap(value: str, limit_key: str, where: str) -> str:
        value = (value or "").strip()
        limit = LIMITS[limit_key]
        if len(value) > limit:
            notices.append(Notice("warning", where, f"shortened to {limit} characters (it had {len(value)})."))
            value = value[:limit].rstrip()
        return value

    p = r.personal
    p.name = cap(p.name, "name", "Personal → name")
    p.email = cap(p.email, "email", "Personal → email")
    p.phone = cap(p.phone, "phone", "Personal → phone")
    p.location = cap(p.location, "location", "Personal → location")
    p.headline = cap(p.headline, "short", "Personal → headline")
    if not p.name:
        notices.append(Notice("error", "Personal → name", "your name is required."))
    if not p.email:
        notices.append(Notice("error", "Personal → email", "an email address is required."))
    elif not is_email(p.email):
        notices.append(Notice("error", "Personal → email", f"{p.email!r} does not look like an email address."))
    r.summary = cap(r.summary, "summary", "Summary")

    for section in ("education", "experience", "projects", "certifications", "languages"):
        entries = getattr(r, section)
        if len(entries) > LIMITS["max_entries"]:
            notices.append(Notice("warning", section.title(), f"only the first {LIMITS['max_entries']} entries are kept."))
            del entries[LIMITS["max_entries"]:]
        for i, entry in enumerate(entries, start=1):
            where = f"{section.title()} {i}"
            for f in fields(entry):
                value = getattr(entry, f.name)
                if isinstance(value, str):
                    key = {"details": "details", "description": "details", "link": "link"}.get(f.name, "short")
                    setattr(entry, f.name, cap(value, key, f"{where} → {f.name}"))
                elif f.name in ("bullets", "tech"):
                    items = [cap(b, "bullet" if f.name == "bullets" else "skill", f"{where} → {f.name[:-1]} {j}")
                             for j, b in enumerate(value, start=1)]
                    items = [b for b in items if b]
                    if f.name == "bullets" and len(items) > LIMITS["max_bullets"]:
                        notices.append(Notice("warning", where, f"only the first {LIMITS['max_bullets']} bullets are kept."))
                        items = items[:LIMITS["max_bullets"]]
                    setattr(entry, f.name, items)
            if hasattr(entry, "start"):
                start, end = parse_date(entry.start), parse_date(entry.end)
                if entry.start and start is None:
                    notices.append(Notice("warning", f"{where} → start", f"could not read the date {entry.start!r}; use e.g. 2021-09."))
                if entry.end and end is None and not is_present(entry.end):
                    notices.append(Notice("warning", f"{where} → end", f"could not read the date {entry.end!r}; use e.g. 2023-06 or Present."))
                if start and end and end < start:
                    notices.append(Notice("error", f"{where} → end", f"ends ({entry.end}) before it begins ({entry.start})."))
                if getattr(entry, "current", False) and entry.end and not is_present(entry.end):
                    notices.append(Notice("warning", f"{where} → end", "marked as current, so the end date is ignored."))
                    entry.end = ""
    r.skills = _dedupe([cap(s, "skill", f"Skills → {s[:20]}") for s in r.skills])
    if len(r.skills) > LIMITS["max_skills"]:
        notices.append(Notice("warning", "Skills", f"only the first {LIMITS['max_skills']} skills are kept."))
        r.skills = r.skills[:LIMITS["max_skills"]]
    r.links = _dedupe([cap(u, "link", "Links") for u in r.links])
    if len(r.links) > LIMITS["max_links"]:
        notices.append(Notice("warning", "Links", f"only the first {LIMITS['max_links']} links are kept."))
        r.links = r.links[:LIMITS["max_links"]]
    return r, notices


def errors(notices: list[Notice]) -> list[Notice]:
    return [n for n in notices if n.level == "error"]


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


# --- prefill ---------------------------------------------------------------------------------------
def from_profile(user_row: dict | None) -> Resume:
    """A first draft from the candidate's profile: contact, headline, skills, and their education and
    experience notes (one line each) so nothing they already typed has to be typed again."""
    u = user_row or {}
    skills = u.get("skills") or []
    if isinstance(skills, str):
        try:
            skills = json.loads(skills)
        except ValueError:
            skills = skills.split(",")
    education = [Education(degree=line) for line in _lines(u.get("education"))]
    exp_lines = _lines(u.get("experience"))
    experience = [Experience(title=exp_lines[0], bullets=exp_lines[1:])] if exp_lines else []
    return Resume(
        personal=Personal(name=_text(u.get("name")).strip(), email=_text(u.get("email")).strip(),
                          location=_text(u.get("location")).strip(), headline=_text(u.get("headline")).strip()),
        education=education,
        experience=experience,
        skills=_dedupe(_str_list(skills)),
    )


def _lines(text: Any) -> list[str]:
    return [ln.strip(" -•*\t") for ln in _text(text).splitlines() if ln.strip(" -•*\t")]


# --- pure entry helpers (return a new Resume; the input is never changed) ---------------------------
def add_entry(resume: Resume, section: str, entry: Any = None) -> Resume:
    r = copy.deepcopy(resume)
    if section in ("skills", "links"):
        getattr(r, section).append(str(entry or "").strip())
    else:
        kind = SECTION_TYPES[section]
        getattr(r, section).append(entry if isinstance(entry, kind) else _build(kind, entry))
    return r


def remove_entry(resume: Resume, section: str, index: int) -> Resume:
    r = copy.deepcopy(resume)
    items = getattr(r, section)
    if not 0 <= index < len(items):
        raise IndexError(f"{section} has no entry {index + 1}.")
    del items[index]
    return r


def move_entry(resume: Resume, section: str, index: int, offset: int) -> Resume:
    """Move entry ``index`` by ``offset`` places (-1 = up), clamped to the list."""
    r = copy.deepcopy(resume)
    items = getattr(r, section)
    if not 0 <= index < len(items):
        raise IndexError(f"{section} has no entry {index + 1}.")
    target = max(0, min(len(items) - 1, index + offset))
    items.insert(target, items.pop(index))
    return r


def update_entry(resume: Resume, section: str, index: int, **changes: Any) -> Resume:
    r = copy.deepcopy(resume)
    entry = getattr(r, section)[index]
    merged = {**asdict(entry), **changes}
    getattr(r, section)[index] = _build(type(entry), merged)
    return r
