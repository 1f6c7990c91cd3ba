"""Mock-interview history: reports saved to the coach_sessions table, read back per candidate."""
from __future__ import annotations

import json

from engine import store
from engine.authz import AccessDenied, Actor, NotFound, require_signed_in
from engine.coach.mock import MockSession, report
from engine.store import Database


def _require_candidate(actor: Actor | None) -> Actor:
    if not require_signed_in(actor).is_candidate:
        raise AccessDenied("Mock-interview history is kept for signed-in candidates.")
    return actor


def actor_for_user(db: Database, user_id: int) -> Actor | None:
    row = store.one(db, "SELECT id, role, company_id, name, email FROM users WHERE id = ?", [user_id])
    return Actor(row["id"], row["role"], row["company_id"], row["name"], row["email"]) if row else None


def applied_jobs(db: Database, actor: Actor) -> list[dict]:
    """The jobs this candidate applied to (newest first), for a mock interview aimed at one of them."""
    _require_candidate(actor)
    rows = db.query(
        "SELECT j.id, j.title, j.company, j.category, j.required_skills, j.requirements FROM applications a "
        "JOIN jobs j ON j.id = a.job_id WHERE a.candidate_id = ? ORDER BY a.created_at DESC", [actor.user_id])
    jobs = []
    for r in rows:
        try:
            r["required_skills"] = json.loads(r["required_skills"] or "[]")
        except ValueError:
            r["required_skills"] = []
        jobs.append(r)
    return jobs


def save_report(db: Database, actor: Actor, session: MockSession) -> int:
    _require_candidate(actor)
    if not session.results:
        raise ValueError("answer at least one question before saving the report")
    rep = report(session)
    job_id = session.job_id
    if job_id is not None and not store.one(
            db, "SELECT 1 FROM applications WHERE job_id = ? AND candidate_id = ?", [job_id, actor.user_id]):
        job_id = None                                   # only a job this candidate applied to is linked
    with store.transaction(db):
        return store.insert_row(db, "coach_sessions", {
            "user_id": actor.user_id, "track": session.track, "level": session.level, "job_id": job_id,
            "score": rep["overall"], "report": rep, "started_at": session.started_at,
            "finished_at": session.finished_at or store.utcnow(),
        })


def history(db: Database, actor: Actor) -> list[dict]:
    """This candidate's reports, oldest first (for a progress chart)."""
    _require_candidate(actor)
    return list(db.query(
        "SELECT id, track, level, job_id, score, started_at, finished_at FROM coach_sessions "
        "WHERE user_id = ? ORDER BY finished_at, id", [actor.user_id]))


def get_report(db: Database, actor: Actor, session_id: int) -> dict:
    _require_candidate(actor)
    row = store.one(db, "SELECT report FROM coach_sessions WHERE id = ? AND user_id = ?", [session_id, actor.user_id])
    if row is None:
        raise NotFound("No such mock interview.")
    return json.loads(row["report"])
