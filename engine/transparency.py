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


# The applicant ranking's model card (AI Act Art. 11, 13): what it is for, what it reads, its data, where its
# metrics come from, and its limits. Shown in the Model Lab's Fairness tab.
RANKING_MODEL_CARD = {
    "name": "Applicant fit ranking",
    "purpose": "Orders a job's applicants by how well their resume or profile fits the job, to help a recruiter "
               "read the most relevant first. It never moves, rejects or closes an application.",
    "model": "Sentence encoder (the fine-tuned Job-Rec-v1 when trained here, else the pretrained all-MiniLM-L6-v2) "
             "+ required-skill coverage: score = 0.7 x cosine(candidate text, job text) + 0.3 x share of the "
             "job's required skills found.",
    "reads": "The resume attached to the application (else the profile): headline, summary, skills, experience, "
             "projects, education, certifications; and the job's title, skills, education level and description.",
    "never_reads": "Names, email addresses, phone numbers, links, ages and birth years, pronouns and gendered "
                   "titles (removed before encoding, engine.anonymise); photos; uploaded PDFs of other people.",
    "data": "Job-Rec-v1 is fine-tuned on public job postings (docs/recsys-models.md); no applicant data is used "
            "for training.",
    "metrics": "Retrieval quality: `python -m engine eval recsys --json` (Recommendations tab). Bias: "
               "`python -m engine eval fairness --json` (this tab).",
    "limits": "English-centred; reads text, not ability; a resume with few words scores low; skill matching is "
              "by name, so synonyms outside the skills vocabulary are missed; names not recognised as the "
              "candidate's own (e.g. a referee's) stay in the text.",
}


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
