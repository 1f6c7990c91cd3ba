"""Claiming outbox messages, so several deliverers (worker processes, the app's own sender, an admin's
"retry") never send one message twice at the same time, and a deliverer that dies loses nothing.

A deliverer claims one due message at a time: its row goes to status 'sending' with ``claimed_by`` and a
lease (``lease_until``), in a short transaction (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so deliverers
take different rows without waiting; SQLite: BEGIN IMMEDIATE). The claim also fixes the message's
Message-ID (``message_id``), which every later attempt reuses. Just before the SMTP transmission the
deliverer commits ``send_started_at``; ``engine.mail`` then settles the row (sent, queued for a retry,
failed), which ends the claim.

A deliverer killed mid-message leaves the row 'sending'; once the lease has run out the next deliverer
claims it again, counting the lost attempt. What it can tell from the row:
- ``send_started_at`` empty: the dead one never began to transmit, so sending now cannot duplicate it;
- ``send_started_at`` set: the server may have accepted the message before the deliverer died (SMTP gives
  no way to ask), so it is sent again with the same Message-ID, counted in ``unsure_resends`` and logged.
So delivery is at least once, exactly once except after a crash in the short window between the server's
"250 accepted" and our commit, and then the copy carries the same Message-ID for the receiver to drop.
Exactly once is impossible with SMTP: the acceptance and our record of it cannot commit together.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta
from email.utils import make_msgid

from engine import store
from engine.store import Database
from engine.tasks import claim_transaction, iso, lock_clause, now_utc

DEFAULT_LEASE_S = 300      # far longer than one message's SMTP exchange (20 s per socket operation)
log = logging.getLogger(__name__)


def deliverer_name() -> str:
    """Who holds a claim: host, process and a random part (a restarted process never reuses a name)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claim_message(db: Database, deliverer: str, *, lease_s: float = DEFAULT_LEASE_S, max_attempts: int = 5,
                  now: datetime | None = None) -> dict | None:
    """Claim the next due message (queued and due, or 'sending' under a lease that ran out) and return its
    row as claimed, or None. A message whose deliverers died ``max_attempts`` times is marked failed."""
    now = now or now_utc()
    stamp = iso(now)
    due = ("WHERE (status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)) "
           "OR (status = 'sending' AND lease_until < ?)")
    if store.one(db, f"SELECT 1 AS x FROM outbox {due} LIMIT 1", [stamp, stamp]) is None:
        return None   # the usual case when idle: a plain read, no write lock taken
    while True:
        with claim_transaction(db):
            row = store.one(db, f"SELECT * FROM outbox {due} ORDER BY id LIMIT 1{lock_clause(db)}", [stamp, stamp])
            if row is None:
                return None
            changes = {"status": "sending", "claimed_by": deliverer, "lease_until": iso(now + timedelta(seconds=lease_s)),
                       "send_started_at": None, "message_id": row["message_id"] or make_msgid(domain="jobexpressway.local")}
            if row["status"] == "sending":   # its deliverer stopped mid-message: that attempt counts
                changes["attempts"] = row["attempts"] + 1
                if row["send_started_at"]:
                    changes["unsure_resends"] = row["unsure_resends"] + 1
                    changes["last_error"] = (f"the deliverer {row['claimed_by']} stopped during the SMTP exchange "
                                             f"(started {row['send_started_at']}): the server may have the message; "
                                             f"sent again with the same Message-ID")
                    log.warning("outbox #%s: %s", row["id"], changes["last_error"])
                else:
                    changes["last_error"] = f"the deliverer {row['claimed_by']} stopped before sending"
                if changes["attempts"] >= max_attempts:
                    store.update_row(db, "outbox", row["id"], {
                        "status": "failed", "attempts": changes["attempts"], "claimed_by": None, "lease_until": None,
                        "last_error": f"{changes['last_error']}; gave up after {changes['attempts']} attempt(s)"})
                    continue
            store.update_row(db, "outbox", row["id"], changes)
        return dict(row, **changes)


def mark_sending(db: Database, row: dict, deliverer: str) -> bool:
    """Commit that the SMTP transmission of this message starts now (see the module's docstring). False
    when the claim was lost (the lease ran out and another deliverer took it): then do not send."""
    cur = db.execute("UPDATE outbox SET send_started_at = ? WHERE id = ? AND status = 'sending' AND claimed_by = ?",
                     [store.utcnow(), row["id"], deliverer])
    return cur.rowcount == 1


def release(db: Database, row: dict, deliverer: str, error: str) -> None:
    """Give a claimed message back untried (the server could not be reached): queued, due at once, the
    reason noted, no attempt counted."""
    db.execute("UPDATE outbox SET status = 'queued', claimed_by = NULL, lease_until = NULL, last_error = ?, "
               "last_attempt_at = ? WHERE id = ? AND status = 'sending' AND claimed_by = ?",
               [error[:500], store.utcnow(), row["id"], deliverer])
