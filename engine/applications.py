"""Applications and their status machine (see ../shared/DESIGN.md).

applied -> under_review -> accepted -> interview_scheduled -> interviewed -> offered | not_selected
                        \\-> rejected
any open state -> withdrawn (by the candidate)
Every transition is stored in application_events with time and actor; anything off the map is refused.
"""
from __future__ import annotations

import sqlite_utils

from engine.authz import AccessDenied, Actor, NotFound, require_company_scope, require_permission
from engine.store import insert_row, one, transaction, utcnow

STATUS_LABELS = {
    "applied": "Applied (pending)",
    "under_review": "Under review",
    "accepted": "Shortlisted",
    "rejected": "Rejected",
    "interview_scheduled": "Interview scheduled",
    "interviewed": "Interviewed",
    "offered": "Offered",
    "not_selected": "Not selected",
    "withdrawn": "Withdrawn",
}
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "applied": ("under_review", "withdrawn"),
    "under_review": ("accepted", "rejected", "withdrawn"),
    "accepted": ("interview_scheduled", "withdrawn"),
    "interview_scheduled": ("interviewed", "withdrawn"),
    "interviewed": ("offered", "not_selected", "withdrawn"),
}
FINAL_STATUSES = ("rejected", "offered", "not_selected", "withdrawn")
OPEN_STATUSES = tuple(TRANSITIONS)


class IllegalTransition(ValueError):
    """A status change that is not on the map; the message says what is allowed."""


def check_transition(current: str, new: str) -> None:
    allowed = TRANSITIONS.get(current, ())
    if new not in allowed:
        options = ", ".join(STATUS_LABELS[s] for s in allowed) or "nothing (this application is closed)"
        raise IllegalTransition(
            f"An application that is '{STATUS_LABELS.get(current, current)}' cannot become "
            f"'{STATUS_LABELS.get(new, new)}'. Allowed next: {options}."
        )


def get_application(db: sqlite_utils.Database, actor: Actor, application_id: int) -> dict:
    """The application with its job's company; only its candidate, that company's recruiters or the admin."""
    row = one(db, "SELECT a.*, j.company_id, j.title AS job_title, j.company AS company_name FROM applications a "
                  "JOIN jobs j ON j.id = a.job_id WHERE a.id = ?", [application_id])
    if row is None:
        raise NotFound(f"There is no application {application_id}.")
    if actor.is_candidate and row["candidate_id"] != actor.user_id:
        raise NotFound(f"There is no application {application_id}.")
    if actor.is_recruiter:
        require_company_scope(actor, row["company_id"])
    return row


def change_status(
    db: sqlite_utils.Database, actor: Actor, application_id: int, new_status: str, note: str | None = None
) -> dict:
    """Move an application along the map, recording who did it and when. Recruiters need the
    change_status permission (scheduling an interview needs schedule_interviews); candidates may only
    withdraw their own. Runs in one transaction, re-reading the row under the write lock so two
    recruiters acting at once never skip a step or lose an event."""
    if new_status not in STATUS_LABELS:
        raise IllegalTransition(f"Unknown status '{new_status}'.")
    with transaction(db):
        app = get_application(db, actor, application_id)
        if actor.is_candidate and new_status != "withdrawn":
            raise AccessDenied("Candidates can only withdraw their applications.")
        if actor.is_recruiter:
            perm = "schedule_interviews" if new_status == "interview_scheduled" else "change_status"
            require_permission(db, actor, perm)
        check_transition(app["status"], new_status)
        now = utcnow()
        db.execute("UPDATE applications SET status = ?, updated_at = ? WHERE id = ?", [new_status, now, application_id])
        insert_row(db, "application_events", {
            "application_id": application_id, "from_status": app["status"], "to_status": new_status,
            "actor_id": actor.user_id, "note": note, "at": now,
        })
        app = dict(app, status=new_status, updated_at=now)
    return app


def history(db: sqlite_utils.Database, actor: Actor, application_id: int) -> list[dict]:
    get_application(db, actor, application_id)
    return list(db.query("SELECT * FROM application_events WHERE application_id = ? ORDER BY id", [application_id]))
