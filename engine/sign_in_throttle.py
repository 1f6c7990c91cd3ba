"""Sign-in throttling: growing delays, never a hard lock of the account's owner.

Three keys are counted for every attempt, all in the database so the limits hold across server processes:

- ``pair``: one client guessing one account's password. 3 free attempts, then 1 s, 2 s, 4 s ... up to 15 min.
- ``client``: one client trying many accounts (password spraying). 10 free attempts, then the same growth.
- ``account``: many clients guessing one account (a botnet). 20 free attempts, then the same growth; a client
  that signed in to this account before (the owner's usual address) is exempt, so an attacker cannot keep
  the owner out.

Each attempt is counted as a failure *before* its bcrypt check, in one write transaction (BEGIN IMMEDIATE),
so parallel guesses cannot all pass a check that reads the count first; a success gives its count back.
A key with no failure for FORGET_AFTER starts over. The client is the caller's word (the IP address the web
server saw, see ``ui/auth.client_key``); unknown emails are throttled like real ones, so nothing is probed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from engine.authz import AccessDenied
from engine.store import Database, transaction, utcnow

FREE_ATTEMPTS = {"pair": 3, "client": 10, "account": 20}
FIRST_DELAY = 1.0          # seconds, doubled for every further failure
MAX_DELAY = 15 * 60.0
FORGET_AFTER = 24 * 3600.0  # a key with no failure for a day starts over
KNOWN_CLIENT_DAYS = 90      # a client that signed in to an account stays exempt from its account key this long


class TooManyAttempts(AccessDenied):
    def __init__(self, wait_seconds: float):
        self.wait_seconds = wait_seconds
        super().__init__(f"Too many sign-in attempts. Try again in {_wait_text(wait_seconds)}.")


def _wait_text(seconds: float) -> str:
    seconds = max(1, int(seconds + 0.999))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds > 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: int) -> str:
    """The client key for an attempt. ``peer`` is the address the server saw; behind ``trusted_proxies``
    reverse proxies that is the last proxy, and the client is the entry the outermost trusted proxy wrote
    into X-Forwarded-For, counted from the right (entries left of it are the client's own word)."""
    if trusted_proxies > 0:
        entries = [e.strip() for e in (forwarded_for or "").split(",") if e.strip()]
        if len(entries) >= trusted_proxies:
            return entries[-trusted_proxies][:64]
    return (peer or "localhost")[:64]


def delay_after(scope: str, failures: int) -> float:
    """Seconds to wait before the next attempt once a key has this many failures."""
    over = failures - FREE_ATTEMPTS[scope]
    return 0.0 if over < 0 else min(MAX_DELAY, FIRST_DELAY * 2 ** min(over, 32))


@dataclass(frozen=True)
class Attempt:
    email: str
    client: str
    keys: tuple[tuple[str, str], ...]


def _known_since() -> str:
    return datetime.fromtimestamp(time.time() - KNOWN_CLIENT_DAYS * 86400, timezone.utc).replace(microsecond=0).isoformat()


def _is_known_client(db: Database, email: str, client: str) -> bool:
    return db.execute("SELECT 1 FROM sign_in_known_clients WHERE email = ? AND client = ? AND last_success_at >= ?",
                      [email, client, _known_since()]).fetchone() is not None


def begin_attempt(db: Database, email: str, client: str, *, now: float | None = None) -> Attempt:
    """Count one attempt as failed for each key, or raise TooManyAttempts (nothing counted) when a key must
    still wait. Call before checking the password; call ``succeeded`` if it was right."""
    now = time.time() if now is None else now
    with transaction(db):
        db.execute("DELETE FROM sign_in_throttle WHERE last_failure_at < ?", [now - FORGET_AFTER])  # housekeeping
        keys = [("pair", f"{client}\n{email}"), ("client", client)]
        if not _is_known_client(db, email, client):
            keys.append(("account", email))
        counts: dict[tuple[str, str], int] = {}
        wait = 0.0
        for scope, key in keys:
            row = db.execute("SELECT failures, last_failure_at, next_allowed_at FROM sign_in_throttle "
                             "WHERE scope = ? AND key = ?", [scope, key]).fetchone()
            failures, next_allowed = (0, 0.0) if row is None or now - row[1] > FORGET_AFTER else (row[0], row[2])
            if failures >= FREE_ATTEMPTS[scope] and now < next_allowed:
                wait = max(wait, next_allowed - now)
            counts[(scope, key)] = failures
        if wait:
            raise TooManyAttempts(wait)
        for (scope, key), failures in counts.items():
            db.execute(
                "INSERT INTO sign_in_throttle (scope, key, failures, last_failure_at, next_allowed_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET failures = excluded.failures, "
                "last_failure_at = excluded.last_failure_at, next_allowed_at = excluded.next_allowed_at",
                [scope, key, failures + 1, now, now + delay_after(scope, failures + 1)])
    return Attempt(email, client, tuple(keys))


def succeeded(db: Database, attempt: Attempt) -> None:
    """The password was right: this pair starts over, the client and account get this attempt back, and the
    client is remembered as one that may sign in to this account while it is under attack."""
    with transaction(db):
        for scope, key in attempt.keys:
            if scope == "pair":
                db.execute("DELETE FROM sign_in_throttle WHERE scope = ? AND key = ?", [scope, key])
            else:
                db.execute("UPDATE sign_in_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END "
                           "WHERE scope = ? AND key = ?",
                           [scope, key])
        db.execute("INSERT INTO sign_in_known_clients (email, client, last_success_at) VALUES (?, ?, ?) "
                   "ON CONFLICT (email, client) DO UPDATE SET last_success_at = excluded.last_success_at",
                   [attempt.email, attempt.client, utcnow()])
        db.execute("DELETE FROM sign_in_known_clients WHERE last_success_at < ?", [_known_since()])  # housekeeping
