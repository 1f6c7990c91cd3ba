"""Messages to users: an in-app inbox (messages table) and email through an outbox table.

Every email is written to the outbox inside the caller's transaction, so a message is never lost even when
no mail server is configured or it is down; delivery (SMTP, with retries) happens separately.
"""
from __future__ import annotations

import sqlite_utils

from engine.store import insert_row, utcnow


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
    return insert_row(db, "outbox", {
        "to_email": to_email, "subject": subject, "body": body, "kind": kind, "ics": ics,
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
