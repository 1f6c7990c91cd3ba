"""Delivering the outbox over SMTP, with retries and backoff between runs.

States: queued (waiting, also after a temporary refusal), sending (claimed by a deliverer, see
``engine.mail_claims``), sent, failed (gave up after ``max_attempts`` tries,
or refused for good). A server that cannot be reached costs a message nothing: the run stops, the messages
stay queued (the one it was for with the error noted), and the next run delivers. Each message is judged on its own:
a 4xx reply (greylisting, a full mailbox) is retried on later runs, ``backoff_s(attempts)`` apart; a 5xx reply,
or a message that cannot even be built (a header with a line break, a missing attachment), is marked failed
with the reason, and the run goes on with the rest. The admin sees failed mail with its reason
(``failed_mail``, the admin applications page).
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import sqlite_utils

from engine import config, mail_claims
from engine.authz import Actor, require_role
from engine.config import SmtpSettings
from engine.store import transaction, update_row
from engine.uploads import resolve

CONNECT_TIMEOUT_S = 20
log = logging.getLogger(__name__)


class Undeliverable(Exception):
    """This message can never be sent as it is; the message says why (shown to the admin)."""


class TryLater(Exception):
    """The server refused this message for now (a 4xx reply); it is retried after the backoff."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retry_later: int = 0
    failed: int = 0
    skipped: str | None = None      # why nothing was tried (no SMTP configured, server unreachable)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"sent": self.sent, "retry_later": self.retry_later, "failed": self.failed,
                "skipped": self.skipped, "errors": self.errors}


def backoff_s(attempts: int) -> int:
    """1 min, 2, 4, 8 ... capped at one hour: a refusing server is not hammered."""
    return min(3600, 60 * 2 ** max(0, attempts - 1))


def build_message(db: sqlite_utils.Database, row: dict, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row["to_email"]
    msg["Subject"] = row["subject"]
    # the claim fixed one Message-ID for every attempt: a receiver can drop a copy resent after a crash
    msg["Message-ID"] = row.get("message_id") or make_msgid(domain="jobexpressway.local")
    msg.set_content(row["body"])
    if row.get("ics"):
        msg.add_attachment(row["ics"].encode(), maintype="text", subtype="calendar",
                           filename="invitation.ics", params={"method": "REQUEST"})
    if row.get("attachment_path"):
        path: Path = resolve(db, row["attachment_path"])
        maintype, subtype = ("application", "pdf") if path.suffix.lower() == ".pdf" else ("application", "octet-stream")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def _open(settings: SmtpSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=CONNECT_TIMEOUT_S)
    smtp.ehlo()
    if settings.use_tls:
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
    if settings.user:
        smtp.login(settings.user, settings.password or "")
    return smtp


def due_messages(db: sqlite_utils.Database, limit: int, now: str) -> list[dict]:
    return list(db.query(
        "SELECT * FROM outbox WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
        "ORDER BY id LIMIT ?", [now, limit]))


def deliver_outbox(
    db: sqlite_utils.Database, settings: SmtpSettings | None = None, max_attempts: int = 5, limit: int = 200,
    lease_s: float = mail_claims.DEFAULT_LEASE_S,
) -> DeliveryReport:
    """Send what is due. Safe to run from several processes at once: each message is claimed before it is
    sent (``engine.mail_claims``), so no two send it, and one whose deliverer died is sent after its lease."""
    settings = settings or config.smtp_settings()
    report = DeliveryReport()
    if settings is None:
        report.skipped = "SMTP is not configured (set SMTP_HOST); mail stays in the outbox."
        return report
    deliverer = mail_claims.deliverer_name()

    def claim() -> dict | None:
        return mail_claims.claim_message(db, deliverer, lease_s=lease_s, max_attempts=max_attempts)

    row = claim()
    if row is None:
        return report
    try:
        smtp = _open(settings)
    except (OSError, smtplib.SMTPException) as exc:
        # The server is down or refuses us: nothing is the message's fault, so no attempt is counted.
        report.skipped = f"Mail server {settings.host}:{settings.port} unavailable ({type(exc).__name__}: {exc})"
        mail_claims.release(db, row, deliverer, report.skipped)
        return report
    try:
        claimed = 1
        while row is not None:
            if smtp.sock is None:   # closed after a 421 reply or a dropped connection: a new one for the rest
                try:
                    smtp = _open(settings)
                except (OSError, smtplib.SMTPException) as exc:
                    report.skipped = (f"Mail server {settings.host}:{settings.port} went away "
                                      f"({type(exc).__name__}: {exc}); the rest waits for the next run")
                    mail_claims.release(db, row, deliverer, report.skipped)
                    return report
            if mail_claims.mark_sending(db, row, deliverer):   # else its lease ran out and another took it
                try:
                    _deliver_one(db, smtp, row, settings, max_attempts, report)
                except (smtplib.SMTPServerDisconnected, OSError):
                    smtp.close()   # the connection broke during this message, which counted it as a try
            row = claim() if claimed < limit else None
            claimed += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return report


def _is_temporary(code: int | None) -> bool:
    return code is not None and 400 <= code < 500


def _send(db, smtp: smtplib.SMTP, row: dict, sender: str) -> None:
    """Build and send one message, turning every failure into Undeliverable or TryLater (a broken
    connection is raised as is, so the caller can reconnect)."""
    try:
        msg = build_message(db, row, sender)
    except Exception as exc:  # any bad field of this one row: it must not stop the others
        raise Undeliverable(f"cannot be built ({type(exc).__name__}: {exc})") from exc
    try:
        smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{addr}: {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                           for addr, (code, text) in exc.recipients.items())
        if codes and all(_is_temporary(code) for code in codes):
            raise TryLater(f"recipient refused for now ({detail})") from exc
        raise Undeliverable(f"recipient refused ({detail})") from exc
    except smtplib.SMTPServerDisconnected:
        raise
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        if _is_temporary(exc.smtp_code):
            raise TryLater(f"{type(exc).__name__}: {exc.smtp_code} {text}") from exc
        raise Undeliverable(f"{type(exc).__name__}: {exc.smtp_code} {text}") from exc
    except OSError:
        raise
    except Exception as exc:  # e.g. an address the server cannot take (SMTPNotSupportedError, UnicodeEncodeError)
        raise Undeliverable(f"{type(exc).__name__}: {exc}") from exc


def _deliver_one(db, smtp, row: dict, settings: SmtpSettings, max_attempts: int, report: DeliveryReport) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    attempts = row["attempts"] + 1
    broken: BaseException | None = None
    try:
        _send(db, smtp, row, settings.sender)
    except Undeliverable as exc:
        status, error = "failed", str(exc)
    except TryLater as exc:
        status, error = ("failed" if attempts >= max_attempts else "queued"), str(exc)
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        status, error = ("failed" if attempts >= max_attempts else "queued"), f"{type(exc).__name__}: {exc}"
        broken = exc
    else:
        update_row(db, "outbox", row["id"], {"status": "sent", "attempts": attempts, "sent_at": now.isoformat(),
                                             "last_attempt_at": now.isoformat(), "last_error": None})
        report.sent += 1
        return
    update_row(db, "outbox", row["id"], {
        "status": status, "attempts": attempts, "last_error": error[:500], "last_attempt_at": now.isoformat(),
        "next_attempt_at": (now + timedelta(seconds=backoff_s(attempts))).isoformat(),
    })
    report.errors.append(f"#{row['id']}: {error}")
    if status == "failed":
        report.failed += 1
    else:
        report.retry_later += 1
    if broken is not None:
        raise broken


def outbox(db: sqlite_utils.Database, admin: Actor, status: str | None = None, limit: int = 500) -> list[dict]:
    """The outbox for the admin page, newest first."""
    require_role(admin, "admin")
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    return list(db.query(
        f"SELECT id, to_email, subject, kind, status, attempts, last_error, created_at, last_attempt_at, sent_at, "
        f"next_attempt_at, CASE WHEN ics IS NOT NULL THEN 1 ELSE 0 END AS has_ics, attachment_path FROM outbox {where} ORDER BY id DESC LIMIT ?",
        [*params, limit]))


def failed_mail(db: sqlite_utils.Database, admin: Actor, limit: int = 50) -> list[dict]:
    """Mail that was given up on, newest first, with the reason: what the admin must look at."""
    require_role(admin, "admin")
    return list(db.query(
        "SELECT id, to_email, subject, kind, attempts, last_error, last_attempt_at FROM outbox "
        "WHERE status = 'failed' ORDER BY id DESC LIMIT ?", [limit]))


def retry_delivery(
    db: sqlite_utils.Database, admin: Actor, outbox_ids: list[int] | None = None,
    settings: SmtpSettings | None = None,
) -> DeliveryReport:
    """Admin: put failed (or waiting) messages back in the queue, due now, and run a delivery."""
    require_role(admin, "admin")
    with transaction(db):
        if outbox_ids:
            marks = ", ".join("?" for _ in outbox_ids)
            db.execute(f"UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = NULL "
                       f"WHERE id IN ({marks}) AND status NOT IN ('sent', 'sending')", list(outbox_ids))
        else:   # a message being sent stays with its deliverer (its lease brings it back if that one died)
            db.execute("UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = NULL "
                       "WHERE status NOT IN ('sent', 'sending')")
    return deliver_outbox(db, settings)


# --- background sender -----------------------------------------------------------------------------
_sender_lock = threading.Lock()
_senders: dict[str, tuple[threading.Thread, threading.Event]] = {}


def start_background_sender(data_dir: str | None = None, interval_s: float = 60.0) -> threading.Thread | None:
    """One daemon thread per data dir that delivers the outbox every ``interval_s`` while SMTP is configured.
    Idempotent: the app may call it on every script run."""
    if config.smtp_settings() is None:
        return None
    key = str(config.data_dir(data_dir))
    with _sender_lock:
        if key in _senders and _senders[key][0].is_alive():
            return _senders[key][0]
        stop = threading.Event()
        thread = threading.Thread(target=_sender_loop, args=(key, interval_s, stop), name="outbox-sender", daemon=True)
        _senders[key] = (thread, stop)
        thread.start()
        return thread


def stop_background_sender(data_dir: str | None = None, timeout: float = 10.0) -> None:
    key = str(config.data_dir(data_dir))
    with _sender_lock:
        entry = _senders.pop(key, None)
    if entry:
        entry[1].set()
        entry[0].join(timeout)


def _sender_loop(data_dir: str, interval_s: float, stop: threading.Event) -> None:
    from engine import store

    while not stop.is_set():
        try:
            db = store.connect(data_dir)
            try:
                deliver_outbox(db)
            finally:
                db.close()
        except Exception:  # a bad run must not kill the sender; the next one retries, and the log says why
            log.exception("outbox delivery run failed")
        stop.wait(max(0.2, interval_s))
