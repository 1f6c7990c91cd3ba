"""Tailor a resume to one job: the match score (the very score recruiters see), the job's skills the resume
lacks, and concrete things to change, each tied to a section of the form."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.datasets.skills import normalise_skill
from engine.resume.model import Resume
from engine.resume.render import SECTION_TITLES
from engine.resume.suggest import experience_months, job_skills, mentions
from engine.resume.templates import DEFAULT_ORDER, get_template


@dataclass
class Tip:
    section: str   # the form section it concerns (personal, summary, skills, experience, projects, order...)
    text: str


@dataclass
class TailorReport:
    score: float | None             # 0..1 from engine.recsys.fit.fit_score; None when unavailable
    score_note: str                 # why there is no score, or ""
    matched: list[str] = field(default_factory=list)       # job skills the resume shows
    missing: list[str] = field(default_factory=list)       # job skills the resume never mentions
    skills_to_list: list[str] = field(default_factory=list)   # in bullets but not in Skills
    tips: list[Tip] = field(default_factory=list)
    suggested_order: list[str] = field(default_factory=list)  # sections, strongest evidence first


def resume_plain_text(resume: Resume) -> str:
    """Everything the reader sees, as one text (used for local skill matching)."""
    r = resume
    parts = [r.personal.headline, r.summary, *r.skills, *r.links]
    for e in r.experience:
        parts += [e.title, e.company, *e.bullets]
    for e in r.education:
        parts += [e.degree, e.field, e.school, e.details]
    for p in r.projects:
        parts += [p.name, p.description, *p.bullets, *p.tech]
    parts += [c.name for c in r.certifications]
    return "\n".join(x for x in parts if x)


def match_score(resume: Resume, job: dict):
    """The recruiter-side fit score (imported here: loading the encoder is only worth it when asked)."""
    from engine.recsys.fit import resume_fit

    return resume_fit(resume.to_dict(), job)


def skills_gap(resume: Resume, job: dict) -> tuple[list[str], list[str], list[str]]:
    """(matched, missing, skills_to_list): job skills shown anywhere, never shown, and shown in the text
    but absent from the Skills list (where screening tools and recruiters look first)."""
    text = resume_plain_text(resume)
    listed = _canonical(resume.skills)
    matched, missing, to_list = [], [], []
    for skill in job_skills(job):
        if normalise_skill(skill).lower() in listed:
            matched.append(skill)
        elif mentions(text, skill):
            matched.append(skill)
            to_list.append(skill)
        else:
            missing.append(skill)
    return matched, missing, to_list


def _canonical(skills: list[str]) -> set[str]:
    """Skill names as the engine spells them, so "Excel" on a resume matches a job's "Microsoft Excel"."""
    return {normalise_skill(s).lower() for s in skills}


def _section_hits(resume: Resume, wanted: list[str]) -> dict[str, int]:
    def hits(text: str) -> int:
        return sum(mentions(text, s) for s in wanted)
    return {
        "experience": hits("\n".join(b for e in resume.experience for b in [e.title, *e.bullets])),
        "projects": hits("\n".join(b for p in resume.projects for b in [p.name, p.description, *p.bullets, *p.tech])),
        "education": hits("\n".join(x for e in resume.education for x in [e.degree, e.field, e.details])),
    }


def tailor(resume: Resume, job: dict, template: str = "modern") -> TailorReport:
    score, note = None, ""
    try:
        result = match_score(resume, job)
        score = float(result.score)
    except Exception as exc:  # noqa: BLE001 - the rest of the report is still useful
        note = f"The match score could not be computed ({type(exc).__name__})."
    matched, missing, to_list = skills_gap(resume, job)
    report = TailorReport(score, note, matched, missing, to_list)
    tips = report.tips
    title = (job.get("title") or "").strip()
    if missing:
        tips.append(Tip("skills", f"The job asks for {', '.join(missing)}. Add any of them to Skills if you "
                                  "really have them, and show where you used them in a bullet."))
    if to_list:
        tips.append(Tip("skills", f"Your entries mention {', '.join(to_list)} but your Skills list does not: add them."))
    bullet_text = "\n".join(b for e in resume.experience for b in e.bullets) + \
        "\n".join(b for p in resume.projects for b in [*p.bullets, p.description])
    listed = _canonical(resume.skills)
    for skill in [s for s in matched if normalise_skill(s).lower() in listed]:
        if not mentions(bullet_text, skill):
            tips.append(Tip("experience", f"{skill} is in your Skills but no bullet shows it: mention {skill} in "
                                          "the bullet of the job or project where you used it."))
    if not resume.summary.strip():
        tips.append(Tip("summary", "Add a summary: press Generate to draft one from your entries for this job."))
    elif title and not all(mentions(resume.summary, w) for w in re.findall(r"[A-Za-z][\w+#.-]*", title)[:3]):
        tips.append(Tip("summary", f"Name the role ('{title}') in your summary so a recruiter sees the fit at once."))
    for e in resume.experience:
        if e.bullets and not any(re.search(r"\d", b) for b in e.bullets):
            tips.append(Tip("experience", f"Add a figure to a bullet of '{e.title or e.company}' "
                                          "(how many, how much, how often) if you know it."))
    if not resume.personal.phone and not resume.links:
        tips.append(Tip("personal", "Add a phone number or a profile link so recruiters can reach you quickly."))
    # put the section with the most evidence for this job's skills first among experience/projects/education
    wanted = job_skills(job)
    hits = _section_hits(resume, wanted)
    current = [s for s in (resume.order or list(get_template(template).order)) if s in SECTION_TITLES]
    current += [s for s in DEFAULT_ORDER if s not in current]
    movable = [s for s in current if s in hits]
    best = sorted(movable, key=lambda s: (-hits[s], movable.index(s)))
    if wanted and best != movable and hits[best[0]] > hits[movable[0]]:
        slots = iter(best)
        report.suggested_order = [next(slots) if s in hits else s for s in current]
        tips.append(Tip("order", f"Move {SECTION_TITLES[best[0]]} above {SECTION_TITLES[movable[0]]}: it shows "
                                 f"more of the skills this job asks for ({hits[best[0]]} vs {hits[movable[0]]})."))
    if experience_months(resume) < 12 and resume.projects and "projects" not in [t.section for t in tips]:
        if not any(mentions(bullet_text, s) for s in wanted) and wanted:
            tips.append(Tip("projects", "Describe a project that used one of the job's skills: for a first job, "
                                        "projects are your strongest evidence."))
    return report


def jobs_to_tailor_for(db, actor, query: str = "", limit: int = 20) -> list[dict]:
    """The job picker's list: the candidate's applied and saved jobs first, then open jobs matching ``query``
    (by title, skills, company; FTS search), without repeats."""
    from engine.authz import require_signed_in
    from engine.jobs import JobFilters, decode_job, search_jobs

    require_signed_in(actor)

    rows = db.query(
        "SELECT j.*, 'applied' AS picked_because FROM applications a JOIN jobs j ON j.id = a.job_id "
        "WHERE a.candidate_id = ? "
        "UNION ALL SELECT j.*, 'saved' FROM saved_jobs s JOIN jobs j ON j.id = s.job_id WHERE s.user_id = ?",
        [actor.user_id, actor.user_id])
    mine = [decode_job(r) for r in rows]
    if query.strip():
        q = query.strip().lower()
        mine = [j for j in mine if q in f"{j['title']} {j['company']} {' '.join(j['required_skills'])}".lower()]
        found = search_jobs(db, JobFilters(query=query, per_page=limit)).jobs
    else:
        found = search_jobs(db, JobFilters(per_page=limit, sort="newest")).jobs
    seen, out = set(), []
    for job in [*mine, *found]:
        if job["id"] not in seen:
            seen.add(job["id"])
            out.append(job)
    return out[:limit + len(mine)]
