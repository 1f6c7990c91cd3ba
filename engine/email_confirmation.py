"""Email addresses proven by a link: a new address on the profile, or the current one to verify it.

A single-use token goes by mail (through the outbox) to the address; only its sha256 is stored. Opening
``PUBLIC_BASE_URL/profile?confirm_email=TOKEN`` within EMAIL_LINK_VALID makes that address the account's
email and marks it verified (``users.email_verified_at``), which is what lets a Google identity with that
address share the account (``accounts.actor_for_external_identity``).
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from engine import notify
from engine.accounts import ValidationError, check_email_free, normalize_email
from engine.authz import Actor, require_role
from engine.sign_in_sessions import actor_from_row, iso, token_hash
from engine.store import Database, insert_row, one, transaction, update_row, utcnow

EMAIL_LINK_VALID = timedelta(hours=24)
EMAIL_LINK_PAUSE = timedelta(seconds=60)   # between two links for one account: no mail bombing through us
EMAIL_LINK_PARAM = "confirm_email"         # the profile page's query parameter that carries the token


def request_email_confirmation(db: Database, actor: Actor, email: str) -> None:
    """Mail a single-use link to ``email`` (a new address, or the current one to verify it). Opening it
    (``confirm_email``) makes it the account's verified address. Only the token's sha256 is stored; the
    link ends after EMAIL_LINK_VALID, or when a newer one is asked for."""
    require_role(actor, "candidate", "recruiter", "admin")
    email = normalize_email(email)
    errors: dict[str, str] = {}
    check_email_free(db, email, errors, except_user=actor.user_id)
    if errors:
        raise ValidationError(errors)
    now = datetime.now(timezone.utc)
    token = secrets.token_urlsafe(32)
    link = notify.app_link("profile", **{EMAIL_LINK_PARAM: token})
    with transaction(db):
        recent = one(db, "SELECT 1 FROM email_confirmations WHERE user_id = ? AND created_at > ?",
                     [actor.user_id, iso(now - EMAIL_LINK_PAUSE)])
        if recent:
            raise ValidationError({"email": "A confirmation link was sent less than a minute ago. "
                                            "Check your inbox, or try again in a minute."})
        db.execute("DELETE FROM email_confirmations WHERE user_id = ?", [actor.user_id])
        insert_row(db, "email_confirmations", {"token_hash": token_hash(token), "user_id": actor.user_id,
                                               "email": email, "created_at": iso(now),
                                               "expires_at": iso(now + EMAIL_LINK_VALID)})
        notify.queue_email(
            db, email, "Confirm your email address for JobExpressway",
            f"Hello,\n\nTo use {email} for your JobExpressway account, open this link within "
            f"{int(EMAIL_LINK_VALID.total_seconds() // 3600)} hours:\n\n{link}\n\nIf you did not ask for this, "
            "ignore this email: nothing changes." + notify.SIGNATURE,
            "email_confirmation", user_id=actor.user_id)


def confirm_email(db: Database, token: str | None) -> Actor:
    """Open an emailed link: its address becomes the account's verified email, the old address is told.
    Works without being signed in (the link itself is the proof of reading that mailbox)."""
    invalid = ValidationError({"token": "This confirmation link is not valid or has expired. "
                                        "Ask for a new one from your profile."})
    if not token or len(token) > 200:
        raise invalid
    with transaction(db):  # read, check and change together: a link works once, an address goes to one account
        row = one(db, "SELECT * FROM email_confirmations WHERE token_hash = ?", [token_hash(token)])
        if row is None or row["expires_at"] <= iso(datetime.now(timezone.utc)):
            raise invalid
        errors: dict[str, str] = {}
        check_email_free(db, row["email"], errors, except_user=row["user_id"])
        if errors:
            raise ValidationError(errors)
        old = one(db, "SELECT email FROM users WHERE id = ?", [row["user_id"]])["email"]
        update_row(db, "users", row["user_id"], {"email": row["email"], "email_verified_at": utcnow(),
                                                 "updated_at": utcnow()})
        db.execute("DELETE FROM email_confirmations WHERE user_id = ?", [row["user_id"]])
        if normalize_email(old) != normalize_email(row["email"]):
            notify.queue_email(
                db, old, "Your JobExpressway email address was changed",
                f"Hello,\n\nThe email address of your JobExpressway account is now {row['email']}. If you did "
                "not do this, reply to this email or contact the site admin at once." + notify.SIGNATURE,
                "email_changed", user_id=row["user_id"])
    return actor_from_row(one(db, "SELECT * FROM users WHERE id = ?", [row["user_id"]]))
