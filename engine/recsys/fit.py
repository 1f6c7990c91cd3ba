"""How well a candidate fits a job: the score the recruiter sees, the resume builder shows and
recommendations explain. score = 0.7 x cosine(candidate text, job text) + 0.3 x share of the job's required
skills the candidate has (cosine alone when the job lists no skills), clipped to 0..1.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sqlite_utils

from engine import decisions
from engine.anonymise import anonymise_applicant, is_anonymous, redact
from engine.authz import Actor, NotFound, require_company_scope, require_permission, require_staff_access
from engine.recsys import encoder as enc
from engine.recsys.text import as_list, job_text, profile_text, resume_text
from engine.store import one, transaction

SEMANTIC_WEIGHT = 0.7


@dataclass
class FitResult:
    score: float                      # 0..1
    semantic: float                   # cosine of the two texts, clipped to 0..1
    skill_coverage: float | None      # matched / required, None when the job lists no skills
    matched_skills: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)


def _norm(skill: str) -> str:
    return re.sub(r"[^a-z0-9+#]+", " ", skill.lower()).strip()


def match_skills(required, have=None, text: str = "") -> tuple[list[str], list[str]]:
    """(matched, missing) of a job's required skills, against a skills list and/or a free text.
    Skills are compared by their canonical names (engine.datasets.skills: "k8s" = "Kubernetes"), and a
    skill counts as present in the text when the skill extractor finds it or it appears as whole words."""
    from engine.datasets.skills import extract_skills, normalise_skill

    required = as_list(required)
    have_norm = {_norm(normalise_skill(s)) for s in as_list(have)} | {_norm(s) for s in extract_skills(text or "")}
    padded = f" {_norm(text or '')} "
    matched, missing = [], []
    for skill in required:
        n = _norm(normalise_skill(skill))
        (matched if n and (n in have_norm or f" {n} " in padded) else missing).append(skill)
    return matched, missing


def _combine(cosine: float, matched: list[str], missing: list[str]) -> FitResult:
    semantic = float(np.clip(cosine, 0.0, 1.0))
    total = len(matched) + len(missing)
    coverage = len(matched) / total if total else None
    score = semantic if coverage is None else SEMANTIC_WEIGHT * semantic + (1 - SEMANTIC_WEIGHT) * coverage
    return FitResult(round(score, 4), round(semantic, 4), None if coverage is None else round(coverage, 4), matched, missing)


def fit_score(text: str, job: dict, skills=None) -> FitResult:
    """Fit of a candidate text (resume or profile) to a job dict. ``skills``: the candidate's own list.
    The text is read redacted (engine.anonymise): contact details, ages and gender cues never move a score."""
    text = redact(text)
    if not (text or "").strip():
        return _combine(0.0, [], as_list(job.get("required_skills")))
    vectors = enc.encode([text, job_text(job)])
    matched, missing = match_skills(job.get("required_skills"), skills, text)
    return _combine(float(vectors[0] @ vectors[1]), matched, missing)


def resume_fit(resume: dict | str, job: dict) -> FitResult:
    """Fit of a resume document (the resume builder's JSON) to a job: the score its application would get
    in the recruiter's ranking."""
    data = resume
    if isinstance(resume, str):
        import json

        try:
            data = json.loads(resume)
        except ValueError:
            data = {}
    skills = as_list(data.get("skills")) if isinstance(data, dict) else []
    return fit_score(resume_text(resume), job, skills=skills)


# What a fit score was computed from (rank_applicants' "source"), in words for the recruiter.
SOURCES = {
    "uploaded_pdf": "the PDF resume uploaded with the application",
    "resume": "the builder resume sent with the application",
    "profile": "the candidate's profile",
    "profile_unreadable_pdf": "the candidate's profile (the uploaded PDF has no readable text)",
}


def uploaded_pdf_text(db: sqlite_utils.Database, relative_path: str) -> tuple[str, list[str]] | None:
    """(text, skills) of an uploaded application PDF, read as the resume importer reads it; None when the
    file is gone or has no text layer (a scan)."""
    from engine.uploads import UploadRejected, resolve

    try:
        path = resolve(db, relative_path)
        return _read_pdf_cached(str(path), path.stat().st_mtime_ns)
    except (OSError, UploadRejected):
        return None


@lru_cache(maxsize=256)
def _read_pdf_cached(path: str, mtime_ns: int) -> tuple[str, list[str]] | None:
    """Uploaded files never change (random names); the ranking is recomputed on every dashboard change."""
    from pathlib import Path

    from engine.resume.importing import ImportRejected, read_resume

    try:
        result = read_resume(Path(path).read_bytes(), Path(path).name)
    except ImportRejected:
        return None
    return (result.text, list(result.resume.skills)) if result.text.strip() else None


def applicant_text(db: sqlite_utils.Database, application: dict) -> tuple[str, list[str], str]:
    """(text, skills, source) of an application: the PDF uploaded with it, else the resume version attached
    to it, else the latest version of its resume, else the candidate's profile (see SOURCES); redacted of the
    candidate's name, contact details, age and gender cues (engine.anonymise), in every mode."""
    text, skills, source = _applicant_text(db, application)
    return redact(text, [application.get("candidate_name")]), skills, source


def _applicant_text(db: sqlite_utils.Database, application: dict) -> tuple[str, list[str], str]:
    fallback = "profile"
    if application.get("resume_pdf_path"):
        uploaded = uploaded_pdf_text(db, application["resume_pdf_path"])
        if uploaded is not None:
            return uploaded[0], uploaded[1], "uploaded_pdf"
        fallback = "profile_unreadable_pdf"
    version = None
    if application.get("resume_version_id"):
        version = one(db, "SELECT data FROM resume_versions WHERE id = ?", [application["resume_version_id"]])
    if version is None and application.get("resume_id"):
        version = one(db, "SELECT data FROM resume_versions WHERE resume_id = ? ORDER BY id DESC LIMIT 1",
                      [application["resume_id"]]) or one(db, "SELECT data FROM resumes WHERE id = ?", [application["resume_id"]])
    if version is not None:
        import json

        try:
            data = json.loads(version["data"] or "{}")
        except ValueError:
            data = {}
        text = resume_text(data)
        if text:
            return text, as_list(data.get("skills")), "resume"
    user = one(db, "SELECT * FROM users WHERE id = ?", [application["candidate_id"]]) or {}
    return profile_text(user), as_list(user.get("skills")), fallback


def rank_applicants(db: sqlite_utils.Database, actor: Actor, job_id: int) -> list[dict]:
    """The job's applicants, best fit first. For the admin, or a recruiter of the job's company whose
    company holds the view_applicants permission."""
    require_staff_access(db, actor)
    job = one(db, "SELECT * FROM jobs WHERE id = ?", [job_id])
    if job is None:
        raise NotFound(f"There is no job with id {job_id}.")
    require_company_scope(db, actor, job["company_id"])  # first: other companies' jobs stay "not found"
    require_permission(db, actor, "view_applicants")
    apps = list(db.query(
        "SELECT a.*, u.name AS candidate_name, u.email AS candidate_email FROM applications a "
        "JOIN users u ON u.id = a.candidate_id WHERE a.job_id = ? ORDER BY a.id", [job_id]))
    if not apps:
        return []
    texts = [applicant_text(db, a) for a in apps]
    the_job_text = job_text(job)
    vectors = enc.encode([t for t, _, _ in texts] + [the_job_text])
    job_vec = vectors[-1]
    out = []
    for app, (text, skills, source), vec in zip(apps, texts, vectors[:-1]):
        matched, missing = match_skills(job["required_skills"], skills, text)
        fit = _combine(float(vec @ job_vec) if text else 0.0, matched, missing)
        hidden = is_anonymous(job, app["status"])
        out.append({
            "application_id": app["id"], "candidate_id": app["candidate_id"],
            "name": anonymise_applicant(app)["candidate_name"] if hidden else app["candidate_name"],
            "email": None if hidden else app["candidate_email"], "status": app["status"], "applied_at": app["created_at"],
            "score": fit.score, "semantic": fit.semantic, "skill_coverage": fit.skill_coverage,
            "matched_skills": fit.matched_skills, "missing_skills": fit.missing_skills, "source": source,
            "source_label": SOURCES[source],
            "input_hash": decisions.input_hash(text, the_job_text),
        })
    ranked = sorted(out, key=lambda r: (-r["score"], r["application_id"]))
    _record_ranking(db, actor, job, ranked)
    return ranked


def _record_ranking(db: sqlite_utils.Database, actor: Actor, job: dict, ranked: list[dict]) -> None:
    """Log each score and rank shown to the recruiter (the decision log, engine.decisions)."""
    encoder = enc.load_encoder()
    with transaction(db):
        for rank, row in enumerate(ranked, 1):
            decisions.record_ai(
                db, "fit_score", model=encoder.name, model_version=encoder.version, input_hash=row["input_hash"],
                output={"score": row["score"], "rank": rank, "of": len(ranked), "matched_skills": row["matched_skills"],
                        "missing_skills": row["missing_skills"]},
                shown_to=actor.user_id, job_id=job["id"], application_id=row["application_id"],
                candidate_id=row["candidate_id"])
