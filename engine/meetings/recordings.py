"""Recordings of interview rooms: files under <data_dir>/recordings/<interview_id>/, one row each.

streamlit-webrtc calls a recorder factory each time it answers a participant's offer and stops the recorder
when the stream ends; `recorder_factory` returns a recorder that opens its row when the first frame arrives
and whose stop() settles it (ready with its duration, or failed). An offer whose call never connects (a
busy server answers some offers more than once) leaves no row. A failed recording never touches the
interview row. Retention: `purge_old_recordings(db, days)` deletes files older than RECORDING_RETENTION_DAYS (default 90). A row left
'recording' by a server that crashed is settled (`settle_stale`) when its interview's recordings are listed
and by `python -m engine purge-recordings`.
"""
from __future__ import annotations

import logging
import os
import queue
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from engine import config, store
from engine.authz import Actor, NotFound, require_staff_access
from engine.meetings import rooms
from engine.meetings.schedule import MAX_DURATION
from engine.store import Database, insert_row, one, update_row, utcnow

log = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 90
EXTENSION = ".webm"   # VP8 + Opus: plays in every browser (st.video)
STALE_AFTER_S = (MAX_DURATION + 60) * 60   # longer than any interview: no live recorder still owns the row
FIRST_FRAME_S = 300   # a recorder whose call delivered no frame in this long gives up (that call never connected)


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


def recording_path(interview_id: int, user_id: int, direction: str = "in",
                   data_dir: str | Path | None = None) -> Path:
    """Where a new recording of that participant goes (absolute)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    return recordings_dir(interview_id, data_dir) / f"{stamp}-u{int(user_id)}-{direction}{EXTENSION}"


def start_recording(db: Database, interview_id: int, user_id: int, direction: str = "in",
                    data_dir: str | Path | None = None, path: Path | None = None) -> tuple[int, Path]:
    """A new 'recording' row and the absolute path its file goes to (``path`` when given)."""
    path = path or recording_path(interview_id, user_id, direction, data_dir)
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


def finish_recording(db: Database, recording_id: int, data_dir: str | Path | None = None) -> dict:
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


class ThreadedRecorder:
    """A drop-in for aiortc's MediaRecorder (addTrack/start/stop) that encodes on its own thread.

    aiortc's MediaRecorder encodes on the event loop that carries every call of the server; on a busy
    machine that stalls all calls (measured here: a 640x480 stream recorded at 3 fps and a second caller
    never connected). Here the loop only hands frames to a bounded queue; a thread encodes VP8/Opus
    (libvpx realtime; PyAV releases the GIL while encoding). If the encoder falls behind, frames are dropped
    from the recording, never from the call.
    """

    QUEUE_FRAMES = 90

    def __init__(self, path: str | Path, on_done: Callable[[], None] | None = None,
                 on_first_frame: Callable[[], None] | None = None) -> None:
        self.path = str(path)
        self._on_first_frame = on_first_frame   # called on the encoding thread before the file is written
        self.began = False                      # a frame arrived: the file (and its row) exists
        self._tracks: list = []
        self._tasks: list = []
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUE_FRAMES)
        self._thread: threading.Thread | None = None
        self._on_done = on_done
        self.dropped = 0
        self.error: str | None = None

    def addTrack(self, track) -> None:  # noqa: N802 (aiortc's interface)
        if track.kind in ("audio", "video") and all(t.kind != track.kind for t in self._tracks):
            self._tracks.append(track)

    async def start(self) -> None:
        import asyncio

        if self._thread is None:
            self._thread = threading.Thread(target=self._encode, name=f"recorder {self.path}", daemon=True)
            self._thread.start()
        for track in self._tracks:
            self._tasks.append(asyncio.ensure_future(self._pump(track)))

    async def _pump(self, track) -> None:
        from aiortc.mediastreams import MediaStreamError

        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            try:
                self._queue.put_nowait((track.kind, frame))
            except queue.Full:
                self.dropped += 1

    async def stop(self) -> None:
        import asyncio

        for task in self._tasks:
            task.cancel()
        self._tasks = []
        if self._thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._finish_thread)
        if self._on_done and self.began:
            self._on_done()

    def _finish_thread(self) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=1)
                break
            except queue.Full:
                continue
        self._thread.join(timeout=60)

    def _encode(self) -> None:
        import av

        container = None
        try:
            try:
                first = self._queue.get(timeout=FIRST_FRAME_S)
            except queue.Empty:
                log.info("recording %s: no frame in %s s, its call never connected", self.path, FIRST_FRAME_S)
                return
            if first is None:   # stopped before any frame: nothing was recorded
                return
            waiting = [first]   # taken from the queue, still to be read below

            def next_item():
                return waiting.pop() if waiting else self._queue.get()

            if self._on_first_frame:
                self._on_first_frame()
            self.began = True
            container = av.open(self.path, mode="w", format="webm")
            kinds = {t.kind for t in self._tracks}
            # Every stream must exist before the first packet is written (the header), and the video size
            # is known only from its first frame: wait for it, dropping audio that comes earlier.
            first_video = None
            while "video" in kinds and first_video is None:
                item = next_item()
                if item is None:
                    return
                if item[0] == "video":
                    first_video = item[1]
            streams: dict = {}
            if "video" in kinds:
                video = container.add_stream("libvpx", rate=30)
                video.width, video.height, video.pix_fmt = first_video.width, first_video.height, "yuv420p"
                video.bit_rate = 600_000
                video.codec_context.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
                streams["video"] = video
            if "audio" in kinds:
                streams["audio"] = container.add_stream("libopus", rate=48000)
            pending = [("video", first_video)] if first_video is not None else []
            self.encoded = {"audio": 0, "video": 0}
            last_pts: dict = {}
            errors = 0
            while True:
                item = pending.pop() if pending else next_item()
                if item is None:
                    break
                kind, frame = item
                # Live streams change resolution under load and may repeat a timestamp; the muxer refuses
                # both, so frames are scaled to the first size and out-of-order ones skipped.
                if frame.pts is not None:
                    if last_pts.get(kind) is not None and frame.pts <= last_pts[kind]:
                        continue
                    last_pts[kind] = frame.pts
                if kind == "video" and (frame.width, frame.height) != (video.width, video.height):
                    scaled = frame.reformat(width=video.width, height=video.height)
                    scaled.pts, scaled.time_base = frame.pts, frame.time_base
                    frame = scaled
                try:
                    for packet in streams[kind].encode(frame):
                        container.mux(packet)
                    self.encoded[kind] += 1
                except av.error.FFmpegError:
                    errors += 1
                    if errors > 100:
                        raise
            log.info("recording %s: encoded %s, dropped %s, bad %s", self.path, self.encoded, self.dropped, errors)
            for stream in streams.values():
                for packet in stream.encode(None):
                    container.mux(packet)
        except Exception as exc:   # the row is settled as failed by finish_recording
            self.error = repr(exc)
            log.exception("recording to %s failed", self.path)
        finally:
            if container is not None:
                try:
                    container.close()
                except Exception:
                    log.exception("closing %s failed", self.path)


def recorder_factory(interview_id: int, user_id: int, direction: str = "in",
                     data_dir: str | Path | None = None) -> Callable:
    """A factory for webrtc_streamer's in_recorder_factory/out_recorder_factory: each call returns a
    recorder that opens a 'recording' row at its first frame and settles it (ready with its duration, or
    failed) when the participant leaves. The library calls the factory for every offer it answers, and on
    a busy server a participant's offer may be answered several times before one connects: a row made at
    the factory call stayed 'recording', with no file, for each answer that never connected (nine in one
    loaded test run)."""
    data_dir = str(config.data_dir(data_dir))

    # Each connection is closed when done: on PostgreSQL an unclosed one holds a server connection until
    # the garbage collector finds it, and a busy server runs out of them.
    def factory() -> ThreadedRecorder:
        path = recording_path(interview_id, user_id, direction, data_dir)

        def begin() -> None:   # the first frame: the recording exists from now on
            db = store.connect(data_dir)
            try:
                recorder.recording_id, _ = start_recording(db, interview_id, user_id, direction, data_dir, path)
            finally:
                db.close()

        def settle() -> None:
            db = store.connect(data_dir)
            try:
                finish_recording(db, recorder.recording_id, data_dir)
            finally:
                db.close()

        recorder = ThreadedRecorder(path, on_done=settle, on_first_frame=begin)
        recorder.recording_id = None
        return recorder

    return factory


def in_recorder_factory(interview_id: int, user_id: int, data_dir: str | Path | None = None) -> Callable:
    """Records what the participant's browser sends (their camera and microphone)."""
    return recorder_factory(interview_id, user_id, "in", data_dir)


def out_recorder_factory(interview_id: int, user_id: int, data_dir: str | Path | None = None) -> Callable:
    return recorder_factory(interview_id, user_id, "out", data_dir)


def settle_stale(db: Database, older_than_s: int = STALE_AFTER_S, data_dir: str | Path | None = None,
                 interview_id: int | None = None) -> int:
    """Rows left 'recording' by a crashed server: settle them from whatever file is there (ready when it
    plays, failed otherwise). Only rows older than any interview lasts, so a live recording is never touched."""
    cutoff = (datetime.now(timezone.utc) - timedelta(seconds=older_than_s)).replace(microsecond=0).isoformat()
    where, params = ("AND interview_id = ?", [interview_id]) if interview_id is not None else ("", [])
    rows = list(db.query(f"SELECT id FROM recordings WHERE status = 'recording' AND started_at < ? {where}",
                         [cutoff, *params]))
    for r in rows:
        finish_recording(db, r["id"], data_dir)
    return len(rows)


def list_for_interview(db: Database, interview_id: int) -> list[dict]:
    """The interview's recordings (every list in the app reads them here), crashed ones settled first."""
    settle_stale(db, interview_id=interview_id)
    return list(db.query("SELECT * FROM recordings WHERE interview_id = ? AND status != 'deleted' ORDER BY id",
                         [interview_id]))


def recordings_for(db: Database, actor: Actor, interview_id: int) -> list[dict]:
    """Replay list for a participant (the candidate), the company's recruiters or the admin."""
    rooms.find_interview(db, actor, interview_id)
    return list_for_interview(db, interview_id)


def recording_file(db: Database, actor: Actor, recording_id: int,
                   data_dir: str | Path | None = None) -> Path:
    require_staff_access(db, actor)
    row = one(db, "SELECT * FROM recordings WHERE id = ?", [recording_id])
    if row is None:
        raise NotFound("There is no such recording.")
    rooms.find_interview(db, actor, row["interview_id"])
    if row["status"] != "ready":
        raise NotFound("This recording is not available (it failed or was deleted).")
    path = config.data_dir(data_dir) / row["path"]
    if not path.exists():
        raise NotFound("The recording file is missing.")
    return path


def purge_old_recordings(db: Database, days: int | None = None, data_dir: str | Path | None = None,
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
