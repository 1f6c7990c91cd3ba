"""What a room shares across replicas, in the database: whose camera is live on which server process
(room_peers) and the latest shared-screen frame of each room (room_screens).

With several Streamlit processes on one database, the participants of one interview may be connected to
different processes. Each process keeps its own participants' calls (the media) and publishes them here;
the others read this table to know whom to show, and fetch the media itself through engine.meetings.bridge.

These functions do no access check of their own: the room page resolved the room for the actor (rooms.
resolve_room) before it calls any of them, and they take only ids that page already holds.
"""
from __future__ import annotations

import os
import socket
import time

from engine.store import Database, one, utc_ago, utcnow

MAX_SCREEN_BYTES = 2_000_000


def replica_id(port: int | str | None = None) -> str:
    """This server process's name among the replicas: JOBEXPRESSWAY_REPLICA_ID when the cluster script
    sets it, else '<host name>:<Streamlit port>' (unique on one machine and across machines)."""
    configured = os.environ.get("JOBEXPRESSWAY_REPLICA_ID", "").strip()
    if configured:
        return configured
    return f"{socket.gethostname()}:{port if port is not None else os.getpid()}"


def publish(db: Database, interview_id: int, peer_key: str, replica: str, user_id: int, name: str,
            track_id: str) -> None:
    """This participant's camera is live on ``replica`` with output video track ``track_id``."""
    db.execute(
        "INSERT INTO room_peers (interview_id, peer_key, replica_id, user_id, name, track_id, last_seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(interview_id, peer_key) DO UPDATE SET "
        "replica_id = excluded.replica_id, name = excluded.name, track_id = excluded.track_id, "
        "last_seen = excluded.last_seen",
        [interview_id, peer_key, replica, user_id, name, track_id, utcnow()])


def withdraw(db: Database, interview_id: int, peer_key: str) -> None:
    db.execute("DELETE FROM room_peers WHERE interview_id = ? AND peer_key = ?", [interview_id, peer_key])


def touch(db: Database, interview_id: int, peer_key: str) -> None:
    """Still here (the side panel's refresh): a row not touched for the stale period is ignored."""
    db.execute("UPDATE room_peers SET last_seen = ? WHERE interview_id = ? AND peer_key = ?",
               [utcnow(), interview_id, peer_key])


def remote_peers(db: Database, interview_id: int, replica: str, stale_s: float) -> list[dict]:
    """Live cameras of this room held by other replicas, seen within ``stale_s`` seconds, by peer key."""
    return list(db.query(
        "SELECT peer_key, replica_id, user_id, name, track_id FROM room_peers WHERE interview_id = ? "
        "AND replica_id <> ? AND last_seen >= ? ORDER BY peer_key",
        [interview_id, replica, utc_ago(seconds=stale_s)]))


def put_screen(db: Database, interview_id: int, frame: bytes, user_id: int, name: str) -> None:
    """The room's latest shared-screen frame (JPEG), replacing the previous one."""
    if len(frame) >= MAX_SCREEN_BYTES:
        raise ValueError("A shared-screen frame is over 2 MB.")
    db.execute("INSERT INTO room_screens (interview_id, frame, by_user, name, at) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT(interview_id) DO UPDATE SET frame = excluded.frame, by_user = excluded.by_user, "
               "name = excluded.name, at = excluded.at", [interview_id, frame, user_id, name, time.time()])


def clear_screen(db: Database, interview_id: int, user_id: int) -> None:
    """``user_id`` stopped sharing (someone else's newer share is left alone)."""
    db.execute("DELETE FROM room_screens WHERE interview_id = ? AND by_user = ?", [interview_id, user_id])


def latest_screen(db: Database, interview_id: int, stale_s: float) -> dict | None:
    """{frame, by, name, at} of the room's shared screen, unless its last frame is older than ``stale_s``."""
    row = one(db, "SELECT frame, by_user, name, at FROM room_screens WHERE interview_id = ? AND at >= ?",
              [interview_id, time.time() - stale_s])
    if row is None:
        return None
    return {"frame": bytes(row["frame"]), "by": row["by_user"], "name": row["name"], "at": row["at"]}
