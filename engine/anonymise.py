"""Anonymised screening: what a recruiter sees of an applicant before shortlisting, and what the fit score
reads in every mode. Names, email addresses, phone numbers, ages and birth dates are taken out; pronouns
and gendered titles become neutral ones ("she led" -> "they led", "chairwoman" -> "chair").

A job switched to anonymised review (jobs.anonymised_review) shows its applicants this way until they are
shortlisted; the fit score always reads the redacted text (engine.recsys.fit), so a name or a pronoun can
never move a score.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import sqlite_utils

from engine.authz import Actor, company_job, require_permission
from engine.store import one, transaction, update_row, utcnow

# Until shortlisting (applications.STATUS "accepted"), an anonymised job's applicants stay anonymous.
SCREENING_STATUSES = ("applied", "under_review")
HIDDEN = "hidden until shortlisting"

_EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w/])\+?\d[\d\s().-]{6,}\d(?![\w/])")
_URL = re.compile(r"(https?://|www\.)\S+", re.I)
_AGE = re.compile(
    r"\b(\d{1,2}\s*(-\s*)?(years?|yrs?)(\s*-\s*|\s+)old|aged?\s*:?\s*\d{1,2}|"
    r"(born|date of birth|d\.?o\.?b\.?)\s*:?\s*(in|on)?\s*[\w ,./-]{0,20}?\d{4})\b", re.I)
_PRONOUNS = {
    "he": "they", "she": "they", "him": "them", "his": "their", "hers": "theirs", "her": "their",
    "himself": "themselves", "herself": "themselves", "he's": "they're", "she's": "they're",
}
_TITLES = {
    "mr": "", "mrs": "", "ms": "", "mx": "", "sir": "", "madam": "", "mister": "",
    "chairman": "chair", "chairwoman": "chair", "salesman": "salesperson", "saleswoman": "salesperson",
    "businessman": "businessperson", "businesswoman": "businessperson", "spokesman": "spokesperson",
    "spokeswoman": "spokesperson", "foreman": "supervisor", "forewoman": "supervisor",
    "waiter": "server", "waitress": "server", "actress": "actor", "stewardess": "flight attendant",
    "steward": "flight attendant", "headmistress": "head teacher", "headmaster": "head teacher",
    "policeman": "police officer", "policewoman": "police officer", "fireman": "firefighter",
    "male": "", "female": "", "man": "person", "woman": "person", "men": "people", "women": "people",
    "mother": "parent", "father": "parent", "mom": "parent", "dad": "parent", "husband": "partner",
    "wife": "partner", "boyfriend": "partner", "girlfriend": "partner", "maternity": "parental",
    "paternity": "parental", "gentleman": "person", "lady": "person", "ladies": "people",
    "gentlemen": "people", "guy": "person", "girl": "person", "boy": "person",
}
_GENDERED = {**_PRONOUNS, **_TITLES}
_GENDERED_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _GENDERED), key=len, reverse=True)) + r")\b\.?",
                            re.I)


def _neutral(match: re.Match) -> str:
    word = match.group(1)
    swap = _GENDERED[word.lower()]
    if swap and word[0].isupper():
        swap = swap[0].upper() + swap[1:]
    return swap + (" " if match.group(0).endswith(".") and not swap else "")


def name_parts(names: Iterable[str | None]) -> list[str]:
    """The words of the given names that could identify someone, longest first: Latin ones of two letters or
    more (an initial says little), and any non-Latin one (a Chinese given name is often one character)."""
    parts = {p for n in names if n for p in re.split(r"[\s,.'-]+", str(n)) if len(p) >= 2 or (p and not p.isascii())}
    return sorted(parts, key=len, reverse=True)


def redact(text: str | None, names: Iterable[str | None] = ()) -> str:
    """The text without contact details, ages and the given names, with neutral pronouns and titles."""
    if not text:
        return ""
    out = _EMAIL.sub("[email]", str(text))
    out = _URL.sub("[link]", out)
    out = _AGE.sub("[age]", out)
    out = _PHONE.sub("[phone]", out)
    for part in name_parts(names):
        # lookarounds, not \b: a Devanagari name ends in a vowel sign, which \b does not count as a letter
        out = re.sub(rf"(?<!\w){re.escape(part)}(?![\w\u0900-\u097f])", "[name]", out, flags=re.I)
    out = _GENDERED_WORD.sub(_neutral, out)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def is_anonymous(job: dict | None, status: str) -> bool:
    """Whether an application of this job in this status is shown anonymised."""
    return bool(job and job.get("anonymised_review")) and status in SCREENING_STATUSES


def anonymise_applicant(row: dict) -> dict:
    """An applicant row of applications.list_for_job as an anonymised screening shows it: no name, email,
    phone, photo, age or gender cue in any field (the profile's free text is redacted)."""
    names = [row.get("candidate_name")]
    out = dict(row, anonymised=True, candidate_name=f"Candidate #{row['id']}", candidate_email=HIDDEN)
    for key in ("candidate_headline", "candidate_experience", "candidate_education", "candidate_location",
                "cover_letter"):
        if out.get(key):
            out[key] = redact(out[key], names)
    if isinstance(out.get("candidate_skills"), list):
        out["candidate_skills"] = [redact(s, names) for s in out["candidate_skills"]]
    return out


def anonymise_resume_document(data: dict, names: Iterable[str | None]) -> dict:
    """A builder resume as an anonymised screening shows it: the personal block (name, email, phone, photo,
    links, address) dropped and every text redacted."""
    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items() if k not in ("personal", "photo", "name", "email", "phone")}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return redact(value, names) if isinstance(value, str) else value

    return walk(data or {})


def set_anonymised_review(db: sqlite_utils.Database, actor: Actor, job_id: int, on: bool) -> dict:
    """Switch anonymised screening on or off for one job of the recruiter's company (post_jobs permission)."""
    require_permission(db, actor, "post_jobs")
    with transaction(db):
        job = company_job(db, actor, job_id)
        update_row(db, "jobs", job["id"], {"anonymised_review": 1 if on else 0, "updated_at": utcnow()})
    return one(db, "SELECT id, anonymised_review FROM jobs WHERE id = ?", [job["id"]])

