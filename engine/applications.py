"""Applications and their status machine (see ../shared/DESIGN.md).

applied -> under_review -> accepted -> interview_scheduled -> interviewed -> offered | not_selected
                        \\-> rejected
any open state -> withdrawn (by the candidate)
Every transition is stored in application_events with time and actor; anything off the map is refused.
Each change that concerns the candidate puts a message in their inbox and an email in the outbox, in the same
transaction as the change (the interview invitation is the meetings feature's, sent with the room link).
"""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import sqlite_utils

from engine import anonymise, decisions, letters, limits, notify, oversight
from engine.authz import (AccessDenied, Actor, NotFound, is_company_staff, require_company_scope, require_permission,
                          require_role, require_signed_in, require_staff_access)
from engine.jobs import record_event
from engine.store import INTEGRITY_ERRORS, insert_row, one, transaction, utcnow
from engine.uploads import check_pdf, remove_quietly, resolve, save_file

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
# The forward path, in order (the funnel's stages).
STAGES = ("applied", "under_review", "accepted", "interview_scheduled", "interviewed", "offered")


class IllegalTransition(ValueError):
    """A status change that is not on the map; the message says what is allowed."""

    def __init__(self, message: str, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.allowed = allowed


class ApplyRefused(ValueError):
    """An application that cannot be made (deadline passed, already applied ...); safe to show."""


def check_transition(current: str, new: str) -> None:
    allowed = TRANSITIONS.get(current, ())
    if new not in allowed:
        options = ", ".join(STATUS_LABELS[s] for s in allowed) or "nothing (this application is closed)"
        raise IllegalTransition(
            f"An application that is '{STATUS_LABELS.get(current, current)}' cannot become "
            f"'{STATUS_LABELS.get(new, new)}'. Allowed next: {options}.",
            allowed,
        )


def _app_sql(where: str) -> str:
    return ("SELECT a.*, j.company_id, j.title AS job_title, j.company AS company_name, j.location AS job_location, "
            "j.salary_min, j.salary_max, j.salary_currency, u.name AS candidate_name, u.email AS candidate_email "
            "FROM applications a JOIN jobs j ON j.id = a.job_id JOIN users u ON u.id = a.candidate_id " + where)


def get_application(db: sqlite_utils.Database, actor: Actor, application_id: int) -> dict:
    """The application with its job's company; only its candidate, that company's recruiters (while the
    company has access) or the admin."""
    require_staff_access(db, actor)
    row = one(db, _app_sql("WHERE a.id = ?"), [_as_id(application_id)])
    if row is None:
        raise NotFound(f"There is no application {application_id}.")
    mine = row["candidate_id"] == actor.user_id if actor.is_candidate else is_company_staff(db, actor, row["company_id"])
    if not mine:
        raise NotFound(f"There is no application {application_id}.")
    return row


def _as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"There is no record {value!r}.") from None


# --- applying --------------------------------------------------------------------------------------

def apply(
    db: sqlite_utils.Database, actor: Actor, job_id: int, resume_id: int | None = None,
    pdf_bytes: bytes | None = None, pdf_name: str | None = None, cover_letter: str | None = None,
) -> dict:
    """A candidate applies to a visible job with a builder resume or an uploaded PDF (or neither: the profile).
    Everything (application, first event, 'apply' job event, inbox message, email) commits together."""
    require_role(actor, "candidate")
    job = one(db, "SELECT * FROM jobs WHERE id = ?", [_as_id(job_id)])
    if job is None or job["status"] != "open":
        raise NotFound(f"There is no open job with id {job_id}.")
    if job["deadline"] and job["deadline"] < date.today().isoformat():
        raise ApplyRefused(f"Applications for this job closed on {job['deadline']}.")
    _refuse_if_applied(db, actor, job["id"])
    if resume_id is not None and pdf_bytes is not None:
        raise ApplyRefused("Choose a resume from the builder or upload a PDF, not both.")
    cover_letter = (cover_letter or "").strip() or None
    if problem := limits.text_problem(cover_letter, limits.FIELDS["cover_letter"]):
        raise ApplyRefused(problem)   # before any file is saved
    version_id = None
    if resume_id is not None:
        resume = one(db, "SELECT id FROM resumes WHERE id = ? AND user_id = ?", [_as_id(resume_id), actor.user_id])
        if resume is None:
            raise NotFound(f"There is no resume {resume_id} among yours.")
        latest = one(db, "SELECT id FROM resume_versions WHERE resume_id = ? ORDER BY id DESC LIMIT 1", [resume["id"]])
        version_id = latest["id"] if latest else None
    pdf_path = None
    if pdf_bytes is not None:
        check_pdf(pdf_bytes, pdf_name)
        pdf_path = save_file(db, "uploads", pdf_bytes, ".pdf")
    now = utcnow()
    try:
        with transaction(db):
            _refuse_if_applied(db, actor, job["id"])  # again, now under the write lock
            app_id = insert_row(db, "applications", {
                "job_id": job["id"], "candidate_id": actor.user_id, "resume_id": resume_id,
                "resume_version_id": version_id, "resume_pdf_path": pdf_path, "cover_letter": cover_letter,
                "status": "applied", "created_at": now, "updated_at": now,
            })
            insert_row(db, "application_events", {"application_id": app_id, "from_status": None,
                                                  "to_status": "applied", "actor_id": actor.user_id, "at": now})
            record_event(db, actor, job["id"], "apply")
            name = _user_name(db, actor.user_id)
            notify.notify_user(db, actor.user_id, notify.application_received_email(name, job["title"], job["company"]),
                               link=notify.app_link("my-applications", application=app_id), application_id=app_id)
    except INTEGRITY_ERRORS:   # another request's application won the race (UNIQUE job, candidate)
        remove_quietly(db, pdf_path)
        _refuse_if_applied(db, actor, job["id"])
        raise
    except BaseException:
        remove_quietly(db, pdf_path)
        raise
    return get_application(db, actor, app_id)


def _refuse_if_applied(db, actor: Actor, job_id: int) -> None:
    prior = one(db, "SELECT created_at FROM applications WHERE job_id = ? AND candidate_id = ?", [job_id, actor.user_id])
    if prior:
        raise ApplyRefused(f"You already applied to this job on {prior['created_at'][:10]}.")


def _user_name(db, user_id: int) -> str:
    row = one(db, "SELECT name FROM users WHERE id = ?", [user_id])
    return (row or {}).get("name") or "there"


# --- status changes --------------------------------------------------------------------------------

def _authorize_change(db, actor: Actor, application_id, new_status: str) -> dict:
    app = get_application(db, actor, application_id)
    if actor.is_candidate and new_status != "withdrawn":
        raise AccessDenied("Candidates can only withdraw their applications.")
    if actor.is_recruiter:
        perm = "schedule_interviews" if new_status == "interview_scheduled" else "change_status"
        require_permission(db, actor, perm)
    if new_status == "withdrawn" and not actor.is_candidate:
        raise AccessDenied("Only the candidate can withdraw an application.")
    check_transition(app["status"], new_status)
    return app


LETTER_FOR_STATUS = {"offered": "offer", "not_selected": "thank_you"}


def change_status(
    db: sqlite_utils.Database, actor: Actor, application_id: int, new_status: str, note: str | None = None,
    reason: str | None = None,
) -> dict:
    """Move an application along the map, recording who did it and when. Recruiters need the
    change_status permission (scheduling an interview needs schedule_interviews); candidates may only
    withdraw their own. A rejection needs a ``reason`` from the company's list (engine.oversight), whose
    sentence goes into the candidate's message. Runs in one transaction, re-reading the row under the write
    lock so two recruiters acting at once never skip a step or lose an event; the change and its reason
    are written to the decision log (engine.decisions) in the same transaction."""
    if new_status not in STATUS_LABELS:
        raise IllegalTransition(f"Unknown status '{new_status}'. Known: {', '.join(STATUS_LABELS)}.")
    letter = None
    if new_status in LETTER_FOR_STATUS and not db.in_transaction:
        # Rendering a PDF takes ~1 s: do it before taking the write lock, so other writers are not held up.
        # Everything is checked again under the lock; a letter for a change that lost a race is dropped.
        ahead = _authorize_change(db, actor, application_id, new_status)
        picked = oversight.check_reason(db, ahead, new_status, reason, actor.is_candidate)
        letter = letters.render_letter(LETTER_FOR_STATUS[new_status], _letter_info(ahead, picked))
    with transaction(db):
        app = _authorize_change(db, actor, application_id, new_status)
        picked = oversight.check_reason(db, app, new_status, reason, actor.is_candidate)
        now = utcnow()
        db.execute("UPDATE applications SET status = ?, updated_at = ? WHERE id = ?", [new_status, now, app["id"]])
        insert_row(db, "application_events", {
            "application_id": app["id"], "from_status": app["status"], "to_status": new_status,
            "actor_id": actor.user_id, "note": (note or "").strip() or None, "at": now,
        })
        decisions.record_human(db, "status_change", decided_by=actor.user_id, application=app,
                               output={"from": app["status"], "to": new_status},
                               reason=picked["label"] if picked else None)
        _tell_candidate(db, app, new_status, letter, picked)
        app = dict(app, status=new_status, updated_at=now)
    return app


def _letter_info(app: dict, reason: dict | None = None) -> letters.LetterInfo:
    return letters.LetterInfo(app["candidate_name"], app["job_title"], app["company_name"], app.get("job_location") or "",
                              app.get("salary_min"), app.get("salary_max"), app.get("salary_currency") or "USD",
                              reason=(reason or {}).get("letter_text", ""))


def _tell_candidate(db, app: dict, new_status: str, letter: bytes | None = None, reason: dict | None = None) -> None:
    """The inbox message + email for a status change (same transaction). Offer and not-selected carry a PDF;
    a rejection's or a thank-you's message carries the sentence of the reason the recruiter picked."""
    name, title, company = app["candidate_name"], app["job_title"], app["company_name"]
    attachment = None
    if new_status == "interview_scheduled":
        return  # the meetings feature sends the invitation, with the room link and .ics
    if new_status == "accepted":
        email = notify.shortlisted_email(name, title, company)
    elif new_status == "rejected":
        email = notify.rejection_email(name, title, company)
        if reason:
            body = email.body.removesuffix(notify.SIGNATURE)
            email = replace(email, body=f"{body}\n\n{reason['letter_text']}{notify.SIGNATURE}")
    elif new_status == "withdrawn":
        email = notify.withdrawn_email(name, title, company)
    elif new_status in LETTER_FOR_STATUS:
        kind = LETTER_FOR_STATUS[new_status]
        if letter is None:
            letter = letters.render_letter(kind, _letter_info(app, reason))
        attachment = letters.store_letter(db, kind, letter)
        email = (notify.offer_email if kind == "offer" else notify.thank_you_email)(name, title, company)
    else:
        email = notify.status_update_email(name, title, company, STATUS_LABELS[new_status])
    notify.notify_user(db, app["candidate_id"], email, link=notify.app_link("my-applications", application=app["id"]),
                       attachment_path=attachment, application_id=app["id"])


def bulk_change_status(db: sqlite_utils.Database, actor: Actor, ids, new_status: str, note: str | None = None,
                       reason: str | None = None) -> list[dict]:
    """Each application in its own transaction, so one refusal does not undo the others."""
    require_staff_access(db, actor)   # a refusal that holds for every id is said once
    results = []
    for raw in ids:
        try:
            app = change_status(db, actor, raw, new_status, note, reason=reason)
            results.append({"id": app["id"], "ok": True, "status": new_status, "error": None})
        except (NotFound, AccessDenied, IllegalTransition, oversight.ReasonRequired) as exc:
            results.append({"id": raw, "ok": False, "status": None, "error": str(exc)})
    return results


def withdraw(db: sqlite_utils.Database, actor: Actor, application_id: int) -> dict:
    require_role(actor, "candidate")
    return change_status(db, actor, application_id, "withdrawn")


# --- private notes ---------------------------------------------------------------------------------

def _require_recruiter_view(db, actor: Actor, application_id: int) -> dict:
    require_role(actor, "recruiter", "admin")
    app = get_application(db, actor, application_id)
    require_permission(db, actor, "view_applicants")
    return app


def add_note(db: sqlite_utils.Database, actor: Actor, application_id: int, body: str) -> int:
    """A private note of the hiring team on an application; never shown to the candidate."""
    body = (body or "").strip()
    if not body:
        raise ValueError("The note is empty.")
    with transaction(db):
        app = _require_recruiter_view(db, actor, application_id)
        return insert_row(db, "application_notes", {"application_id": app["id"], "author_id": actor.user_id,
                                                    "body": body[:5000], "at": utcnow()})


def notes(db: sqlite_utils.Database, actor: Actor, application_id: int) -> list[dict]:
    app = _require_recruiter_view(db, actor, application_id)
    return list(db.query("SELECT n.*, u.name AS author FROM application_notes n JOIN users u ON u.id = n.author_id "
                         "WHERE n.application_id = ? ORDER BY n.id", [app["id"]]))


# --- listings --------------------------------------------------------------------------------------

def list_for_candidate(db: sqlite_utils.Database, actor: Actor) -> list[dict]:
    """My applications, newest first, each with its timeline and whether anybody here will review it."""
    require_role(actor, "candidate")
    rows = list(db.query(_app_sql("WHERE a.candidate_id = ? ORDER BY a.created_at DESC, a.id DESC"), [actor.user_id]))
    for row in rows:
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
        row["timeline"] = timeline(db, actor, row["id"])
        row["reviewed_here"] = reviewed_here(db, row["company_id"])
    return rows


def reviewed_here(db: sqlite_utils.Database, company_id: int | None) -> bool:
    """Whether a recruiter of the job's company works on JobExpressway (company granted access): catalogue
    postings (generated or imported, no company account) have nobody to move their applications along."""
    if company_id is None:
        return False
    return one(db, "SELECT 1 AS yes FROM users u JOIN companies c ON c.id = u.company_id WHERE u.role = 'recruiter' "
                   "AND u.company_id = ? AND c.access_status = 'granted' LIMIT 1", [company_id]) is not None


def not_reviewed_note(company: str | None) -> str:
    return (f"{company or 'This company'} has no recruiter on JobExpressway (the posting comes from the job "
            "catalogue), so nobody here reviews applications to it and their status stays “Applied”. "
            "Apply on the company's own site as well.")


def list_for_job(db: sqlite_utils.Database, actor: Actor, job_id: int) -> list[dict]:
    """The applicants of one job with their profile and resume (recruiters of that company with
    view_applicants, and the admin). Ordered by fit score where known, then by date. On a job under
    anonymised review, applicants not yet shortlisted come without name, contact or gender cues
    (engine.anonymise)."""
    require_role(actor, "recruiter", "admin")
    require_staff_access(db, actor)
    job = one(db, "SELECT id, company_id, anonymised_review FROM jobs WHERE id = ?", [_as_id(job_id)])
    if job is None:
        raise NotFound(f"There is no job with id {job_id}.")
    if actor.is_recruiter:
        try:
            require_company_scope(db, actor, job["company_id"])
        except NotFound:
            raise NotFound(f"There is no job with id {job_id}.") from None
    require_permission(db, actor, "view_applicants")
    rows = list(db.query(
        "SELECT a.*, u.name AS candidate_name, u.email AS candidate_email, u.location AS candidate_location, "
        "u.skills AS candidate_skills, u.education AS candidate_education, u.experience AS candidate_experience, "
        "u.headline AS candidate_headline, r.title AS resume_title, "
        "(SELECT count(*) FROM application_notes n WHERE n.application_id = a.id) AS note_count "
        "FROM applications a JOIN users u ON u.id = a.candidate_id LEFT JOIN resumes r ON r.id = a.resume_id "
        "WHERE a.job_id = ? ORDER BY a.fit_score DESC NULLS LAST, a.created_at, a.id", [job["id"]]))
    for row in rows:
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
        try:
            row["candidate_skills"] = json.loads(row["candidate_skills"] or "[]")
        except ValueError:
            row["candidate_skills"] = []
    return [anonymise.anonymise_applicant(r) if anonymise.is_anonymous(job, r["status"]) else r for r in rows]


def list_all(db: sqlite_utils.Database, admin: Actor, job_id: int | None = None, status: str | None = None,
             date_from: str | date | None = None, date_to: str | date | None = None) -> list[dict]:
    """Admin: every application, filtered by job, status and the date applied (inclusive, YYYY-MM-DD)."""
    require_role(admin, "admin")
    where, params = [], []
    if job_id is not None:
        where.append("a.job_id = ?")
        params.append(_as_id(job_id))
    if status:
        if status not in STATUS_LABELS:
            raise ValueError(f"Unknown status '{status}'.")
        where.append("a.status = ?")
        params.append(status)
    if date_from:
        where.append("substr(a.created_at, 1, 10) >= ?")
        params.append(str(date_from)[:10])
    if date_to:
        where.append("substr(a.created_at, 1, 10) <= ?")
        params.append(str(date_to)[:10])
    sql = _app_sql(("WHERE " + " AND ".join(where)) if where else "") + " ORDER BY a.created_at DESC, a.id DESC"
    rows = list(db.query(sql, params))
    for row in rows:
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    return rows


def timeline(db: sqlite_utils.Database, actor: Actor, application_id: int) -> list[dict]:
    """The status history. Candidates see who acted as 'You' or the company, and never the team's notes."""
    app = get_application(db, actor, application_id)
    rows = list(db.query(
        "SELECT e.*, u.name AS actor_name, u.role AS actor_role FROM application_events e "
        "LEFT JOIN users u ON u.id = e.actor_id WHERE e.application_id = ? ORDER BY e.id", [app["id"]]))
    job = one(db, "SELECT anonymised_review FROM jobs WHERE id = ?", [app["job_id"]])
    hidden = not actor.is_candidate and anonymise.is_anonymous(job, app["status"])   # the candidate's own steps
    out = []
    for e in rows:
        item = {"at": e["at"], "from_status": e["from_status"], "to_status": e["to_status"],
                "label": STATUS_LABELS.get(e["to_status"], e["to_status"])}
        if actor.is_candidate:
            item["by"] = "You" if e["actor_id"] == actor.user_id else app["company_name"]
        else:
            by = "the candidate" if hidden and e["actor_id"] == app["candidate_id"] else e["actor_name"]
            item.update(by=by, actor_id=e["actor_id"], actor_role=e["actor_role"], note=e["note"])
        out.append(item)
    return out


def history(db: sqlite_utils.Database, actor: Actor, application_id: int) -> list[dict]:
    app = get_application(db, actor, application_id)
    return list(db.query("SELECT * FROM application_events WHERE application_id = ? ORDER BY id", [app["id"]]))


def resume_for_application(db: sqlite_utils.Database, actor: Actor, application_id: int) -> dict | None:
    """What the candidate sent: {'kind': 'pdf', 'filename', 'data'} or {'kind': 'builder', 'title', 'template',
    'data', 'version_id'}; None when the application has no resume."""
    app = get_application(db, actor, application_id)
    if not actor.is_candidate:
        require_permission(db, actor, "view_applicants")
    safe_name = "".join(c if c.isalnum() else "_" for c in app["candidate_name"])[:40]
    filename = f"resume_{safe_name}_{app['id']}.pdf"
    job = one(db, "SELECT anonymised_review FROM jobs WHERE id = ?", [app["job_id"]])
    hidden = not actor.is_candidate and anonymise.is_anonymous(job, app["status"])
    if hidden and app["resume_pdf_path"]:
        return {"kind": "hidden", "title": "Resume", "data": None}   # a PDF cannot be redacted reliably
    if app["resume_pdf_path"]:
        path = resolve(db, app["resume_pdf_path"])
        return {"kind": "pdf", "filename": filename, "data": path.read_bytes()}
    if app["resume_id"]:
        version = None
        if app["resume_version_id"]:
            version = one(db, "SELECT * FROM resume_versions WHERE id = ?", [app["resume_version_id"]])
        resume = one(db, "SELECT * FROM resumes WHERE id = ?", [app["resume_id"]])
        source = version or resume
        if source is None:
            return None
        try:
            data = json.loads(source["data"] or "{}")
        except ValueError:
            data = {}
        if hidden:
            data = anonymise.anonymise_resume_document(data, [app["candidate_name"]])
        return {"kind": "builder", "title": "Resume" if hidden else (resume or {}).get("title", "Resume"),
                "template": source["template"], "data": data, "resume_id": app["resume_id"], "version_id": app["resume_version_id"],
                "filename": filename}
    return None


def builder_resume_pdf(sent: dict) -> bytes:
    """The PDF of a builder resume as ``resume_for_application`` returned it, in the template the candidate
    chose (the default one if that template no longer exists). No database access: pages may render it
    lazily, on the download click."""
    from engine.resume.model import Resume
    from engine.resume.render import render_pdf
    from engine.resume.templates import DEFAULT_TEMPLATE, TEMPLATES

    template = sent["template"] if sent["template"] in TEMPLATES else DEFAULT_TEMPLATE
    return render_pdf(Resume.from_dict(sent["data"] if isinstance(sent["data"], dict) else {}), template)


# --- inbox -----------------------------------------------------------------------------------------

def inbox(db: sqlite_utils.Database, actor: Actor, unread_only: bool = False) -> list[dict]:
    require_role(actor, "candidate", "recruiter", "admin")
    extra = " AND m.read_at IS NULL" if unread_only else ""
    # an invitation from the interview rooms carries its interview: its start, zone and length come along
    return list(db.query(
        "SELECT m.*, i.starts_at AS interview_starts_at, i.timezone AS interview_timezone, "
        "i.duration_min AS interview_duration_min, i.status AS interview_status FROM messages m "
        f"LEFT JOIN interviews i ON i.id = m.interview_id WHERE m.user_id = ?{extra} "
        "ORDER BY m.created_at DESC, m.id DESC", [actor.user_id]))


def mark_read(db: sqlite_utils.Database, actor: Actor, message_id: int) -> None:
    require_signed_in(actor)
    with transaction(db):
        msg = one(db, "SELECT id, user_id FROM messages WHERE id = ?", [_as_id(message_id)])
        if msg is None or msg["user_id"] != actor.user_id:
            raise NotFound(f"There is no message {message_id}.")
        db.execute("UPDATE messages SET read_at = COALESCE(read_at, ?) WHERE id = ?", [utcnow(), msg["id"]])


def message_attachment(db: sqlite_utils.Database, actor: Actor, message_id: int) -> tuple[str, bytes]:
    """(filename, bytes) of a message's attached letter, for its owner only."""
    require_signed_in(actor)
    msg = one(db, "SELECT * FROM messages WHERE id = ?", [_as_id(message_id)])
    if msg is None or msg["user_id"] != actor.user_id or not msg["attachment_path"]:
        raise NotFound(f"There is no attachment for message {message_id}.")
    path = resolve(db, msg["attachment_path"])
    return f"{msg['kind']}_{msg['id']}.pdf", path.read_bytes()


def my_resumes(db: sqlite_utils.Database, actor: Actor) -> list[dict]:
    """The candidate's builder resumes to choose from when applying (id, title, updated_at), newest first."""
    require_role(actor, "candidate")
    return list(db.query("SELECT id, title, template, updated_at FROM resumes WHERE user_id = ? "
                         "ORDER BY updated_at DESC, id DESC", [actor.user_id]))


def applied_on(db: sqlite_utils.Database, actor: Actor, job_id: int) -> dict | None:
    """The candidate's application to this job, if any (to show its status instead of the apply form)."""
    if not require_signed_in(actor).is_candidate:
        return None
    return one(db, "SELECT id, status, created_at FROM applications WHERE job_id = ? AND candidate_id = ?",
               [_as_id(job_id), actor.user_id])


def schedule_by_hand(db: sqlite_utils.Database, actor: Actor, application_id: int, starts_at, duration_min: int,
                     link: str, timezone_name: str = "UTC", note: str | None = None) -> dict:
    """Move an accepted application to interview_scheduled and send the invitation (with .ics) for a meeting
    arranged outside the app (date, time and link typed by the recruiter). The interview rooms feature does
    the same with its own rooms."""
    from datetime import datetime, timezone

    if not isinstance(starts_at, datetime):
        raise ValueError("The interview needs a date and a time.")
    link = (link or "").strip()
    if not link.startswith(("http://", "https://")):
        raise ValueError("The meeting link must start with http:// or https://.")
    if not 5 <= int(duration_min) <= 480:
        raise ValueError("The interview lasts between 5 minutes and 8 hours.")
    aware = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=timezone.utc)
    if aware < datetime.now(timezone.utc):
        raise ValueError("The interview time is in the past.")
    with transaction(db):
        app = change_status(db, actor, application_id, "interview_scheduled", note=note)
        email = notify.interview_invitation_email(app["candidate_name"], app["job_title"], app["company_name"], aware,
                                                  int(duration_min), link, timezone_name=timezone_name,
                                                  attendee_email=app["candidate_email"])
        notify.notify_user(db, app["candidate_id"], email, link=link, application_id=app["id"])
    return app
