"""What candidates are told about the AI (EU AI Act Art. 26(11), 50; GDPR Art. 13-15, 22): the notice shown
where they apply and in their applications, and their own fit explanation (score, matched and missing
skills), computed exactly as the recruiter's ranking computes it."""
from __future__ import annotations

import sqlite_utils

from engine import decisions
from engine.authz import Actor, NotFound, require_role
from engine.store import one

AI_NOTICE = (
    "An AI model (a sentence encoder) ranks the applications to each job by fit. It reads your resume, or "
    "your profile if you send none (headline, summary, skills, experience, education), and the job's text, "
    "after removing names, contact details, ages and gender cues. It decides nothing on its own: a recruiter "
    "reviews every application, and every score and decision is logged. Your own fit explanation (matched "
    "and missing skills) is under My applications."
)


def my_fit(db: sqlite_utils.Database, actor: Actor, application_id: int) -> dict:
    """The candidate's own fit explanation for one of their applications: score, semantic similarity,
    matched and missing skills (the same computation as engine.recsys.fit.rank_applicants), logged as
    an AI output shown to them."""
    from engine.recsys import encoder as enc
    from engine.recsys.fit import _combine, applicant_text, match_skills
    from engine.recsys.text import job_text

    require_role(actor, "candidate")
    try:
        app = one(db, "SELECT a.*, u.name AS candidate_name FROM applications a JOIN users u ON u.id = a.candidate_id "
                      "WHERE a.id = ? AND a.candidate_id = ?", [int(application_id), actor.user_id])
    except (TypeError, ValueError):
        app = None
    if app is None:
        raise NotFound(f"There is no application {application_id}.")
    job = one(db, "SELECT * FROM jobs WHERE id = ?", [app["job_id"]])
    text, skills, source = applicant_text(db, app)
    the_job_text = job_text(job)
    vectors = enc.encode([text or " ", the_job_text])
    matched, missing = match_skills(job["required_skills"], skills, text)
    fit = _combine(float(vectors[0] @ vectors[1]) if text else 0.0, matched, missing)
    encoder = enc.load_encoder()
    decisions.record_ai(db, "fit_score", model=encoder.name, model_version=encoder.version,
                        input_hash=decisions.input_hash(text, the_job_text),
                        output={"score": fit.score, "matched_skills": matched, "missing_skills": missing},
                        shown_to=actor.user_id, job_id=job["id"], application_id=app["id"], candidate_id=actor.user_id)
    return {"score": fit.score, "semantic": fit.semantic, "skill_coverage": fit.skill_coverage,
            "matched_skills": matched, "missing_skills": missing, "source": source}
