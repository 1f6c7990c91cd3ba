"""Recordings of interview rooms: files under <data_dir>/recordings/<interview_id>/, one row each.

streamlit-webrtc calls a recorder factory when a participant's stream starts and stops the recorder when
it ends; `recorder_factory` returns an aiortc MediaRecorder whose stop() also settles the row (ready with
its duration, or failed). A failed recording never touches the interview row. Retention:
`purge_old_recordings(db, days)` deletes files older than RECORDING_RETENTION_DAYS (default 90).
"""
from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import sqlite_utils

from engine import config, store
from engine.authz import Actor, NotFound
from engine.meetings import rooms
from engine.store import insert_row, one, update_row, utcnow

log = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 90
EXTENSION = ".webm"   # VP8 + Opus: plays in every browser (st.video)


def retention_days() -> int:
    raw = os.environ.get("RECORDING_RETENTION_DAYS", "")
    try:
        return max(1, int(raw)) if raw.strip() else DEFAULT_RETENTION_DAYS
    except ValueError:
        return DEFAULT_RETENTION_DAYS


def recordings_dir(interview_id: int, data_dir: str | Path | None = None) -> Path:
    path = config.data_dir(data_dir) / "recordings" / str(int(interview_id))
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_recording(db: sqlite_utils.Database, interview_id: int, user_id: int, direction: str = "in",
                    data_dir: str | Path | None = None) -> tuple[int, Path]:
    """A new 'recording' row and the absolute path its file goes to."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    folder = recordings_dir(interview_id, data_dir)
    path = folder / f"{stamp}-u{int(user_id)}-{direction}{EXTENSION}"
    rel = path.relative_to(config.data_dir(data_dir)).as_posix()
    rec_id = insert_row(db, "recordings", {"interview_id": interview_id, "path": rel, "status": "recording",
                                           "started_at": utcnow()})
    return rec_id, path


def probe_duration(path: Path) -> float | None:
    """Duration in seconds read with PyAV (the ffprobe library), or None if the file is not playable."""
    import av

    try:
        with av.open(str(path)) as container:
            if container.duration:
                return container.duration / 1_000_000
            best = 0.0
            for stream in container.streams:   # webm from a live stream often lacks a header duration
                last = None
                for packet in container.demux(stream):
                    if packet.pts is not None:
                        last = float(packet.pts * packet.time_base)
                best = max(best, last or 0.0)
                container.seek(0)
            return best or None
    except Exception:   # a half-written or empty file
        return None


def finish_recording(db: sqlite_utils.Database, recording_id: int, data_dir: str | Path | None = None) -> dict:
    """Settle a row: ready with its duration when the file plays, failed otherwise."""
    row = one(db, "SELECT * FROM recordings WHERE id = ?", [recording_id])
    if row is None:
        raise NotFound("There is no such recording.")
    path = config.data_dir(data_dir) / row["path"]
    duration = probe_duration(path) if path.exists() and path.stat().st_size > 0 else None
    changes = {"status": "ready" if duration else "failed", "duration_s": round(duration, 2) if duration else None,
               "ended_at": utcnow()}
    update_row(db, "recordings", recording_id, changes)
    return dict(row, **changes)


def recorder_factory(interview_id: int, user_id: int, direction: str = "in",
                     data_dir: str | Path | None = None) -> Callable:
    """A factory for webrtc_streamer's in_recorder_factory/out_recorder_factory."""
    from aiortc.contrib.media import MediaRecorder

    data_dir = str(config.data_dir(data_dir))

    class RoomRecorder(MediaRecorder):
        def __init__(self) -> None:
            db = store.connect(data_dir)
            self.recording_id, path = start_recording(db, interview_id, user_id, direction, data_dir)
            try:
                super().__init__(str(path), format="webm")
            except Exception:
                finish_recording(db, self.recording_id, data_dir)
                raise

        async def stop(self) -> None:
            try:
                await super().stop()
            except Exception:   # the row is still settled below (as failed if the file is broken)
                log.exception("recording %s did not close cleanly", self.recording_id)
            finish_recording(store.connect(data_dir), self.recording_id, data_dir)

    return RoomRecorder


def in_recorder_factory(interview_id: int, user_id: int, data_dir: str | Path | None = None) -> Callable:
    """Records what the participant's browser sends (their camera and microphone)."""
    return recorder_factory(interview_id, user_id, "in", data_dir)


def out_recorder_factory(interview_id: int, user_id: int, data_dir: str | Path | None = None) -> Callable:
    return recorder_factory(interview_id, user_id, "out", data_dir)


def settle_stale(db: sqlite_utils.Database, older_than_s: int = 6 * 3600, data_dir: str | Path | None = None) -> int:
    """Rows left 'recording' by a crashed server: settle them from whatever file is there."""
    cutoff = (datetime.now(timezone.utc) - timedelta(seconds=older_than_s)).replace(microsecond=0).isoformat()
    rows = list(db.query("SELECT id FROM recordings WHERE status = 'recording' AND started_at < ?", [cutoff]))
    for r in rows:
        finish_recording(db, r["id"], data_dir)
    return len(rows)


def list_for_interview(db: sqlite_utils.Database, interview_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM recordings WHERE interview_id = ? AND status != 'deleted' ORDER BY id",
                         [interview_id]))


def recordings_for(db: sqlite_utils.Database, actor: Actor, interview_id: int) -> list[dict]:
    """Replay list for a participant (the candidate), the company's recruiters or the admin."""
    rooms.get_room(db, actor, interview_id)
    return list_for_interview(db, interview_id)


def recording_file(db: sqlite_utils.Database, actor: Actor, recording_id: int,
                   data_dir: str | Path | None = None) -> Path:
    row = one(db, "SELECT * FROM recordings WHERE id = ?", [recording_id])
    if row is None:
        raise NotFound("There is no such recording.")
    rooms.get_room(db, actor, row["interview_id"])
    if row["status"] != "ready":
        raise NotFound("This recording is not available (it failed or was deleted).")
    path = config.data_dir(data_dir) / row["path"]
    if not path.exists():
        raise NotFound("The recording file is missing.")
    return path


def purge_old_recordings(db: sqlite_utils.Database, days: int | None = None, data_dir: str | Path | None = None,
                         now: datetime | None = None) -> int:
    """Delete files of recordings started more than `days` ago and mark their rows deleted."""
    days = retention_days() if days is None else days
    if days < 0:
        raise ValueError("Retention days cannot be negative.")
    cutoff = ((now or datetime.now(timezone.utc)) - timedelta(days=days)).replace(microsecond=0).isoformat()
    rows = list(db.query("SELECT * FROM recordings WHERE status != 'deleted' AND started_at < ?", [cutoff]))
    root = config.data_dir(data_dir)
    for r in rows:
        path = root / r["path"]
        path.unlink(missing_ok=True)
        update_row(db, "recordings", r["id"], {"status": "deleted", "ended_at": r["ended_at"] or utcnow()})
    return len(rows)
