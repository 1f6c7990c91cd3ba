"""The texts the encoder sees: one for a job, one for a candidate's profile, one for a resume.

Job texts are cut to a word budget so they fit the model's window (MiniLM reads at most 256 word pieces;
Job-Rec-v1 is trained at 128) and so a first index build stays minutes, not tens of minutes: encoding time
grows with text length. The title, the skills and the education come first, so truncation never drops them.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

# Words kept from the free-text fields of a job. ~110 words ≈ 140-160 word pieces; see docs/recsys.md
# for the measurement that chose it.
JOB_DESCRIPTION_WORDS = 70
JOB_RESPONSIBILITIES_WORDS = 40
PROFILE_MAX_WORDS = 200
RESUME_MAX_WORDS = 200
# Bumped whenever job_text changes, so stored job vectors of the old text are not reused (index stamp).
JOB_TEXT_FORMAT = "2"   # 2: skills and education before the description (they were cut off past 128 word pieces)

_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"(https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_BULLET = re.compile(r"[\u2022\u25cf\u25aa\u2023\u2043\u00b7*]+")
_SPACE = re.compile(r"\s+")


def clean(text: Any) -> str:
    """Plain one-line text: HTML tags and entities, URLs, e-mail addresses and bullets removed."""
    if text is None:
        return ""
    if isinstance(text, (list, tuple)):
        text = ", ".join(str(t) for t in text if t)
    text = html.unescape(str(text))
    text = _TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _BULLET.sub(" ", text)
    text = text.replace("\\n", " ")
    text = _SPACE.sub(" ", text).strip()
    return "" if text in ("-1", "nan", "None") else text


def first_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


def as_list(value: Any) -> list[str]:
    """A skills-like field as a list: JSON list, Python list, or comma/semicolon separated text."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                value = value.strip("[]").split(",")
        else:
            value = re.split(r"[,;\n|]", value)
    if isinstance(value, Mapping):
        value = list(value.values())
    out: list[str] = []
    for item in value if isinstance(value, Iterable) else [value]:
        item = clean(item.get("name") if isinstance(item, Mapping) else item).strip(" .")
        if item and item.lower() not in {s.lower() for s in out}:
            out.append(item)
    return out


def _sentence(*parts: str) -> str:
    return ". ".join(p.rstrip(". ") for p in parts if p).strip()


def job_text(job: Mapping[str, Any], *, description_words: int = JOB_DESCRIPTION_WORDS,
             responsibilities_words: int = JOB_RESPONSIBILITIES_WORDS) -> str:
    """Title + required skills + education level + description + responsibilities, cleaned and cut: the
    founding design's fields, the short structured ones first. A generated posting's text runs ~175 word
    pieces, and Job-Rec-v1 reads 128: with the skills last, the encoder never saw them."""
    skills = as_list(job.get("required_skills"))
    description = clean(job.get("description"))
    responsibilities = clean(job.get("responsibilities"))
    if not description:  # some real postings carry their text in requirements only
        description = clean(job.get("requirements"))
    if responsibilities and responsibilities[:80] in description:  # some sources repeat one text in both
        responsibilities = ""
    return _sentence(
        clean(job.get("title")),
        ("Skills: " + ", ".join(skills[:25])) if skills else "",
        ("Education: " + clean(job.get("education_level"))) if clean(job.get("education_level")) else "",
        first_words(description, description_words),
        first_words(responsibilities, responsibilities_words) if responsibilities else "",
    )


def profile_text(profile: Mapping[str, Any] | Any) -> str:
    """A candidate's profile (a users row, a dict or an object with those attributes) as one text.
    Skills lead because they carry most of the signal; empty fields are left out."""
    get = profile.get if isinstance(profile, Mapping) else (lambda k, d=None: getattr(profile, k, d))
    skills = as_list(get("skills"))
    text = _sentence(
        clean(get("headline")),
        ("Interested in " + clean(get("preferred_category"))) if clean(get("preferred_category")) else "",
        ("Skills: " + ", ".join(skills)) if skills else "",
        ("Experience: " + clean(get("experience"))) if clean(get("experience")) else "",
        ("Education: " + clean(get("education"))) if clean(get("education")) else "",
        ("Location: " + clean(get("location"))) if clean(get("location")) else "",
    )
    return first_words(text, PROFILE_MAX_WORDS) if text else ""


def _entries(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    return [v for v in (value or []) if isinstance(v, Mapping)]


def _join_fields(entry: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    return " ".join(clean(entry.get(k)) for k in keys if clean(entry.get(k)))


def resume_text(resume: Mapping[str, Any] | str | None) -> str:
    """A resume document (the resume builder's JSON) as one text: headline/summary, experience with its
    bullets, projects, skills, education, certifications. Unknown keys are ignored; a JSON string is
    accepted too."""
    if not resume:
        return ""
    if isinstance(resume, str):
        try:
            resume = json.loads(resume)
        except ValueError:
            return first_words(clean(resume), RESUME_MAX_WORDS)
    personal = resume.get("personal") if isinstance(resume.get("personal"), Mapping) else {}
    experience = []
    for e in _entries(resume.get("experience")):
        head = _join_fields(e, ("title", "role", "position"))
        bullets = "; ".join(clean(b) for b in as_list(e.get("bullets") or e.get("highlights")) if b)
        experience.append(_sentence(head, bullets or clean(e.get("description"))))
    projects = [_sentence(_join_fields(p, ("name", "title")), clean(p.get("description")),
                          "; ".join(as_list(p.get("bullets"))))
                for p in _entries(resume.get("projects"))]
    education = [_join_fields(e, ("degree", "field", "school", "institution")) for e in _entries(resume.get("education"))]
    certs = as_list(resume.get("certifications"))
    skills = as_list(resume.get("skills"))
    text = _sentence(
        clean(personal.get("headline") or personal.get("title") or resume.get("headline")),
        clean(resume.get("summary")),
        ("Skills: " + ", ".join(skills)) if skills else "",
        ("Experience: " + ". ".join(x for x in experience if x)) if any(experience) else "",
        ("Projects: " + ". ".join(x for x in projects if x)) if any(projects) else "",
        ("Education: " + "; ".join(x for x in education if x)) if any(education) else "",
        ("Certifications: " + ", ".join(certs)) if certs else "",
    )
    return first_words(text, RESUME_MAX_WORDS) if text else ""


# Words that say how senior a job is, not what it is: "Senior Data Engineer" is a "Data Engineer".
SENIORITY = re.compile(r"\b(senior|sr|junior|jr|lead|principal|staff|head|chief|i{1,3}|iv|mid|level|entry|"
                       r"intern|trainee|associate|apprentice)\b", re.I)
_TITLE_SEPARATORS = re.compile(r"\s[-\u2013\u2014]\s|[,/|:;()\[\]]")
_EDGE_FILLER = {"a", "an", "and", "at", "for", "in", "of", "on", "the", "to", "with"}


def normal_title(title: str) -> str:
    """'Senior Data Analyst (Remote)' -> 'data analyst': what counts as the same job title (training pairs,
    evaluations). Brackets and seniority words go; the first four words of the rest are kept."""
    t = re.sub(r"\(.*?\)|[^a-z ]", " ", clean(title).lower())
    words = SENIORITY.sub(" ", t).split()
    while words and words[0] in _EDGE_FILLER:  # "Head of Sales" -> "sales"
        words.pop(0)
    return " ".join(words[:4])


def title_phrases(title: str) -> list[str]:
    """The phrases a title is known by, longest first: the title itself, its parts between separators
    (commas, slashes, dashes, brackets) and each of those without seniority words or numbers:
    "Senior Data Engineer (Remote), Payments" -> ["Senior Data Engineer (Remote), Payments", ...,
    "Senior Data Engineer", "Data Engineer", "Payments", "Remote"]."""
    title = clean(title)
    if not title:
        return []
    phrases = {title}
    for part in [title, *_TITLE_SEPARATORS.split(title)]:
        core = SENIORITY.sub(" ", re.sub(r"[^A-Za-z&+#.' -]", " ", part)).split()
        while core and core[0].lower().strip(".") in _EDGE_FILLER:
            core.pop(0)
        while core and core[-1].lower().strip(".") in _EDGE_FILLER:
            core.pop()
        for phrase in (" ".join(part.split()), " ".join(core)):
            if len(phrase.strip(" .-&")) >= 2:
                phrases.add(phrase.strip(" .-"))
    return sorted(phrases, key=lambda p: (-len(p), p))


def remove_title(text: str, title: str) -> str:
    """`text` with every phrase of `title_phrases` (any case, an optional plural s) taken out. A phrase glued
    to a capitalised word ("Data EngineerLocation", a scraping artefact) goes too; "Data Engineering" stays."""
    for phrase in title_phrases(title):
        text = re.sub(r"(?<![\w])" + re.escape(phrase) + r"(?:e?s)?(?!(?-i:[a-z0-9_]))", " ", text, flags=re.I)
    return _SPACE.sub(" ", text).strip()


def profile_like_text(job: Mapping[str, Any], words: int = 60) -> str:
    """What a matching candidate might write, built from a posting with its title removed: its skills, the
    opening of its requirements, its location and education. The title is removed wherever it appears, in
    every form `title_phrases` knows (so "3+ years as a Data Engineer" in a "Senior Data Engineer" posting
    loses "Data Engineer"): otherwise a lexical ranker wins by matching the title word for word."""
    title = clean(job.get("title"))
    skills = as_list(job.get("required_skills"))
    requirements = clean(job.get("requirements")) or clean(job.get("responsibilities"))
    if not requirements:  # only a description: use the part of it the job text leaves out, when there is one
        desc = clean(job.get("description")).split()
        requirements = " ".join(desc[JOB_DESCRIPTION_WORDS:] if len(desc) > JOB_DESCRIPTION_WORDS + 20 else desc)
    if title:
        requirements = remove_title(requirements, title)
        skills = [s for s in (remove_title(s, title) for s in skills) if s]
    return _sentence(
        ("Skills: " + ", ".join(skills[:20])) if skills else "",
        first_words(requirements, words),
        ("Location: " + clean(job.get("location"))) if clean(job.get("location")) else "",
        ("Education: " + clean(job.get("education_level"))) if clean(job.get("education_level")) else "",
    )
