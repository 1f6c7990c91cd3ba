"""Share links: an unguessable token opens a read-only view of one resume version. Only the token's sha256
is stored; the owner chooses how long the link lives (SHARE_DAYS, default 30) and can revoke it sooner.
A revoked, forged or unknown token answers NotFound("not found"); an expired one ShareExpired, which says
when it ran out (the token was real, so saying so tells its holder nothing new)."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from engine import config
from engine.authz import Actor, NotFound
from engine.resume.model import Resume
from engine.resume.repository import get_resume
from engine.store import Database, insert_row, one, transaction, utcnow


SHARE_DAYS = (7, 30, 90)   # the choices offered when making a link
DEFAULT_SHARE_DAYS = 30
MAX_SHARE_DAYS = 365


class ShareExpired(NotFound):
    """The link was real but has run out; the message says when, and is safe to show."""


@dataclass
class Share:
    token_hash: str
    resume_id: int
    version_id: int
    created_at: str
    revoked_at: str | None
    expires_at: str | None = None

    def expired(self, now: datetime | None = None) -> bool:
        return _expired(self.expires_at, now)


def _expired(expires_at: str | None, now: datetime | None = None) -> bool:
    return expires_at is not None and datetime.fromisoformat(expires_at) <= (now or datetime.now(timezone.utc))


@dataclass
class SharedResume:
    title: str
    template: str
    resume: Resume
    version_created_at: str


def _hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def share_url(token: str) -> str:
    return f"{config.public_base_url()}/resume_share?token={quote(token)}"


def create_share(db: Database, actor: Actor, resume_id: int, days: int = DEFAULT_SHARE_DAYS) -> str:
    """A new link pinned to the resume's latest saved version, open for ``days`` days; returns the token
    (shown once)."""
    stored = get_resume(db, actor, resume_id)   # owner check
    if stored.version_id is None:
        raise NotFound("Save the resume once before sharing it.")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_SHARE_DAYS:
        raise ValueError(f"A share link lasts between 1 and {MAX_SHARE_DAYS} days.")
    token = secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with transaction(db):
        insert_row(db, "resume_shares", {"token_hash": _hash(token), "resume_id": resume_id,
                                         "version_id": stored.version_id, "created_at": now.isoformat(),
                                         "expires_at": (now + timedelta(days=days)).isoformat()})
    return token


def list_shares(db: Database, actor: Actor, resume_id: int) -> list[Share]:
    get_resume(db, actor, resume_id)
    rows = db.query("SELECT * FROM resume_shares WHERE resume_id = ? ORDER BY created_at DESC", [resume_id])
    return [Share(r["token_hash"], r["resume_id"], r["version_id"], r["created_at"], r["revoked_at"], r["expires_at"])
            for r in rows]


def revoke_share(db: Database, actor: Actor, resume_id: int, token_or_hash: str) -> None:
    """Revoke by the token itself or by its hash (the page lists hashes, never tokens)."""
    get_resume(db, actor, resume_id)
    candidates = [token_or_hash, _hash(token_or_hash)]
    with transaction(db):
        cur = db.execute(
            "UPDATE resume_shares SET revoked_at = ? WHERE resume_id = ? AND revoked_at IS NULL AND token_hash IN (?, ?)",
            [utcnow(), resume_id, *candidates])
    if cur.rowcount == 0:
        raise NotFound("not found")


def resolve_share(db: Database, token: str) -> SharedResume:
    """Anyone holding the token may read the pinned version; nothing else is reachable through it."""
    if not token or len(token) > 200:
        raise NotFound("not found")
    row = one(db, "SELECT s.revoked_at, s.expires_at, v.template, v.data, v.created_at, r.title FROM resume_shares s "
                  "JOIN resume_versions v ON v.id = s.version_id JOIN resumes r ON r.id = s.resume_id "
                  "WHERE s.token_hash = ?", [_hash(token)])
    if row is None or row["revoked_at"] is not None:
        raise NotFound("not found")
    if _expired(row["expires_at"]):
        raise ShareExpired(f"This link expired on {row['expires_at'][:10]}. Ask the resume's owner for a new one.")
    return SharedResume(row["title"], row["template"], Resume.from_json(row["data"]), row["created_at"])
