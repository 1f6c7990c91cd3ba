"""Messages to users: an in-app inbox (messages table) and email through an outbox table.

Every email is written to the outbox inside the caller's transaction, so a message is never lost even when
no mail server is configured or it is down; delivery (SMTP, with retries) happens separately, in
``engine.mail`` (``deliver_outbox``), from a background thread in the app or ``python -m engine deliver-mail``.
The templates below are plain functions returning an ``Email`` so every feature words its mail the same way.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlite_utils

from engine import config
from engine.limits import one_line
from engine.store import insert_row, one, utcnow

SIGNATURE = "\n\n— The JobExpressway team"


@dataclass(frozen=True)
class Email:
    subject: str
    body: str
    kind: str
    ics: str | None = None


def queue_email(
    db: sqlite_utils.Database,
    to_email: str,
    subject: str,
    body: str,
    kind: str,
    *,
    user_id: int | None = None,
    ics: str | None = None,
    attachment_path: str | None = None,
) -> int:
    """Queue one email. The subject is made one line here: names in it come from stored text, and a line
    break in a header would stop the message from being built (or forge a header)."""
    return insert_row(db, "outbox", {
        "to_email": to_email, "subject": one_line(subject), "body": body, "kind": kind, "ics": ics,
        "attachment_path": attachment_path, "user_id": user_id, "status": "queued", "attempts": 0,
        "created_at": utcnow(),
    })


def post_message(
    db: sqlite_utils.Database,
    user_id: int,
    kind: str,
    subject: str,
    body: str,
    *,
    link: str | None = None,
    attachment_path: str | None = None,
    application_id: int | None = None,
    interview_id: int | None = None,
) -> int:
    """A message in the user's in-app inbox."""
    return insert_row(db, "messages", {
        "user_id": user_id, "kind": kind, "subject": subject, "body": body, "link": link,
        "attachment_path": attachment_path, "application_id": application_id, "interview_id": interview_id,
        "created_at": utcnow(),
    })


def notify_user(
    db: sqlite_utils.Database,
    user_id: int,
    email: Email,
    *,
    link: str | None = None,
    attachment_path: str | None = None,
    application_id: int | None = None,
    interview_id: int | None = None,
) -> tuple[int, int | None]:
    """Inbox message + queued email for one user, in the caller's transaction. Returns (message_id, outbox_id);
    no email is queued for a user without an address."""
    msg_id = post_message(db, user_id, email.kind, email.subject, email.body, link=link,
                          attachment_path=attachment_path, application_id=application_id, interview_id=interview_id)
    user = one(db, "SELECT email FROM users WHERE id = ?", [user_id])
    out_id = None
    if user and user["email"]:
        body = email.body + (f"\n\nOpen: {link}" if link else "")
        out_id = queue_email(db, user["email"], email.subject, body, email.kind, user_id=user_id,
                             ics=email.ics, attachment_path=attachment_path)
    return msg_id, out_id


# --- templates -------------------------------------------------------------------------------------

def application_received_email(name: str, job_title: str, company: str) -> Email:
    return Email(
        f"Application received: {job_title} at {company}",
        f"Hello {name},\n\nWe received your application for {job_title} at {company}. You can follow every "
        f"step of it under \"My applications\"; we will write to you whenever its status changes." + SIGNATURE,
        "application",
    )


def status_update_email(name: str, job_title: str, company: str, status_label: str) -> Email:
    return Email(
        f"Your application for {job_title}: {status_label}",
        f"Hello {name},\n\nThe status of your application for {job_title} at {company} is now: {status_label}."
        + SIGNATURE,
        "status",
    )


def shortlisted_email(name: str, job_title: str, company: str) -> Email:
    return Email(
        f"You are shortlisted: {job_title} at {company}",
        f"Hello {name},\n\nGood news: {company} has shortlisted you for {job_title}. The next step is an "
        f"interview; you will receive an invitation with the date, time and a link to the interview room." + SIGNATURE,
        "status",
    )


def rejection_email(name: str, job_title: str, company: str) -> Email:
    return Email(
        f"Your application for {job_title} at {company}",
        f"Hello {name},\n\nThank you for applying for {job_title} at {company}. After careful review, the team "
        f"has decided not to move forward with your application this time. We encourage you to apply for other "
        f"roles that match your profile — your recommendations are updated as new jobs arrive." + SIGNATURE,
        "rejection",
    )


def offer_email(name: str, job_title: str, company: str) -> Email:
    return Email(
        f"Offer: {job_title} at {company}",
        f"Hello {name},\n\nCongratulations! {company} is delighted to offer you the position of {job_title}. "
        f"Your offer letter is attached and is also in your JobExpressway inbox." + SIGNATURE,
        "offer",
    )


def thank_you_email(name: str, job_title: str, company: str) -> Email:
    return Email(
        f"Thank you for interviewing for {job_title}",
        f"Hello {name},\n\nThank you for the time you gave to interviewing for {job_title} at {company}. The "
        f"team has chosen another candidate for this role. A short note from them is attached and in your inbox."
        + SIGNATURE,
        "thank_you",
    )


def withdrawn_email(name: str, job_title: str, company: str) -> Email:
    return Email(
        f"Application withdrawn: {job_title}",
        f"Hello {name},\n\nAs you asked, your application for {job_title} at {company} has been withdrawn. "
        f"{company} will not consider it further." + SIGNATURE,
        "status",
    )


def access_granted_email(company: str, permissions: list[str]) -> Email:
    listed = "\n".join(f"  - {p}" for p in permissions) or "  (none yet)"
    return Email(
        f"Access granted for {company}",
        f"Hello,\n\n{company} has been granted access to JobExpressway's recruiter tools:\n{listed}\n\nSign in "
        f"to post jobs and review applicants." + SIGNATURE,
        "access",
    )


def job_review_email(job_title: str, company: str, score: float, job_id: int) -> Email:
    return Email(
        f"Job held for review: {job_title} ({company})",
        f"A new posting scored {score:.2f} on the fraud model and is held for review before candidates see "
        f"it.\n\nJob {job_id}: {job_title} at {company}.\nApprove or reject it on the admin applications page."
        + SIGNATURE,
        "review",
    )


def job_decision_email(job_title: str, approved: bool) -> Email:
    verdict = "approved and is now visible to candidates" if approved else "rejected by the site admin"
    return Email(f"Your job posting was {'approved' if approved else 'rejected'}: {job_title}",
                 f"Hello,\n\nYour posting \"{job_title}\" was {verdict}." + SIGNATURE, "review")


def interview_ics(
    *, title: str, starts_at: datetime, duration_min: int, link: str, description: str = "",
    organizer_email: str | None = None, attendee_email: str | None = None, uid: str | None = None,
) -> str:
    """An iCalendar (RFC 5545) invitation, METHOD:REQUEST, so mail clients offer to add it."""
    from icalendar import Calendar, Event, vCalAddress

    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//JobExpressway//Interviews//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", uid or f"{uuid.uuid4()}@jobexpressway")
    event.add("dtstamp", datetime.now(timezone.utc))
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=duration_min))
    event.add("summary", title)
    event.add("location", link)
    event.add("url", link)
    event.add("description", (description + "\n\n" if description else "") + f"Join: {link}")
    if organizer_email:
        event.add("organizer", vCalAddress(f"mailto:{organizer_email}"))
    if attendee_email:
        event.add("attendee", vCalAddress(f"mailto:{attendee_email}"))
    cal.add_component(event)
    return cal.to_ical().decode()


def interview_invitation_email(
    name: str, job_title: str, company: str, starts_at: datetime, duration_min: int, link: str,
    *, timezone_name: str = "UTC", attendee_email: str | None = None, uid: str | None = None,
) -> Email:
    """For the meetings feature: the invitation text and its .ics, ready for ``notify_user`` or ``queue_email``."""
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=timezone.utc)
    local = starts_at
    try:
        from zoneinfo import ZoneInfo

        local = starts_at.astimezone(ZoneInfo(timezone_name))
    except Exception:  # unknown zone name: show UTC rather than fail the invitation
        timezone_name = "UTC"
        local = starts_at.astimezone(timezone.utc)
    when = f"{local:%A %d %B %Y}, {local:%H:%M} ({timezone_name}), {duration_min} minutes"
    ics = interview_ics(title=f"Interview: {job_title} at {company}", starts_at=starts_at, duration_min=duration_min,
                        link=link, description=f"Interview for {job_title} with {company}.",
                        attendee_email=attendee_email, uid=uid)
    return Email(
        f"Interview invitation: {job_title} at {company}",
        f"Hello {name},\n\n{company} invites you to an interview for {job_title}.\n\nWhen: {when}\n"
        f"Where: {link}\n\nThe calendar invitation is attached. Open the link a few minutes early to check your "
        f"camera and microphone." + SIGNATURE,
        "interview_invitation",
        ics=ics,
    )


def app_link(page: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{config.public_base_url()}/{page}" + (f"?{query}" if query else "")


def deliver_outbox(db: sqlite_utils.Database, settings=None, max_attempts: int = 5):
    """Send the queued mail over SMTP (see engine.mail); returns a DeliveryReport."""
    from engine.mail import deliver_outbox as deliver

    return deliver(db, settings, max_attempts)
