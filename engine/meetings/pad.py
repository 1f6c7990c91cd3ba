"""What a room shares besides video: the code pad, the question panel, chat, reactions and presence.

The pad uses optimistic concurrency: a save names the revision it was based on; if someone saved in
between, the save is refused with their version (PadConflict) unless the editor chooses to overwrite
(force=True), so nobody's work is silently lost.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from engine.authz import AccessDenied, Actor, is_company_staff, require_signed_in
from engine.meetings import rooms
from engine.meetings.sandbox import LANGUAGES
from engine.store import Database, insert_row, one, transaction, utcnow

REACTIONS = ("👍", "👏", "😀", "🎉", "❤️", "🤔")
MAX_CODE = 100_000
MAX_CHAT = 2_000
PRESENCE_WINDOW_S = 30


@dataclass(frozen=True)
class Pad:
    interview_id: int
    language: str
    code: str
    revision: int
    updated_by: int | None
    updated_by_name: str | None
    updated_at: str


class PadConflict(Exception):
    """Someone saved the pad after you loaded it; `current` is their version."""

    def __init__(self, current: Pad):
        self.current = current
        who = current.updated_by_name or "Another participant"
        super().__init__(f"{who} changed the code (revision {current.revision}) since you loaded it.")


def _pad(db: Database, interview_id: int) -> Pad:
    row = one(db, "SELECT p.*, u.name AS updated_by_name FROM code_pads p LEFT JOIN users u ON u.id = p.updated_by "
                  "WHERE p.interview_id = ?", [interview_id])
    if row is None:
        return Pad(interview_id, "python", "", 0, None, None, "")
    return Pad(interview_id, row["language"], row["code"], row["revision"], row["updated_by"],
               row["updated_by_name"], row["updated_at"])


def get_pad(db: Database, actor: Actor, interview_id: int) -> Pad:
    rooms.get_room(db, actor, interview_id)
    return _pad(db, interview_id)


def save_pad(db: Database, actor: Actor, interview_id: int, code: str, language: str,
             base_revision: int, *, force: bool = False) -> Pad:
    rooms.get_room(db, actor, interview_id)
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language '{language}'.")
    if len(code) > MAX_CODE:
        raise ValueError("The code is over 100,000 characters.")
    with transaction(db):
        current = _pad(db, interview_id)
        if current.revision != base_revision and not force:
            raise PadConflict(current)
        if current.code == code and current.language == language:
            return current
        now = utcnow()
        db.execute(
            "INSERT INTO code_pads (interview_id, language, code, revision, updated_by, updated_at) "
            "VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT(interview_id) DO UPDATE SET language = excluded.language, "
            "code = excluded.code, revision = code_pads.revision + 1, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at", [interview_id, language, code, actor.user_id, now])
    return _pad(db, interview_id)


def set_question(db: Database, actor: Actor, interview_id: int, text: str) -> str:
    interview = rooms.get_room(db, actor, interview_id)
    is_host = one(db, "SELECT 1 AS x FROM interview_participants WHERE interview_id = ? AND user_id = ? AND "
                      "role = 'host'", [interview_id, actor.user_id]) is not None
    if not (is_company_staff(db, actor, interview["company_id"]) or is_host):
        raise AccessDenied("Only the recruiter sets the question.")
    text = (text or "").strip()
    if len(text) > 20_000:
        raise ValueError("The question is over 20,000 characters.")
    db.execute("UPDATE interviews SET question = ? WHERE id = ?", [text or None, interview_id])
    return text


def get_question(db: Database, actor: Actor, interview_id: int) -> str:
    return rooms.get_room(db, actor, interview_id)["question"] or ""


def post_chat(db: Database, actor: Actor, interview_id: int, body: str, kind: str = "text") -> int:
    rooms.get_room(db, actor, interview_id)
    body = (body or "").strip()
    if kind == "reaction":
        if body not in REACTIONS:
            raise ValueError("Unknown reaction.")
    elif kind == "system":   # "agreed to be recorded" and the like, written by the room itself
        if body not in ("agreed to be recorded", "joined", "left"):
            raise ValueError("Unknown room notice.")
    elif kind == "text":
        if not body:
            raise ValueError("Write a message first.")
        if len(body) > MAX_CHAT:
            raise ValueError(f"A chat message is at most {MAX_CHAT} characters.")
    else:
        raise ValueError("Unknown chat kind.")
    return insert_row(db, "room_chat", {"interview_id": interview_id, "user_id": actor.user_id, "body": body,
                                        "kind": kind, "at": utcnow()})


def chat(db: Database, actor: Actor, interview_id: int, after_id: int = 0, limit: int = 200) -> list[dict]:
    rooms.get_room(db, actor, interview_id)
    rows = db.query("SELECT c.id, c.user_id, u.name, c.body, c.kind, c.at FROM room_chat c LEFT JOIN users u "
                    "ON u.id = c.user_id WHERE c.interview_id = ? AND c.id > ? ORDER BY c.id DESC LIMIT ?",
                    [interview_id, after_id, limit])
    return list(reversed(list(rows)))


def heartbeat(db: Database, actor: Actor, interview_id: int) -> None:
    rooms.get_room(db, actor, interview_id)
    db.execute("INSERT INTO room_presence (interview_id, user_id, last_seen) VALUES (?, ?, ?) "
               "ON CONFLICT(interview_id, user_id) DO UPDATE SET last_seen = excluded.last_seen",
               [interview_id, actor.user_id, utcnow()])


def leave(db: Database, actor: Actor, interview_id: int) -> None:
    require_signed_in(actor)
    db.execute("DELETE FROM room_presence WHERE interview_id = ? AND user_id = ?", [interview_id, actor.user_id])


def present(db: Database, actor: Actor, interview_id: int, within_s: int = PRESENCE_WINDOW_S,
            now: datetime | None = None) -> list[dict]:
    """Who is in the room now: seen within the last `within_s` seconds."""
    rooms.get_room(db, actor, interview_id)
    cutoff = ((now or datetime.now(timezone.utc)) - timedelta(seconds=within_s)).replace(microsecond=0).isoformat()
    return list(db.query(
        "SELECT r.user_id, u.name, COALESCE(p.role, 'staff') AS role, r.last_seen FROM room_presence r "
        "JOIN users u ON u.id = r.user_id LEFT JOIN interview_participants p ON p.interview_id = r.interview_id "
        "AND p.user_id = r.user_id WHERE r.interview_id = ? AND r.last_seen >= ? ORDER BY u.name",
        [interview_id, cutoff]))
