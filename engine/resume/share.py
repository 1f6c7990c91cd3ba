"""Share links: an unguessable token opens a read-only view of one resume version. Only the token's sha256
is stored; the owner can revoke it. A revoked, forged or unknown token answers NotFound("not found")."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import quote

import sqlite_utils

from engine import config
from engine.authz import Actor, NotFound
from engine.resume.model import Resume
from engine.resume.repository import get_resume
from engine.store import insert_row, one, transaction, utcnow


@dataclass
class Share:
    token_hash: str
    resume_id: int
    version_id: int
    created_at: str
    revoked_at: str | None


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


def create_share(db: sqlite_utils.Database, actor: Actor, resume_id: int) -> str:
    """A new link pinned to the resume's latest saved version; returns the token (shown once)."""
    stored = get_resume(db, actor, resume_id)   # owner check
    if stored.version_id is None:
        raise NotFound("Save the resume once before sharing it.")
    token = secrets.token_urlsafe(32)
    with transaction(db):
        insert_row(db, "resume_shares", {"token_hash": _hash(token), "resume_id": resume_id,
                                         "version_id": stored.version_id, "created_at": utcnow()})
    return token


def list_shares(db: sqlite_utils.Database, actor: Actor, resume_id: int) -> list[Share]:
    get_resume(db, actor, resume_id)
    rows = db.query("SELECT * FROM resume_shares WHERE resume_id = ? ORDER BY created_at DESC", [resume_id])
    return [Share(r["token_hash"], r["resume_id"], r["version_id"], r["created_at"], r["revoked_at"]) for r in rows]


def revoke_share(db: sqlite_utils.Database, actor: Actor, resume_id: int, token_or_hash: str) -> None:
    """Revoke by the token itself or by its hash (the page lists hashes, never tokens)."""
    get_resume(db, actor, resume_id)
    candidates = [token_or_hash, _hash(token_or_hash)]
    with transaction(db):
        cur = db.execute(
            "UPDATE resume_shares SET revoked_at = ? WHERE resume_id = ? AND revoked_at IS NULL AND token_hash IN (?, ?)",
            [utcnow(), resume_id, *candidates])
    if cur.rowcount == 0:
        raise NotFound("not found")


def resolve_share(db: sqlite_utils.Database, token: str) -> SharedResume:
    """Anyone holding the token may read the pinned version; nothing else is reachable through it."""
    if not token or len(token) > 200:
        raise NotFound("not found")
    row = one(db, "SELECT s.revoked_at, v.template, v.data, v.created_at, r.title FROM resume_shares s "
                  "JOIN resume_versions v ON v.id = s.version_id JOIN resumes r ON r.id = s.resume_id "
                  "WHERE s.token_hash = ?", [_hash(token)])
    if row is None or row["revoked_at"] is not None:
        raise NotFound("not found")
    return SharedResume(row["title"], row["template"], Resume.from_json(row["data"]), row["created_at"])
