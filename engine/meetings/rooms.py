"""Interview rooms: unguessable links, short room codes, and who may enter.

A room link carries ``secrets.token_urlsafe(32)``; only its sha256 is stored, so a copy of the database does
not let anyone in. A short code ('abc-defg-hij') is what people type on the Join page; for scheduled rooms it
is only a name (entry still needs an invitation or the company's recruiter role), for instant rooms the link
and the code are both bearer passes: whoever has one and is signed in joins as a guest.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

from engine import config
from engine.authz import AccessDenied, Actor, NotFound, has_staff_access, is_company_staff, require_staff_access
from engine.store import Database, insert_row, one, transaction, utcnow

GRACE_AFTER_END = timedelta(hours=12)     # a link still works this long after the planned end
INSTANT_DURATION_MIN = 60
CODE_RE = re.compile(r"^[a-z]{3}-[a-z]{4}-[a-z]{3}$")


class RoomRefused(AccessDenied):
    """The link or code does not open a room for this person; the message says why and is safe to show."""


@dataclass(frozen=True)
class NewRoom:
    interview: dict
    token: str      # shown once: only its hash is stored
    url: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code(db: Database) -> str:
    letters = string.ascii_lowercase
    while True:
        raw = "".join(secrets.choice(letters) for _ in range(10))
        code = f"{raw[:3]}-{raw[3:7]}-{raw[7:]}"
        if one(db, "SELECT 1 AS x FROM interviews WHERE room_code = ?", [code]) is None:
            return code


def room_url(token: str) -> str:
    return f"{config.public_base_url()}/room?token={token}"


def code_url(code: str) -> str:
    """A link by room code: fine to show in lists, since entry to a scheduled room is checked by identity."""
    return f"{config.public_base_url()}/room?code={code}"


def parse_iso(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def ends_at(interview: dict) -> datetime:
    return parse_iso(interview["starts_at"]) + timedelta(minutes=interview["duration_min"])


def insert_interview(db: Database, fields: dict) -> NewRoom:
    """Insert an interview row with a fresh token and code (inside the caller's transaction)."""
    token = new_token()
    start = parse_iso(fields["starts_at"])
    row = {
        "kind": "scheduled", "timezone": "UTC", "status": "scheduled", **fields,
        "room_token_hash": hash_token(token), "room_code": new_code(db),
        "expires_at": iso(start + timedelta(minutes=fields["duration_min"]) + GRACE_AFTER_END),
        "created_at": utcnow(),
    }
    interview_id = insert_row(db, "interviews", row)
    return NewRoom(dict(row, id=interview_id), token, room_url(token))


def add_participant(db: Database, interview_id: int, user_id: int, role: str) -> None:
    db.execute("INSERT INTO interview_participants (interview_id, user_id, role) VALUES (?, ?, ?) "
               "ON CONFLICT (interview_id, user_id) DO NOTHING", [interview_id, user_id, role])


def new_call(db: Database, actor: Actor | None, title: str = "") -> NewRoom:
    """An instant room starting now, with a link to share; the creator is its host. A recruiter's call is
    their company's, so it needs the company's access like all company work."""
    require_staff_access(db, actor)
    title = (title or "").strip() or f"Call with {actor.name or 'a JobExpressway user'}"
    if len(title) > 200:
        raise ValueError("The title is too long (200 characters at most).")
    with transaction(db):
        room = insert_interview(db, {
            "application_id": None, "company_id": actor.company_id, "created_by": actor.user_id,
            "title": title, "kind": "instant", "starts_at": utcnow(), "duration_min": INSTANT_DURATION_MIN,
        })
        add_participant(db, room.interview["id"], actor.user_id, "host")
    return room


def extract_credential(text: str) -> tuple[str, str]:
    """('token', value) or ('code', value) from a pasted link, a bare token or a room code."""
    text = (text or "").strip()
    if not text:
        raise RoomRefused("Enter a room link or a room code.")
    if "://" in text or text.startswith("/room") or "?" in text:
        query = parse_qs(urlparse(text).query)
        if query.get("token"):
            return "token", query["token"][0]
        if query.get("code"):
            return "code", query["code"][0].lower()
        raise RoomRefused("That link has no room in it. Paste the whole link from your invitation.")
    if CODE_RE.match(text.lower()):
        return "code", text.lower()
    return "token", text


def participants(db: Database, interview_id: int) -> list[dict]:
    return list(db.query(
        "SELECT p.user_id, p.role, u.name, u.email, u.role AS account_role FROM interview_participants p "
        "JOIN users u ON u.id = p.user_id WHERE p.interview_id = ? ORDER BY p.role = 'host' DESC, u.name",
        [interview_id]))


def is_participant(db: Database, interview_id: int, user_id: int) -> bool:
    return one(db, "SELECT 1 AS x FROM interview_participants WHERE interview_id = ? AND user_id = ?",
               [interview_id, user_id]) is not None


def can_enter(db: Database, actor: Actor | None, interview: dict) -> bool:
    """A participant or the company's staff (authz.is_company_staff); a recruiter only while their company
    has access, even as a named participant (authz.require_staff_access)."""
    if not has_staff_access(db, actor):
        return False
    return is_participant(db, interview["id"], actor.user_id) or is_company_staff(db, actor, interview["company_id"])


def find_interview(db: Database, actor: Actor | None, interview_id: int) -> dict:
    """An interview the actor may see (participant, company recruiter or admin), whatever its status: for
    its record (history, recordings). What happens inside a room goes through get_room."""
    require_staff_access(db, actor)
    interview = one(db, "SELECT * FROM interviews WHERE id = ?", [interview_id])
    if interview is None or not can_enter(db, actor, interview):
        raise NotFound("There is no such interview room.")
    return interview


def get_room(db: Database, actor: Actor | None, interview_id: int) -> dict:
    """The interview of a room the actor is in, while the room is open: a cancelled interview takes no more
    chat, pad edits or presence, from anyone."""
    interview = find_interview(db, actor, interview_id)
    if interview["status"] == "cancelled":
        raise RoomRefused("This interview was cancelled.")
    return interview


def resolve_room(db: Database, actor: Actor | None, token_or_code: str,
                 now: datetime | None = None) -> dict:
    """The interview behind a link or code, if this actor may enter it now; otherwise RoomRefused."""
    if actor is None:
        raise RoomRefused("Please sign in to join this room.")
    require_staff_access(db, actor)
    kind, value = extract_credential(token_or_code)
    if kind == "token":
        interview = one(db, "SELECT * FROM interviews WHERE room_token_hash = ?", [hash_token(value)])
    else:
        interview = one(db, "SELECT * FROM interviews WHERE room_code = ?", [value])
    if interview is None:
        raise RoomRefused("This room link is not valid. Check that you copied the whole link, or ask the "
                          "organiser for a new one.")
    now = now or datetime.now(timezone.utc)
    if interview["status"] == "cancelled":
        raise RoomRefused("This interview was cancelled.")
    if now > parse_iso(interview["expires_at"]):
        raise RoomRefused("This room link has expired: the interview is over.")
    if can_enter(db, actor, interview):
        return interview
    if interview["kind"] == "instant":
        with transaction(db):
            add_participant(db, interview["id"], actor.user_id, "guest")
        return interview
    raise RoomRefused("You are not invited to this interview. Sign in with the account that received the "
                      "invitation.")
