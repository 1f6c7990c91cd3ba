"""Limits on the text people type or import, in one place, and the checks that enforce them.

Every engine function that stores user text checks it here before it writes anything: a value over its limit
is refused with a message naming the field and the limit (never cut silently), and a one-line field (a name,
a title, a location) refuses control characters, because a line break in a company name becomes a forged
mail header once it reaches an email subject. Callers put the messages in their own error (field -> message).
The resume builder's caps live here too (``RESUME``), though it cuts longer text with a notice instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TextLimit:
    label: str          # how the message names the field
    max_chars: int
    multiline: bool = False


# Sizes: a few times what real data needs (the longest real posting in ../shared/data has a 24,661-character
# description), small enough that a paste gone wrong is refused, not stored.
FIELDS: dict[str, TextLimit] = {
    # people and companies
    "name": TextLimit("Name", 100),
    "email": TextLimit("Email", 254),
    "location": TextLimit("Location", 120),
    "headline": TextLimit("Headline", 150),
    "preferred_category": TextLimit("Preferred category", 100),
    "education": TextLimit("Education", 2_000, multiline=True),
    "experience": TextLimit("Experience", 5_000, multiline=True),
    "company_name": TextLimit("Company name", 150),
    "contact_name": TextLimit("Contact name", 100),
    "industry": TextLimit("Industry", 100),
    "website": TextLimit("Website", 300),
    "access_message": TextLimit("Message", 2_000, multiline=True),
    # jobs and applications
    "title": TextLimit("Title", 200),
    "company": TextLimit("Company", 150),
    "category": TextLimit("Category", 100),
    "description": TextLimit("Description", 50_000, multiline=True),
    "requirements": TextLimit("Requirements", 50_000, multiline=True),
    "responsibilities": TextLimit("Responsibilities", 50_000, multiline=True),
    "contact_email": TextLimit("Contact email", 254),
    "education_level": TextLimit("Education level", 100),
    "employment_type": TextLimit("Employment type", 50),
    "cover_letter": TextLimit("Cover letter", 10_000, multiline=True),
    # a company's rejection reasons (engine.oversight): a label the recruiter picks, the letter's sentence
    "rejection_reason": TextLimit("Reason", 100),
    "rejection_letter_text": TextLimit("Letter text", 500),
}
MAX_REJECTION_REASONS = 20
SKILL = TextLimit("Skill", 60)
SKILLS_TEXT = TextLimit("The list of skills", 20_000, multiline=True)   # all skills as typed, before they are split
MAX_SKILLS = 50          # on a profile
MAX_JOB_SKILLS = 100     # on a job (imports list many)
EXCERPT_CHARS = 80       # how much of a bad value an error message may quote

# The resume builder's caps (engine.resume.model): it cuts longer text and says so in a notice.
RESUME = {
    "name": FIELDS["name"].max_chars, "email": FIELDS["email"].max_chars, "phone": 40,
    "location": FIELDS["location"].max_chars, "link": 300, "summary": 1200, "short": FIELDS["headline"].max_chars,
    "bullet": 400, "details": 600, "skill": SKILL.max_chars, "max_bullets": 12, "max_entries": 30,
    "max_skills": 60, "max_links": 20,
}

# Unicode's control characters (category Cc) and its line and paragraph separators; long text keeps tab,
# line feed and carriage return.
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _control_char(text: str, multiline: bool) -> str | None:
    """The first control character not allowed here."""
    found = (_CONTROL_MULTILINE if multiline else _CONTROL_ONE_LINE).search(text)
    return found.group() if found else None


def text_problem(value, limit: TextLimit) -> str | None:
    """Why this value cannot be stored in a field with this limit, or None."""
    if value is None:
        return None
    text = str(value)
    if len(text) > limit.max_chars:
        return (f"{limit.label} is {len(text):,} characters long; the limit is {limit.max_chars:,}. "
                f"Please shorten it.")
    bad = _control_char(text, limit.multiline)
    if bad is not None:
        where = "" if limit.multiline else " or line breaks"
        return f"{limit.label} cannot contain control characters{where} (found U+{ord(bad):04X})."
    return None


def problems(values: dict, **aliases: str) -> dict[str, str]:
    """field -> message for every value that breaks its limit. Fields are keys of ``FIELDS`` (others are not checked);
    ``aliases`` maps a form's own field name to one (e.g. ``name="company_name"`` on the company form)."""
    out = {}
    for field, value in values.items():
        limit = FIELDS.get(aliases.get(field, field))
        if limit is not None and (message := text_problem(value, limit)):
            out[field] = message
    return out


def skills_problem(skills: list[str], max_count: int = MAX_SKILLS) -> str | None:
    """Why this list of skills cannot be stored: too many, or one too long (quoted in part) or with controls."""
    if len(skills) > max_count:
        return f"{len(skills):,} skills given; the limit is {max_count}. Keep the ones that matter most."
    for skill in skills:
        if len(skill) > SKILL.max_chars:
            return (f"The skill \"{excerpt(skill, 30)}\" is {len(skill):,} characters long; a skill is at most "
                    f"{SKILL.max_chars}. Separate skills with commas.")
        if message := text_problem(skill, SKILL):
            return message
    return None


def excerpt(value, max_chars: int = EXCERPT_CHARS) -> str:
    """A short, printable piece of a value for an error message: a bad file is never echoed whole."""
    text = re.sub(r"\s+", " ", "".join(ch if ch.isprintable() or ch.isspace() else "?"
                                       for ch in str(value)[:max_chars * 2]))
    return text[:max_chars] + ("…" if len(str(value)) > max_chars else "")


def one_line(text: str) -> str:
    """Control characters and line breaks as single spaces: for mail headers built from stored text."""
    return re.sub(r"\s+", " ", _CONTROL_ONE_LINE.sub(" ", str(text))).strip()
