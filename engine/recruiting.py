"""Recruiters' jobs: post (validated, optionally screened by a fraud model), edit, close, list; and the admin's
review of postings held as possibly fraudulent."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlite_utils

from engine import decisions, limits, notify
from engine.authz import Actor, NotFound, company_job, require_permission, require_role, require_staff_access
from engine.choices import CATEGORY_NAMES, EDUCATION_LEVELS, EMPLOYMENT_TYPES, is_email
from engine.jobs import _row_for_db, decode_job
from engine.store import INTEGRITY_ERRORS, insert_row, one, transaction, update_row, utcnow

REQUIRED = ("title", "description", "location", "category")
EDITABLE = ("title", "description", "location", "category", "deadline", "salary_min", "salary_max",
            "requirements", "responsibilities", "contact_email", "required_skills", "education_level", "remote",
            "employment_type")
REVIEW_THRESHOLD = 0.5
RiskScorer = Callable[[dict], float | None]  # None: the posting could not be screened (no model)


class JobValidationError(ValueError):
    """Every problem of a job form at once, so the recruiter fixes them in one go."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Please fix: " + "; ".join(problems))
        self.problems = problems


def _as_int(value, label: str, problems: list[str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):   # OverflowError: hundreds of digits read as infinity
        problems.append(f"{label} must be a number")
        return None
    if number < 0:
        problems.append(f"{label} cannot be negative")
    return number


def validate_job(fields: dict, *, check_deadline: bool = True, current: dict | None = None) -> dict:
    """Clean a job form; raises JobValidationError listing every problem. Category, employment type and
    education level come from the vocabulary; an edit (``current``: the job as stored) may keep an imported
    job's own value, e.g. the category "Other"."""
    problems: list[str] = []
    clean = {k: fields.get(k) for k in EDITABLE if k in fields}
    for key in ("title", "description", "location", "category", "requirements", "responsibilities",
                "contact_email", "education_level", "employment_type"):
        if isinstance(clean.get(key), str):
            clean[key] = clean[key].strip()
    for key in REQUIRED:
        if not clean.get(key):
            problems.append(f"{key.capitalize()} is required")
    problems += limits.problems({k: v for k, v in clean.items() if isinstance(v, str)}).values()
    deadline = clean.get("deadline")
    if deadline not in (None, ""):
        try:
            parsed = deadline if isinstance(deadline, date) else date.fromisoformat(str(deadline)[:10])
            clean["deadline"] = parsed.isoformat()
            if check_deadline and parsed < date.today():
                problems.append("Deadline is in the past")
        except ValueError:
            problems.append("Deadline must be a date (YYYY-MM-DD)")
    else:
        clean["deadline"] = None
    lo = _as_int(clean.get("salary_min"), "Minimum salary", problems)
    hi = _as_int(clean.get("salary_max"), "Maximum salary", problems)
    if lo is not None and hi is not None and lo > hi:
        problems.append("Minimum salary is above the maximum")
    clean["salary_min"], clean["salary_max"] = lo, hi
    email = clean.get("contact_email")
    if email and not is_email(email):
        problems.append(f"Contact email '{email}' is not a valid address")
    for key, label, allowed in (("category", "Category", CATEGORY_NAMES),
                                ("employment_type", "Employment type", EMPLOYMENT_TYPES),
                                ("education_level", "Education level", EDUCATION_LEVELS)):
        value = clean.get(key)
        if value and value not in allowed and value != (current or {}).get(key):
            problems.append(f"{label} '{limits.excerpt(value)}' is not one of ours: pick one of {', '.join(allowed)}")
    skills = clean.get("required_skills")
    if isinstance(skills, str):
        clean["required_skills"] = [s.strip() for s in skills.split(",") if s.strip()]
    if clean.get("required_skills") and (problem := limits.skills_problem(
            [str(s) for s in clean["required_skills"]], max_count=limits.MAX_JOB_SKILLS)):
        problems.append(problem)
    if problems:
        raise JobValidationError(problems)
    return clean


def _company_name(db, company_id: int | None) -> str:
    row = one(db, "SELECT name FROM companies WHERE id = ?", [company_id]) if company_id else None
    return row["name"] if row else ""


def _screen(db, job: dict, risk_scorer: RiskScorer | None, threshold: float | None) -> tuple[str, float | None]:
    score = risk_scorer(job) if risk_scorer is not None else None
    if score is None:
        return "open", None
    score = float(score)
    held = score >= (REVIEW_THRESHOLD if threshold is None else threshold)
    return ("pending_review" if held else "open"), round(score, 4)


def _record_screening(db, actor: Actor, job_id: int, job: dict, risk_scorer: RiskScorer | None, score: float | None,
                      status: str) -> None:
    """Log the fraud score shown to the poster (the decision log, engine.decisions)."""
    if score is None:
        return
    from engine.recsys import fraud

    name = f"{getattr(risk_scorer, '__module__', '')}.{getattr(risk_scorer, '__qualname__', type(risk_scorer).__name__)}"
    version = decisions.model_stamp(fraud.model_dir() / "model.joblib") if risk_scorer is fraud.risk_score else "n/a"
    decisions.record_ai(db, "fraud_score", model=name, model_version=version,
                        input_hash=decisions.input_hash(fraud.posting_text(job)),
                        output={"risk": score, "status": status}, shown_to=actor.user_id, job_id=job_id)


def _tell_admins_for_review(db, job: dict, job_id: int, score: float) -> None:
    email = notify.job_review_email(job["title"], job.get("company", ""), score, job_id)
    for admin in db.query("SELECT id, email FROM users WHERE role = 'admin'"):
        notify.queue_email(db, admin["email"], email.subject, email.body, email.kind, user_id=admin["id"])


def post_job(db: sqlite_utils.Database, actor: Actor, fields: dict, risk_scorer: RiskScorer | None = None,
             review_threshold: float | None = None) -> dict:
    """A recruiter (post_jobs permission) posts a job for their company. With a risk scorer, a score at or above
    review_threshold (default 0.5) holds the job for the admin's review (status pending_review) and emails
    the admin. The app passes the fraud model (engine.recsys.fraud) and the threshold chosen for it."""
    require_role(actor, "recruiter", "admin")
    require_permission(db, actor, "post_jobs")
    clean = validate_job(fields)
    company_id = actor.company_id if actor.is_recruiter else fields.get("company_id")
    job = dict(clean, company_id=company_id, posted_by=actor.user_id, source="posted",
               company=_company_name(db, company_id) or str(fields.get("company") or ""),
               created_date=date.today().isoformat())
    status, score = _screen(db, job, risk_scorer, review_threshold)
    job.update(status=status, fraud_score=score)
    try:
        with transaction(db):
            job_id = insert_row(db, "jobs", _row_for_db(job))
            _record_screening(db, actor, job_id, job, risk_scorer, score, status)
            if status == "pending_review":
                _tell_admins_for_review(db, job, job_id, score)
    except INTEGRITY_ERRORS:   # the jobs table's UNIQUE posting key
        raise JobValidationError(["This job is already posted (same title, company, location and description)"]) from None
    return decode_job(one(db, "SELECT * FROM jobs WHERE id = ?", [job_id]))


def _own_job(db, actor: Actor, job_id) -> dict:
    require_role(actor, "recruiter", "admin")
    require_staff_access(db, actor)
    return company_job(db, actor, job_id)


def edit_job(db: sqlite_utils.Database, actor: Actor, job_id: int, changes: dict,
             risk_scorer: RiskScorer | None = None, review_threshold: float | None = None) -> dict:
    """Change a job of one's company. The deadline is checked only when it changes (an old one may stand)."""
    require_permission(db, actor, "post_jobs")
    with transaction(db):
        job = decode_job(_own_job(db, actor, job_id))
        merged = {k: job.get(k) for k in EDITABLE} | {k: v for k, v in changes.items() if k in EDITABLE}
        clean = validate_job(merged, check_deadline=str(merged.get("deadline") or "") != str(job.get("deadline") or ""),
                             current=job)
        row = _row_for_db(dict(clean, company=job["company"]))
        update = {k: row[k] for k in EDITABLE if k in row}
        if risk_scorer is not None and job["status"] == "open":  # an edit never releases a held job
            status, score = _screen(db, dict(job, **clean), risk_scorer, review_threshold)
            update.update(status=status, fraud_score=score)
            _record_screening(db, actor, job["id"], dict(job, **clean), risk_scorer, score, status)
            if status == "pending_review" and job["status"] != "pending_review":
                _tell_admins_for_review(db, dict(job, **clean), job["id"], score)
        update["updated_at"] = utcnow()
        update_row(db, "jobs", job["id"], update)
    return decode_job(one(db, "SELECT * FROM jobs WHERE id = ?", [job["id"]]))


def close_job(db: sqlite_utils.Database, actor: Actor, job_id: int) -> dict:
    """Stop taking applications; the applicants already there stay in the pipeline."""
    require_permission(db, actor, "post_jobs")
    with transaction(db):
        job = _own_job(db, actor, job_id)
        update_row(db, "jobs", job["id"], {"status": "closed", "updated_at": utcnow()})
    return decode_job(one(db, "SELECT * FROM jobs WHERE id = ?", [job["id"]]))


def list_company_jobs(db: sqlite_utils.Database, actor: Actor, company_id: int | None = None) -> list[dict]:
    """Jobs of the recruiter's company (the admin may name any company, or none for all) with applicant counts."""
    require_role(actor, "recruiter", "admin")
    require_staff_access(db, actor)
    if actor.is_recruiter:
        company_id = actor.company_id
        if company_id is None:
            return []
    where, params = ("WHERE j.company_id = ?", [company_id]) if company_id is not None else ("", [])
    rows = db.query(
        "SELECT j.*, (SELECT count(*) FROM applications a WHERE a.job_id = j.id) AS applicants, "
        "(SELECT count(*) FROM applications a WHERE a.job_id = j.id AND a.status = 'applied') AS new_applicants "
        f"FROM jobs j {where} ORDER BY j.created_date DESC, j.id DESC", params)
    return [decode_job(r) for r in rows]


def pending_jobs(db: sqlite_utils.Database, admin: Actor) -> list[dict]:
    require_role(admin, "admin")
    return [decode_job(r) for r in db.query(
        "SELECT * FROM jobs WHERE status = 'pending_review' ORDER BY fraud_score DESC NULLS LAST, id")]


def review_pending_job(db: sqlite_utils.Database, admin: Actor, job_id: int, decision: str) -> dict:
    """Admin: 'approve' opens the job to candidates, 'reject' keeps it hidden for good; the poster is told."""
    require_role(admin, "admin")
    if decision not in ("approve", "reject"):
        raise ValueError("The decision is 'approve' or 'reject'.")
    with transaction(db):
        job = one(db, "SELECT * FROM jobs WHERE id = ? AND status = 'pending_review'", [int(job_id)])
        if job is None:
            raise NotFound(f"Job {job_id} is not waiting for review.")
        approved = decision == "approve"
        update_row(db, "jobs", job["id"], {"status": "open" if approved else "rejected", "updated_at": utcnow()})
        if job["posted_by"]:
            notify.notify_user(db, job["posted_by"], notify.job_decision_email(job["title"], approved))
    return decode_job(one(db, "SELECT * FROM jobs WHERE id = ?", [job["id"]]))


def companies_with_jobs(db: sqlite_utils.Database, admin: Actor) -> list[dict]:
    """Admin: companies (id, name, jobs) to pick from on the recruiter dashboard."""
    require_role(admin, "admin")
    return list(db.query("SELECT c.id, c.name, (SELECT count(*) FROM jobs j WHERE j.company_id = c.id) AS jobs "
                         "FROM companies c ORDER BY c.name"))
