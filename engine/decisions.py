"""The decision log: every AI output a person sees about another person (a fit score and rank shown to a
recruiter, a recommendation shown to a candidate, a category or fraud score on a posting) and every human
decision on an application (status change with its reason, a ranking override), with who, when, the model
and its version and a hash of what the model read.

Append only: this module has no update or delete path, and the database itself refuses an update and a
delete of a record younger than 180 days (store.m260). Records carry ids, never names or emails, so they
outlive a candidate's deletion unchanged. Retention is ``retention_days()`` (env
JOBEXPRESSWAY_DECISION_RETENTION_DAYS, never less than 180); ``purge_expired`` removes only what is older.
"""
from __future__ import annotations

import hashlib
import io
import json
import os

import sqlite_utils

from engine.authz import Actor, NotFound, company_job, require_company_scope, require_role, require_staff_access
from engine.spreadsheet import write_csv
from engine.store import insert_row, one, transaction, utc_ago, utcnow

MIN_RETENTION_DAYS = 180   # EU AI Act Art. 26(6): deployers keep the logs at least six months
AI_EVENTS = ("fit_score", "recommendation", "job_category", "fraud_score")
HUMAN_EVENTS = ("status_change", "ranking_override")
COLUMNS = ("id", "at", "kind", "event", "model", "model_version", "input_hash", "output", "job_id",
           "application_id", "candidate_id", "company_id", "actor_id", "reason")
FORMATS = ("csv", "json")


def retention_days() -> int:
    """How long records are kept: the configured days, raised to the legal floor."""
    try:
        configured = int(os.environ.get("JOBEXPRESSWAY_DECISION_RETENTION_DAYS", MIN_RETENTION_DAYS))
    except ValueError:
        configured = MIN_RETENTION_DAYS
    return max(MIN_RETENTION_DAYS, configured)


def input_hash(*texts: str) -> str:
    """sha256 of what the model read (the texts joined by a record separator): the record proves which
    input gave the output without keeping the personal text itself."""
    return hashlib.sha256("\x1e".join(t or "" for t in texts).encode("utf-8")).hexdigest()


def model_stamp(path) -> str:
    """A model file's version: its size and modification time, hashed (changes whenever it is retrained)."""
    try:
        st = os.stat(path)
    except (OSError, TypeError):
        return "none"
    return hashlib.sha1(f"{os.path.basename(path)}:{st.st_size}:{int(st.st_mtime)}".encode()).hexdigest()[:12]


def _company_of_job(db, job_id: int | None) -> int | None:
    row = one(db, "SELECT company_id FROM jobs WHERE id = ?", [job_id]) if job_id is not None else None
    return row["company_id"] if row else None


def record_ai(db: sqlite_utils.Database, event: str, *, model: str, model_version: str, input_hash: str,
              output: dict, shown_to: int | None, job_id: int | None = None, application_id: int | None = None,
              candidate_id: int | None = None) -> int:
    """Log one AI output that a person (``shown_to``, a user id) sees about another person or a posting."""
    if event not in AI_EVENTS:
        raise ValueError(f"unknown AI event {event!r}")
    return insert_row(db, "decision_records", {
        "at": utcnow(), "kind": "ai", "event": event, "model": model, "model_version": model_version,
        "input_hash": input_hash, "output": json.dumps(output, ensure_ascii=False, sort_keys=True),
        "job_id": job_id, "application_id": application_id, "candidate_id": candidate_id,
        "company_id": _company_of_job(db, job_id), "actor_id": shown_to})


def record_human(db: sqlite_utils.Database, event: str, *, decided_by: int | None, application: dict,
                 output: dict, reason: str | None = None) -> int:
    """Log one human decision on an application (``application`` needs id, job_id and candidate_id)."""
    if event not in HUMAN_EVENTS:
        raise ValueError(f"unknown human event {event!r}")
    return insert_row(db, "decision_records", {
        "at": utcnow(), "kind": "human", "event": event, "output": json.dumps(output, sort_keys=True),
        "job_id": application["job_id"], "application_id": application["id"],
        "candidate_id": application["candidate_id"], "company_id": _company_of_job(db, application["job_id"]),
        "actor_id": decided_by, "reason": reason})


def record_category_suggestion(db: sqlite_utils.Database, actor: Actor, job: dict, top3: list) -> int:
    """Log the category classifier's suggestion shown to the poster of a job of their company."""
    from engine.recsys import classifier
    from engine.recsys.evaldata import job_text

    require_role(actor, "recruiter", "admin")
    require_company_scope(db, actor, _company_of_job(db, job.get("id")))
    path = classifier.model_path() if classifier.model_path().is_file() else classifier.shipped_model_path()
    with transaction(db):
        return record_ai(db, "job_category", model="category-classifier:" + path.name, model_version=model_stamp(path),
                         input_hash=input_hash(job_text(job)), output={"top3": [list(p) for p in top3]},
                         shown_to=actor.user_id, job_id=job.get("id"))


def records(db: sqlite_utils.Database, actor: Actor, *, job_id: int | None = None,
            candidate_id: int | None = None) -> list[dict]:
    """The records of one job or one candidate, oldest first. The admin sees all; a recruiter (company with
    access) sees only its own jobs' records, so a candidate's export holds only what this company did."""
    require_role(actor, "recruiter", "admin")
    require_staff_access(db, actor)
    if job_id is None and candidate_id is None:
        raise ValueError("Name a job or a candidate to export.")
    where, params = [], []
    if job_id is not None:
        where.append("job_id = ?")
        params.append(company_job(db, actor, job_id)["id"])
    if candidate_id is not None:
        where.append("candidate_id = ?")
        params.append(_as_int(candidate_id))
    if actor.is_recruiter:
        where.append("company_id = ?")
        params.append(actor.company_id)
    return list(db.query(f"SELECT {', '.join(COLUMNS)} FROM decision_records WHERE {' AND '.join(where)} "
                         "ORDER BY id", params))


def export_records(db: sqlite_utils.Database, actor: Actor, fmt: str = "csv", *, job_id: int | None = None,
                   candidate_id: int | None = None) -> str:
    """The records of a job or a candidate as CSV (formula-safe, spreadsheet.write_csv) or JSON."""
    if fmt not in FORMATS:
        raise ValueError(f"The format is one of {', '.join(FORMATS)}.")
    rows = records(db, actor, job_id=job_id, candidate_id=candidate_id)
    if fmt == "json":
        return json.dumps([dict(r, output=json.loads(r["output"] or "{}")) for r in rows], indent=2, ensure_ascii=False)
    out = io.StringIO()
    write_csv(out, COLUMNS, ([r[c] for c in COLUMNS] for r in rows))
    return out.getvalue()


def purge_expired(db: sqlite_utils.Database, admin: Actor) -> int:
    """Admin: remove records older than the retention period (never younger than 180 days: the database
    refuses those too). Returns how many went."""
    require_role(admin, "admin")
    with transaction(db):
        return db.execute("DELETE FROM decision_records WHERE at < ?", [utc_ago(days=retention_days())]).rowcount


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"There is no record {value!r}.") from None
