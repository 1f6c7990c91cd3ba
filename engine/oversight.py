"""Human oversight of the ranking (EU AI Act Art. 14, 26(2)): a score never moves an application; a
recruiter who rejects picks a reason from the company's list (its sentence goes into the candidate's
letter); overriding the ranking is one click, and both are written to the decision log.

A company without its own list uses ``DEFAULT_REASONS``."""
from __future__ import annotations

import sqlite_utils

from engine import decisions, limits
from engine.authz import (Actor, NotFound, require_company_scope, require_permission, require_role,
                          require_staff_access)
from engine.store import insert_row, one, transaction

# (label the recruiter picks, the sentence the candidate's letter carries)
DEFAULT_REASONS: tuple[tuple[str, str], ...] = (
    ("Skills do not match the role", "We were looking for skills and experience closer to this role's requirements."),
    ("Another candidate was a closer fit", "We chose to continue with a candidate whose experience is a closer "
                                           "match to this role."),
    ("Position filled", "The position has now been filled."),
    ("Role closed or on hold", "The role has been closed or put on hold."),
    ("A stated requirement is not met", "The application did not meet one of the requirements stated in the "
                                        "posting (for example the work permit or the location)."),
)
NEEDS_REASON = ("rejected",)   # a staff member who rejects must say why; an interview's decision has its notes
OVERRIDE_ACTIONS = ("pin_top", "unpin")


class ReasonRequired(ValueError):
    """A rejection without a reason from the company's list; the message lists the choices."""


def _reasons(db, company_id: int | None) -> list[dict]:
    rows = list(db.query("SELECT label, letter_text FROM rejection_reasons WHERE company_id = ? ORDER BY id",
                         [company_id])) if company_id is not None else []
    return rows or [{"label": label, "letter_text": text} for label, text in DEFAULT_REASONS]


def rejection_reasons(db: sqlite_utils.Database, actor: Actor, company_id: int | None = None) -> list[dict]:
    """The reasons a recruiter of this company picks from ({label, letter_text}); the admin names a company."""
    require_role(actor, "recruiter", "admin")
    require_staff_access(db, actor)
    if actor.is_recruiter:
        company_id = actor.company_id
    return _reasons(db, company_id)


def set_rejection_reasons(db: sqlite_utils.Database, actor: Actor, reasons: list, company_id: int | None = None) -> list[dict]:
    """Replace the company's list: [(label, letter_text)] or [{label, letter_text}]. Every problem at once."""
    require_permission(db, actor, "change_status")
    if actor.is_recruiter:
        company_id = actor.company_id
    require_company_scope(db, actor, company_id)
    clean, problems = [], []
    for item in reasons or []:
        label, text = (item.get("label"), item.get("letter_text")) if isinstance(item, dict) else tuple(item)
        label, text = str(label or "").strip(), str(text or "").strip()
        if not label or not text:
            problems.append("Every reason needs a label and a sentence for the letter.")
            continue
        problems += limits.problems({"rejection_reason": label, "rejection_letter_text": text}).values()
        clean.append((label, text))
    if not clean and not problems:
        problems.append("Give at least one reason.")
    if len(clean) > limits.MAX_REJECTION_REASONS:
        problems.append(f"At most {limits.MAX_REJECTION_REASONS} reasons.")
    if len({label.lower() for label, _ in clean}) != len(clean):
        problems.append("Two reasons have the same label.")
    if problems:
        raise ValueError("Please fix: " + "; ".join(dict.fromkeys(problems)))
    with transaction(db):
        db.execute("DELETE FROM rejection_reasons WHERE company_id = ?", [company_id])
        for label, text in clean:
            insert_row(db, "rejection_reasons", {"company_id": company_id, "label": label, "letter_text": text})
    return _reasons(db, company_id)


def check_reason(db: sqlite_utils.Database, app: dict, new_status: str, reason: str | None, by_candidate: bool) -> dict | None:
    """The chosen reason ({label, letter_text}) for this change, or None where none is asked for.
    Raises ReasonRequired when a staff member rejects without a reason from the company's list."""
    choices = _reasons(db, app["company_id"])
    picked = next((r for r in choices if reason and r["label"] == reason.strip()), None)
    if picked is None and new_status in NEEDS_REASON and not by_candidate:
        listed = "; ".join(r["label"] for r in choices)
        raise ReasonRequired(f"Pick a reason for the rejection from your company's list: {listed}.")
    if picked is None and reason:
        raise ReasonRequired(f"'{limits.excerpt(reason, 40)}' is not on your company's list of reasons.")
    return picked


def override_ranking(db: sqlite_utils.Database, actor: Actor, application_id: int, action: str = "pin_top") -> dict:
    """One click: put an applicant at the top of the ranking ('pin_top') or back in score order ('unpin').
    Recorded in the decision log; the application's status does not change."""
    from engine.applications import get_application

    if action not in OVERRIDE_ACTIONS:
        raise ValueError(f"The action is one of {', '.join(OVERRIDE_ACTIONS)}.")
    require_role(actor, "recruiter", "admin")
    with transaction(db):
        app = get_application(db, actor, application_id)
        require_permission(db, actor, "view_applicants")
        decisions.record_human(db, "ranking_override", decided_by=actor.user_id, application=app,
                               output={"action": action})
    return {"application_id": app["id"], "action": action}


def pinned_applications(db: sqlite_utils.Database, actor: Actor, job_id: int) -> list[int]:
    """The job's applications a recruiter put at the top, most recent pin first (the latest override of
    each application counts)."""
    require_role(actor, "recruiter", "admin")
    require_staff_access(db, actor)
    job = one(db, "SELECT company_id FROM jobs WHERE id = ?", [int(job_id)])
    if job is None:
        raise NotFound(f"There is no job with id {job_id}.")
    require_company_scope(db, actor, job["company_id"])
    rows = db.query(
        "SELECT application_id, output FROM decision_records d WHERE job_id = ? AND event = 'ranking_override' "
        "AND id = (SELECT max(id) FROM decision_records e WHERE e.event = 'ranking_override' "
        "AND e.application_id = d.application_id) ORDER BY id DESC", [job_id])
    return [r["application_id"] for r in rows if '"pin_top"' in r["output"]]
