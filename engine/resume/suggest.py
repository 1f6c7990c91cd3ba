"""'Generate' for the summary and for experience/project bullets.

With GEMINI_API_KEY set, Gemini writes the text through the google-genai SDK (model GEMINI_MODEL, timeout
GEMINI_TIMEOUT_S); any failure falls back to the offline writer with a notice saying so. The offline writer is
grounded: it only rearranges what the user entered and the target job's own words — it never adds an
employer, degree, date or number that is not already there (tests check every number and name).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date

from engine.resume import summary_check
from engine.resume.model import Resume, parse_date
from engine.resume.summary_check import article_for, is_variant

DEFAULT_MODEL = "gemini-2.5-flash"


@dataclass
class Suggestion:
    text: str = ""                                   # summary
    bullets: list[str] = field(default_factory=list)  # bullets
    source: str = "offline"                           # offline | gemini
    notice: str = ""                                  # shown to the user: which generator ran and why


# --- shared helpers --------------------------------------------------------------------------------
def job_skills(job: dict | None) -> list[str]:
    if not job:
        return []
    skills = job.get("required_skills") or []
    if isinstance(skills, str):
        try:
            skills = json.loads(skills)
        except ValueError:
            skills = skills.split(",")
    return [s.strip() for s in skills if str(s).strip()]


def job_text(job: dict | None) -> str:
    if not job:
        return ""
    parts = [job.get(k) or "" for k in ("title", "company", "description", "requirements", "responsibilities")]
    return "\n".join([*parts, ", ".join(job_skills(job))])


def mentions(text: str, term: str) -> bool:
    """Whole-word, case-insensitive; works for terms like C++, Node.js and "machine learning"."""
    return re.search(rf"(?<![\w+#]){re.escape(term.strip())}(?![\w+#])", text, re.I) is not None


def experience_months(resume: Resume, today: date | None = None) -> int:
    today = today or date.today()
    total = 0
    for e in resume.experience:
        start = parse_date(e.start)
        if not start:
            continue
        end = (today.year, today.month) if e.current or not e.end.strip() else parse_date(e.end)
        if end and end >= start:
            total += (end[0] - start[0]) * 12 + end[1] - start[1] + 1
    return total


def level_word(months: int) -> str:
    """A level in words, never a figure, so nothing numeric is added to what the user typed."""
    if months < 12:
        return "Early-career"
    if months < 36:
        return "Junior"
    if months < 72:
        return "Experienced"
    return "Senior"


# --- offline writer --------------------------------------------------------------------------------
WEAK_STARTS = [  # (pattern at the start of a note, replacement verb or "" to drop the phrase)
    (r"i was responsible for\s+", ""), (r"was responsible for\s+", ""), (r"responsible for\s+", ""),
    (r"(?:i\s+)?was in charge of\s+", "Led "), (r"(?:i\s+)?helped (?:to\s+|with\s+)?", "Supported "),
    (r"(?:i\s+)?worked on\s+", "Developed "), (r"(?:i\s+)?worked with\s+", "Collaborated with "),
    (r"(?:i\s+)?assisted (?:with\s+|in\s+)?", "Supported "), (r"(?:i\s+)?participated in\s+", "Contributed to "),
    (r"(?:i\s+)?did\s+", "Delivered "), (r"(?:i\s+)?made\s+", "Built "), (r"(?:i\s+)?handled\s+", "Managed "),
    (r"(?:i\s+)?tasks included\s+", ""), (r"(?:my\s+)?duties included\s+", ""), (r"i\s+", ""),
]
GERUNDS = {"building": "Built", "creating": "Created", "writing": "Wrote", "making": "Built", "running": "Ran",
           "leading": "Led", "teaching": "Taught", "designing": "Designed", "developing": "Developed",
           "analysing": "Analysed", "analyzing": "Analyzed", "managing": "Managed", "testing": "Tested",
           "organising": "Organised", "organizing": "Organized", "planning": "Planned", "cleaning": "Cleaned",
           "automating": "Automated", "improving": "Improved", "reducing": "Reduced", "supporting": "Supported",
           "maintaining": "Maintained", "training": "Trained", "preparing": "Prepared", "coding": "Coded"}
ACTION_VERBS = {"achieved", "analysed", "analyzed", "automated", "built", "cleaned", "coded", "collaborated",
                "contributed", "coordinated", "created", "cut", "delivered", "deployed", "designed", "developed",
                "drove", "established", "grew", "implemented", "improved", "increased", "launched", "led",
                "maintained", "managed", "mentored", "migrated", "optimised", "optimized", "organised", "organized",
                "planned", "prepared", "presented", "published", "ran", "reduced", "refactored", "researched",
                "resolved", "saved", "shipped", "streamlined", "supported", "taught", "tested", "trained", "wrote"}
# Words the offline writer itself may add; everything else in its output comes from the user or the job.
TEMPLATE_WORDS = {"Used", "Delivered", "Led", "Supported", "Developed", "Collaborated", "Contributed", "Built", "Managed",
                  "Early-career", "Junior", "Experienced", "Senior", "Skilled", "Looking", "Professional",
                  *GERUNDS.values()}


def strengthen(note: str) -> str:
    """Rewrite one note as a bullet: action verb first, filler dropped, numbers and names kept as typed."""
    text = re.sub(r"\s+", " ", note).strip().strip("•-*–— ").rstrip(".;")
    if not text:
        return ""
    lowered = text.lower()
    for pattern, verb in WEAK_STARTS:
        m = re.match(pattern, lowered)
        if m:
            rest = text[m.end():]
            # "helped building X" reads better as "Built X": the user's own verb wins over ours
            text = rest if rest.partition(" ")[0].lower() in GERUNDS or rest.partition(" ")[0].lower() in ACTION_VERBS \
                else verb + rest
            break
    first, _, rest = text.partition(" ")
    if first.lower() in GERUNDS:
        text = f"{GERUNDS[first.lower()]} {rest}".strip()
    elif first.lower() not in ACTION_VERBS and not text[:1].isupper() and first.lower() not in {v.lower() for v in TEMPLATE_WORDS}:
        text = f"Delivered {text}"
    text = text[:1].upper() + text[1:]
    return text


def offline_bullets(notes: list[str], job: dict | None = None, tech: list[str] | None = None) -> list[str]:
    wanted = job_skills(job)
    rewritten = [b for b in (strengthen(n) for n in _split_notes(notes)) if b]
    if not rewritten:
        return []
    # the entry's own tech list names skills the job wants that no bullet shows: say so in one more bullet
    unshown = [t for t in (tech or []) if any(t.lower() == w.lower() for w in wanted)
               and not any(mentions(b, t) for b in rewritten)]
    if unshown:
        rewritten.append("Used " + (", ".join(unshown[:-1]) + " and " + unshown[-1] if len(unshown) > 1 else unshown[0]))
    # bullets that show a skill the job asks for go first; the order is otherwise the user's
    return sorted(rewritten, key=lambda b: -sum(mentions(b, s) for s in wanted))


def _split_notes(notes: list[str]) -> list[str]:
    out = []
    for note in notes:
        for part in re.split(r"\n+|(?<=[.;])\s+(?=[A-Z])", note or ""):
            if part.strip(" .;-•*"):
                out.append(part)
    return out


IRREGULAR_PAST = {"ran", "grew", "cut", "led", "built", "taught", "wrote", "rebuilt", "won", "drove", "made", "sold",
                  "held", "kept", "set", "gave", "spoke", "took", "began", "found", "brought"}
LEVELED = {"junior", "senior", "graduate", "intern", "trainee", "lead", "entry-level", "principal", "head", "chief"}
DURATION = re.compile(r"(\d+(?:\.\d+)?\+?)\s*(years?|yrs?|months?)\b", re.I)


def _title_like(text: str) -> bool:
    """A role name, not a sentence: a few words, no figures or punctuation that starts a clause."""
    words = text.split()
    return 0 < len(words) <= 5 and not re.search(r"[\d:;,()]", text) and words[0].lower() not in {"i", "worked", "have"}


def role_of(resume: Resume) -> str:
    """The candidate's own role: the headline, else the latest experience title, where either may be a whole
    sentence ("3 years as a data analyst: SQL reporting") from which the role is taken ("data analyst")."""
    for text in [resume.personal.headline, *(e.title for e in resume.experience)]:
        text = (text or "").strip()
        if _title_like(text):
            return text
        found = (re.search(r"\bas (?:an? )?([a-z][a-z -]{1,40}?)(?=$|[:,.;]| and | at | in | for | with )", text, re.I)
                 or re.search(r"\bexperience in ([a-z][a-z -]{2,40}?)(?=$|[:,.;]| at | for | with )", text, re.I)
                 or re.match(r"([A-Za-z][A-Za-z -]{1,40}?)(?=,| at | for )", text))
        if found and _title_like(found.group(1)):
            role = found.group(1).strip()
            return role + " professional" if found.re.pattern.startswith("\\bexperience") else role
    return ""


def _duration(resume: Resume) -> str:
    """How long the user says they have worked, as they typed it ("3 years", "10+ years", "18 months")."""
    for text in [resume.personal.headline, *(e.title for e in resume.experience), resume.summary]:
        m = DURATION.search(text or "")
        if m:
            unit = "month" if m.group(2).lower().startswith("m") else "year"
            return f"{m.group(1)} {unit}{'' if m.group(1) == '1' else 's'}"
    return ""


def _degree(resume: Resume) -> str:
    edu = resume.education[0] if resume.education else None
    if not edu or not (edu.degree or edu.field):
        return ""
    study = " in ".join(x for x in (edu.degree, edu.field) if x) if edu.degree else f"degree in {edu.field}"
    return f"{article_for(study)} {study}" + (f" from {edu.school}" if edu.school else "")


def distinct_skills(skills: list[str]) -> list[str]:
    """The skills in the user's order without variants of one already listed ("SQL Server" after "SQL")."""
    kept: list[str] = []
    for skill in skills:
        if skill.strip() and not any(is_variant(skill, k) for k in kept):
            kept.append(skill.strip())
    return kept


def _own_deed(note: str) -> str:
    """One of the user's bullets as a sentence that starts with their own past-tense verb, or ''."""
    bullet = strengthen(note)
    words = bullet.split()
    if len(words) > 1 and words[0] == "Delivered" and (words[1].lower().endswith("ed") or words[1].lower() in IRREGULAR_PAST):
        bullet = words[1][:1].upper() + " ".join(words[1:])[1:]   # our "Delivered" before their own verb
        words = bullet.split()
    first = words[0].lower() if words else ""
    return bullet if first in ACTION_VERBS or first in IRREGULAR_PAST or first.endswith("ed") else ""


def offline_summary(resume: Resume, job: dict | None = None) -> str:
    """Two to four sentences under 60 words that pass ``summary_check``: the user's role with the experience
    and degree they entered, their distinct skills (those the job asks for first), their strongest deed, and
    the target role. Nothing is claimed that the entries do not say."""
    role = role_of(resume)
    duration = _duration(resume)
    months = experience_months(resume)
    level = "" if duration or not months or (role and role.split()[0].lower() in LEVELED) else level_word(months)
    degree = _degree(resume)
    edu = resume.education[0] if resume.education else None
    if not role and edu and edu.field and not duration and not months:
        role = f"{edu.field} graduate"
    with_parts = [f"{duration} of experience" if duration else "", degree]
    with_text = " and ".join(p for p in with_parts if p)
    sentences = []
    if role or with_text:
        head = " ".join(p for p in (level, role) if p) or "Professional"
        head = head[:1].upper() + head[1:]
        sentences.append(head + (f" with {with_text}" if with_text else "") + ".")
    wanted = job_skills(job)
    jtext = job_text(job)
    skills = distinct_skills(resume.skills)
    overlap = [s for s in skills if any(s.lower() == w.lower() for w in wanted) or (jtext and mentions(jtext, s))]
    top = (overlap or skills)[:4]
    if top:
        sentences.append("Skilled in " + (", ".join(top[:-1]) + f" and {top[-1]}" if len(top) > 1 else top[0]) + ".")
    deed = _best_bullet(resume, wanted)
    closing = ""
    if job and job.get("title"):
        closing = f"Looking to bring these skills to the {job['title']} role" + (f" at {job['company']}" if job.get("company") else "") + "."
    for extra in ([deed + "."] if deed else []) + ([closing] if closing else []):
        if len(" ".join([*sentences, extra]).split()) < summary_check.MAX_WORDS:
            sentences.append(extra)
    return " ".join(sentences)


def _best_bullet(resume: Resume, wanted: list[str]) -> str:
    """The user's own strongest deed: one with a figure and a skill the job wants scores highest."""
    candidates = [d for d in (_own_deed(b) for e in resume.experience for b in e.bullets) if d] + \
        [d for d in (_own_deed(b) for p in resume.projects for b in p.bullets) if d]
    if not candidates:
        return ""

    def score(b: str) -> float:
        return 2 * bool(re.search(r"\d", b)) + sum(mentions(b, s) for s in wanted) - len(b) / 1000
    return max(candidates, key=score)


# --- Gemini ----------------------------------------------------------------------------------------
def gemini_settings() -> tuple[str | None, str, float]:
    return (os.environ.get("GEMINI_API_KEY") or None, os.environ.get("GEMINI_MODEL") or DEFAULT_MODEL,
            float(os.environ.get("GEMINI_TIMEOUT_S") or 20))


def make_client(api_key: str, timeout_s: float):
    from google import genai
    from google.genai import types

    return genai.Client(api_key=api_key, http_options=types.HttpOptions(
        timeout=int(timeout_s * 1000), retry_options=types.HttpRetryOptions(attempts=1)))


_RULES = ("Use ONLY facts in the candidate data below. Never invent employers, schools, degrees, dates, "
          "numbers, tools or achievements. Plain text, no markdown headings, no placeholders.")


def _facts(resume: Resume, job: dict | None) -> str:
    data = resume.to_dict()
    data.pop("order", None)
    out = "CANDIDATE DATA (JSON):\n" + json.dumps(data, ensure_ascii=False)
    if job:
        out += "\n\nTARGET JOB:\n" + job_text(job)[:4000]
    return out


def _ask_gemini(client, model: str, prompt: str) -> str:
    from google.genai import types

    response = client.models.generate_content(
        model=model, contents=prompt,
        config=types.GenerateContentConfig(temperature=0.4, max_output_tokens=600),
    )
    text = (getattr(response, "text", None) or "").strip()
    if not text:
        raise RuntimeError("empty answer")
    return text


def ungrounded_numbers(output: str, source: str) -> list[str]:
    """Figures in ``output`` that the user never typed (shown as a warning on Gemini's text)."""
    return sorted({n for n in re.findall(r"\d+(?:[.,]\d+)?", output) if n not in source})


def _generate(kind: str, resume: Resume, job: dict | None, offline, prompt: str, client=None) -> Suggestion:
    api_key, model, timeout_s = gemini_settings()
    if client is None and not api_key:
        return offline("Written offline from your own entries (set GEMINI_API_KEY to use Gemini).")
    try:
        client = client or make_client(api_key, timeout_s)
        answer = _ask_gemini(client, model, prompt)
    except Exception as exc:  # noqa: BLE001 - any failure (network, quota, bad key) falls back, visibly
        reason = f"{type(exc).__name__}: {str(exc)[:120]}"
        return offline(f"Gemini could not be used ({reason}); written offline from your own entries instead.")
    notice = f"Written by Gemini ({model}). Check every fact before you save."
    odd = ungrounded_numbers(answer, _facts(resume, job))
    if odd:
        notice += f" These figures are not in your entries: {', '.join(odd)} — remove them unless they are true."
    if kind == "summary":
        text = re.sub(r"\s+", " ", answer)
        failed = summary_check.check_resume_summary(text, resume, job_text(job))
        if failed:   # the same rubric as the offline writer's: a summary that breaks it is not offered
            return offline(f"Gemini's summary broke our rules ({'; '.join(failed[:3])}); written offline from "
                           "your own entries instead.")
        return Suggestion(text=text, source="gemini", notice=notice)
    lines = [re.sub(r"^\s*(?:[-•*]|\d+[.)])\s*", "", ln).strip() for ln in answer.splitlines()]
    return Suggestion(bullets=[ln for ln in lines if ln][:8], source="gemini", notice=notice)


def generate_summary(resume: Resume, job: dict | None = None, client=None) -> Suggestion:
    prompt = (f"Write a 2-3 sentence professional resume summary for this candidate"
              f"{' tailored to the target job' if job else ''}. {_RULES}\n\n{_facts(resume, job)}")
    return _generate("summary", resume, job,
                     lambda why: Suggestion(text=offline_summary(resume, job), notice=why), prompt, client)


def generate_bullets(resume: Resume, section: str, index: int, job: dict | None = None, notes: str = "",
                     client=None) -> Suggestion:
    """Bullets for experience/projects entry ``index`` from its bullets, description and extra ``notes``."""
    entry = getattr(resume, section)[index]
    raw = list(entry.bullets) + ([entry.description] if getattr(entry, "description", "") else []) + \
        ([notes] if notes.strip() else [])
    tech = getattr(entry, "tech", None)
    label = f"{getattr(entry, 'title', '') or getattr(entry, 'name', '')} {getattr(entry, 'company', '')}".strip()
    prompt = (f"Rewrite these notes about '{label}' as 3-5 strong resume bullets, one per line starting with '- ', "
              f"past tense action verbs, keeping every figure exactly. {_RULES}\n\nNOTES:\n" + "\n".join(raw) +
              f"\n\n{_facts(resume, job)}")

    def offline(why: str) -> Suggestion:
        bullets = offline_bullets(raw, job, tech)
        if not bullets:
            why = "Add a few notes about what you did first (one per line); the writer only uses your own words."
        return Suggestion(bullets=bullets, notice=why)
    return _generate("bullets", resume, job, offline, prompt, client)
