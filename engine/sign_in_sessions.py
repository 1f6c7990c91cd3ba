"""Sign-in sessions: the token in the browser's cookie and the row it opens in ``sessions``.

The token is ``secrets.token_urlsafe(32)``; only its sha256 is stored, so a copy of the database cannot be
replayed as a cookie. Because Streamlit cannot make the cookie HttpOnly (``ui/auth.py``), what a stolen
token is worth is limited here: a session ends SESSION_DAYS after sign-in or SESSION_IDLE after its last
use; a browser coming back with a token older than ROTATE_AFTER gets a new one; sign-out and "sign out
everywhere" delete rows. A page run holds the session's id (never sent to a browser), not the token.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from engine.authz import Actor, require_signed_in
from engine.store import Database, insert_row, one, transaction

SESSION_DAYS = 7                        # a session's whole life, however often it is used
SESSION_IDLE = timedelta(days=2)        # a session unused this long ends
ROTATE_AFTER = timedelta(hours=1)       # a cookie older than this gets a new token when the browser comes back
ROTATE_GRACE = timedelta(minutes=1)     # the replaced token still works this long (tabs opened together)
_SEEN_EVERY = timedelta(minutes=5)      # last_seen_at is written at most this often


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def iso(dt: datetime) -> str:
    return dt.replace(microsecond=0).isoformat()


def actor_from_row(row: dict) -> Actor:
    """The Actor for a ``users`` row (or a row that carries its columns)."""
    return Actor(row["id"], row["role"], row["company_id"], row["name"], row["email"])


@dataclass(frozen=True)
class Session:
    """A live session: ``id`` is what a page run keeps server-side; ``new_token`` is set when the browser's
    token was just rotated and its cookie must be rewritten."""
    id: str
    actor: Actor
    new_token: str | None = None


def create_session(db: Database, user_id: int, *, days: int = SESSION_DAYS) -> str:
    """A new sign-in session; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    with transaction(db):
        db.execute("DELETE FROM sessions WHERE expires_at < ? OR coalesce(last_seen_at, created_at) < ?",
                   [iso(now), iso(now - SESSION_IDLE)])  # housekeeping
        insert_row(db, "sessions", {"token_hash": token_hash(token), "session_id": secrets.token_hex(16),
                                    "user_id": user_id, "created_at": iso(now), "last_seen_at": iso(now),
                                    "rotated_at": iso(now), "expires_at": iso(now + timedelta(days=days))})
    return token


def _live_session(db: Database, where: str, params: list) -> dict | None:
    """The session row (with its user) matching ``where``, if it has not expired or idled out; an ended one
    is deleted. Marks it as used."""
    now = datetime.now(timezone.utc)
    row = one(db, f"SELECT u.*, s.session_id, s.token_hash, s.expires_at, s.rotated_at, "
                  f"coalesce(s.last_seen_at, s.created_at) AS seen FROM sessions s JOIN users u ON u.id = s.user_id "
                  f"WHERE {where}", params)
    if row is None:
        return None
    if row["expires_at"] <= iso(now) or row["seen"] < iso(now - SESSION_IDLE):
        with transaction(db):
            db.execute("DELETE FROM sessions WHERE session_id = ?", [row["session_id"]])
        return None
    if row["seen"] < iso(now - _SEEN_EVERY):
        db.execute("UPDATE sessions SET last_seen_at = ? WHERE session_id = ?", [iso(now), row["session_id"]])
    return row


def _by_token(token: str | None) -> tuple[str, list] | None:
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    return ("s.token_hash = ? OR (s.previous_hash = ? AND s.previous_until > ?)",
            [digest, digest, iso(datetime.now(timezone.utc))])


def actor_for_session(db: Database, token: str | None) -> Actor | None:
    """The signed-in user for a session token, or None when it is unknown, forged, ended or expired."""
    query = _by_token(token)
    row = query and _live_session(db, *query)
    return actor_from_row(row) if row else None


def resume_session(db: Database, token: str | None) -> Session | None:
    """A browser came back with this token (its cookie). The token is replaced when it is older than
    ROTATE_AFTER, so a copied cookie stops working soon; the old one still opens the session for
    ROTATE_GRACE (other tabs loading at the same moment)."""
    query = _by_token(token)
    row = query and _live_session(db, *query)
    if not row:
        return None
    now = datetime.now(timezone.utc)
    new_token = None
    if row["token_hash"] == token_hash(token) and (row["rotated_at"] or "") < iso(now - ROTATE_AFTER):
        new_token = secrets.token_urlsafe(32)
        with transaction(db):
            db.execute("UPDATE sessions SET token_hash = ?, previous_hash = ?, previous_until = ?, rotated_at = ? "
                       "WHERE session_id = ?", [token_hash(new_token), row["token_hash"],
                                                iso(now + ROTATE_GRACE), iso(now), row["session_id"]])
    return Session(row["session_id"], actor_from_row(row), new_token)


def session_id_for_token(db: Database, token: str) -> str | None:
    row = one(db, "SELECT session_id FROM sessions WHERE token_hash = ?", [token_hash(token)])
    return row["session_id"] if row else None


def actor_for_session_id(db: Database, session_id: str | None) -> Actor | None:
    """Re-check on every page run: None once the session was ended, expired or idled out."""
    row = session_id and _live_session(db, "s.session_id = ?", [session_id])
    return actor_from_row(row) if row else None


def end_session(db: Database, token: str | None = None, *, session_id: str | None = None) -> None:
    """Sign-out: the session is deleted, so its cookie opens nothing any more."""
    with transaction(db):
        if token:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", [token_hash(token)])
        if session_id:
            db.execute("DELETE FROM sessions WHERE session_id = ?", [session_id])


def end_all_sessions(db: Database, actor: Actor) -> int:
    """Sign out everywhere (e.g. after a lost device): every session of this user ends."""
    require_signed_in(actor)
    with transaction(db):
        return db.execute("DELETE FROM sessions WHERE user_id = ?", [actor.user_id]).rowcount
