"""Media between replicas: a participant's camera, held by one server process, shown on another.

Each Streamlit process relays its own participants' cameras (aiortc's MediaRelay, see ui/meetings.py).
When a page on replica B must show a peer whose call lives on replica A, B's bridge opens a WebRTC
connection to A's bridge, server process to server process:

- B creates an RTCPeerConnection with receive-only video and audio and writes the offer into rtc_signals,
  addressed to A, naming the peer and the peer's video track (a restarted camera is a new track).
- A's bridge reads the offer (each bridge polls the rows addressed to it), finds the peer's output tracks
  through ``resolve`` and answers with them, each through a MediaRelay subscription; or answers 'gone'
  when that call no longer exists there.
- B applies the answer; the connection's remote tracks are then the peer's video and audio, which B's
  viewers use exactly as they use a local peer's output tracks.

The signalling is a table polled every ``poll_s`` seconds, the same on SQLite (several processes on one
file) and PostgreSQL; rows are deleted once read. ICE uses the servers of WEBRTC_ICE_SERVERS (none by
default: host candidates, enough for replicas on one machine or network). aiortc objects live on the
caller's event loop (the calls' loop, ``engine.meetings.media_loop``), and every database call and wait
happens in the bridge's own thread, never on that loop nor in a page's script run.

One connection ("link") serves every viewer of that call on this process; a link nobody asked for during
``idle_s`` seconds is closed, and so is the answering side when its call ends or the viewer closes.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.store import Database, insert_row, utc_ago, utcnow

log = logging.getLogger(__name__)

POLL_S = 0.3             # while something is under way; IDLE_POLL_S otherwise
IDLE_POLL_S = 1.0
OP_TIMEOUT_S = 20        # closing what is left when a bridge stops
# Each step of a link (making the offer, waiting for the answer, applying it) may take this long. On the
# 2-core test machine at load average 30, one aiortc step on the shared event loop took up to 40 s.
ANSWER_TIMEOUT_S = 90
RETRY_S = 5              # a failed link is tried again after this long (if the call is still listed)
OFFER_TTL_S = 80         # an offer older than this is not answered (its asker gives up at 90 s)
SIGNAL_TTL_S = 300       # any signal row older than this is deleted (rows of replicas that went away)
LINK_IDLE_S = 60         # as long as a participant's row stays listed without a refresh

Resolver = Callable[[int, str, str], "tuple[Any, Any] | None"]


@dataclass
class Link:
    """This process's connection to one remote call: (interview, peer, video track id, replica)."""
    key: tuple[int, str, str, str]
    serial: int
    state: str = "new"              # new -> offering -> offered -> accepting -> ready, or failed
    pc: Any = None
    offer_id: int | None = None
    created_at: float = field(default_factory=time.monotonic)
    step_at: float = field(default_factory=time.monotonic)   # when the current state began
    failed_at: float = 0.0
    used_at: float = field(default_factory=time.monotonic)
    video: Any = None
    audio: Any = None
    reason: str = ""


class Bridge:
    def __init__(self, replica: str, connect: Callable[[], Database], loop: asyncio.AbstractEventLoop,
                 relay: Any, resolve: Resolver, ice_servers: list[dict] | None = None,
                 poll_s: float = POLL_S, idle_s: float = LINK_IDLE_S):
        self.replica = replica
        self._connect = connect
        self._loop = loop
        self._relay = relay
        self._resolve = resolve
        self._ice_servers = ice_servers or []
        self._poll_s = poll_s
        self._idle_s = idle_s
        self._links: dict[tuple, Link] = {}
        self._served: list[tuple[Any, tuple, list]] = []   # (answering connection, call key, relayed tracks)
        self._ops: list[tuple[Any, Callable, float]] = []   # aiortc steps under way on the loop
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rtc-bridge-{replica}", daemon=True)
        self._thread.start()

    # --- asked by pages (never blocks) ------------------------------------------------------------------
    def link(self, interview_id: int, peer_key: str, track_id: str, replica: str) -> Link:
        """The link to that call, started if needed; use its tracks once ``state == 'ready'``. Calling this
        keeps the link open (a link nobody asks for is closed after ``idle_s``)."""
        key = (interview_id, peer_key, track_id, replica)
        now = time.monotonic()
        with self._lock:
            current = self._links.get(key)
            if current is not None and current.state == "failed" and now - current.failed_at > RETRY_S:
                self._close_soon(current)
                current = Link(key, current.serial + 1)
                self._links[key] = current
            elif current is None:
                current = Link(key, 1)
                self._links[key] = current
            current.used_at = now
            fresh = current.state == "new"
        if fresh:
            self._wake.set()
        return current

    def links(self) -> list[Link]:
        with self._lock:
            return list(self._links.values())

    def served_count(self) -> int:
        with self._lock:
            return len(self._served)

    def stop(self, timeout: float = 10) -> None:
        """Close every connection and end the thread (tests; a server process just exits)."""
        self._stopped.set()
        self._wake.set()
        self._thread.join(timeout)
        with self._lock:
            links, served = list(self._links.values()), list(self._served)
            self._links.clear()
            self._served.clear()
        for link in links:
            self._close_soon(link)
        for pc, _, tracks in served:
            try:
                self._call(self._close_served(pc, tracks)).result(OP_TIMEOUT_S)
            except Exception:   # closing what is left at exit: nothing more to do about a slow loop
                pass

    # --- the bridge's thread ----------------------------------------------------------------------------
    def _run(self) -> None:
        db = None
        last_sweep = 0.0
        while not self._stopped.is_set():
            busy = False
            try:
                if db is None:
                    db = self._connect()
                busy = self._step(db)
                if time.monotonic() - last_sweep > 60:
                    db.execute("DELETE FROM rtc_signals WHERE created_at < ?", [utc_ago(seconds=SIGNAL_TTL_S)])
                    last_sweep = time.monotonic()
            except Exception:   # a lost database connection or a failed step: log, reconnect, go on
                log.exception("rtc bridge %s: step failed", self.replica)
                try:
                    if db is not None:
                        db.close()
                except Exception:
                    pass
                db = None
                busy = False
            self._wake.wait(self._poll_s if busy else IDLE_POLL_S)
            self._wake.clear()
        if db is not None:
            db.close()

    def _step(self, db: Database) -> bool:
        """One round: finished aiortc steps first (their results may need a row), then new links' offers,
        then the signals addressed to this replica, then time-outs and closing what nobody uses."""
        for done, handle in self._finished():
            handle(db, done)
        now = time.monotonic()
        with self._lock:
            new = [link for link in self._links.values() if link.state == "new"]
            for link in new:
                link.state, link.step_at = "offering", now
        for link in new:
            self._start(self._make_offer(link), lambda db, f, link=link: self._offer_made(db, link, f))
        for row in list(db.query("SELECT * FROM rtc_signals WHERE to_replica = ? ORDER BY id", [self.replica])):
            db.execute("DELETE FROM rtc_signals WHERE id = ?", [row["id"]])
            if row["kind"] == "offer":
                self._answer_offer(db, row)
            else:
                self._take_answer(row)
        with self._lock:
            for link in self._links.values():
                if link.state in ("offering", "offered", "accepting") and now - link.step_at > ANSWER_TIMEOUT_S:
                    self._fail(link, "no answer" if link.state == "offered" else f"still {link.state}")
            idle = [k for k, link in self._links.items() if now - link.used_at > self._idle_s]
            closing = [self._links.pop(k) for k in idle]
            served = list(self._served)
        for link in closing:
            self._close_soon(link)
        for entry in served:
            pc, call, tracks = entry
            if pc.connectionState in ("closed", "failed") or self._resolve(*call) is None:
                with self._lock:
                    if entry in self._served:
                        self._served.remove(entry)
                self._call(self._close_served(pc, tracks))
        with self._lock:
            return bool(self._served or self._ops) or any(
                link.state in ("new", "offering", "offered") for link in self._links.values())

    def _start(self, coro, handle: Callable) -> None:
        """Run ``coro`` on the loop; ``handle(db, future)`` runs in this thread once it is done. Nothing here
        waits for the loop, which is busy with every call of the process."""
        future = self._call(coro)
        with self._lock:
            self._ops.append((future, handle, time.monotonic()))
        future.add_done_callback(lambda _: self._wake.set())

    def _finished(self) -> list[tuple[Any, Callable]]:
        with self._lock:
            done = [(f, h) for f, h, _ in self._ops if f.done()]
            self._ops = [op for op in self._ops if not op[0].done()]
        return done

    def _offer_made(self, db: Database, link: Link, future) -> None:
        interview_id, peer_key, track_id, replica = link.key
        if future.exception() is not None:
            with self._lock:
                self._fail(link, f"offer failed: {future.exception()!r}")
            return
        with self._lock:
            current = self._links.get(link.key) is link and link.state == "offering"
        if not current:   # failed, or closed for want of viewers, while the offer was being made
            self._close_soon(link)
            return
        link.offer_id = insert_row(db, "rtc_signals", {
            "interview_id": interview_id, "peer_key": peer_key, "track_id": track_id,
            "from_replica": self.replica, "to_replica": replica, "kind": "offer", "sdp": future.result(),
            "created_at": utcnow()})
        log.info("rtc bridge %s: offered %s after %.1f s", self.replica, link.key, time.monotonic() - link.created_at)
        with self._lock:
            if link.state == "offering":
                link.state, link.step_at = "offered", time.monotonic()

    def _answer_offer(self, db: Database, row: dict) -> None:
        call = (row["interview_id"], row["peer_key"], row["track_id"])
        tracks = self._resolve(*call) if row["created_at"] >= utc_ago(seconds=OFFER_TTL_S) else None
        if tracks is None or tracks[0] is None:
            self._reply(db, row, "gone", None)
            return
        received = time.monotonic()
        self._start(self._make_answer(row["sdp"], tracks),
                    lambda db, f: self._answer_made(db, row, call, f, received))

    def _answer_made(self, db: Database, row: dict, call: tuple, future, received: float) -> None:
        if future.exception() is not None:
            log.warning("rtc bridge %s: answering %s failed: %r", self.replica, call, future.exception())
            self._reply(db, row, "gone", None)
            return
        pc, sdp, relayed = future.result()
        took = time.monotonic() - received
        if took > OFFER_TTL_S:   # the asker is about to give up
            log.warning("rtc bridge %s: answer for %s took %.1f s, dropped", self.replica, call, took)
            self._call(self._close_served(pc, relayed))
            return
        with self._lock:
            self._served.append((pc, call, relayed))
        self._reply(db, row, "answer", sdp)
        log.info("rtc bridge %s: answered %s in %.1f s", self.replica, call, took)

    def _reply(self, db: Database, row: dict, kind: str, sdp: str | None) -> None:
        insert_row(db, "rtc_signals", {
            "interview_id": row["interview_id"], "peer_key": row["peer_key"], "track_id": row["track_id"],
            "from_replica": self.replica, "to_replica": row["from_replica"], "kind": kind, "sdp": sdp,
            "reply_to": row["id"], "created_at": utcnow()})

    def _take_answer(self, row: dict) -> None:
        with self._lock:
            link = next((x for x in self._links.values() if x.offer_id == row["reply_to"]), None)
            if link is None or link.state != "offered":
                return   # a link closed meanwhile
            if row["kind"] == "gone":
                self._fail(link, "the call is gone on its replica")
                return
            link.state, link.step_at = "accepting", time.monotonic()
        self._start(self._accept_answer(link.pc, row["sdp"]), lambda db, f: self._answer_taken(link, f))

    def _answer_taken(self, link: Link, future) -> None:
        with self._lock:
            if future.exception() is not None:
                self._fail(link, f"answer refused: {future.exception()!r}")
                return
            video, audio = future.result()
            if link.state != "accepting":
                return
            if video is None:
                self._fail(link, "no video in the answer")
                return
            link.video, link.audio, link.state = video, audio, "ready"
        log.info("rtc bridge %s: link %s ready after %.1f s", self.replica, link.key,
                 time.monotonic() - link.created_at)

    def _fail(self, link: Link, reason: str) -> None:
        """(Under the lock.)"""
        if link.state != "failed":
            log.info("rtc bridge %s: link %s failed: %s", self.replica, link.key, reason)
            link.state, link.failed_at, link.reason = "failed", time.monotonic(), reason

    # --- on the event loop ------------------------------------------------------------------------------
    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def _close_soon(self, link: Link) -> None:
        if link.pc is not None:
            asyncio.run_coroutine_threadsafe(link.pc.close(), self._loop)

    def _peer_connection(self):
        from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection

        servers = [RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
                   for s in self._ice_servers]
        return RTCPeerConnection(RTCConfiguration(iceServers=servers))

    async def _make_offer(self, link: Link) -> str:
        pc = self._peer_connection()
        link.pc = pc

        @pc.on("connectionstatechange")
        async def _changed() -> None:
            if pc.connectionState in ("failed", "closed"):
                with self._lock:
                    self._fail(link, f"connection {pc.connectionState}")
                if pc.connectionState == "failed":
                    await pc.close()

        pc.addTransceiver("video", direction="recvonly")
        pc.addTransceiver("audio", direction="recvonly")
        await pc.setLocalDescription(await pc.createOffer())
        return pc.localDescription.sdp

    async def _make_answer(self, offer_sdp: str, tracks: tuple) -> tuple[Any, str, list]:
        from aiortc import RTCSessionDescription

        pc = self._peer_connection()
        relayed: list = []

        @pc.on("connectionstatechange")
        async def _changed() -> None:
            if pc.connectionState == "failed":
                await pc.close()

        await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
        for track in tracks:
            if track is not None:
                # video: only the latest frame waits for the sender, so a slow connection drops frames
                # instead of queueing them without bound; audio is buffered (gaps would be heard)
                copy = self._relay.subscribe(track, buffered=track.kind != "video")
                relayed.append(copy)
                pc.addTrack(copy)
        await pc.setLocalDescription(await pc.createAnswer())
        return pc, pc.localDescription.sdp, relayed

    async def _accept_answer(self, pc, answer_sdp: str) -> tuple[Any, Any]:
        from aiortc import RTCSessionDescription

        await pc.setRemoteDescription(RTCSessionDescription(answer_sdp, "answer"))
        got = {t.kind: t.receiver.track for t in pc.getTransceivers() if t.receiver.track is not None
               and t.currentDirection in ("recvonly", "sendrecv")}
        for track in got.values():
            asyncio.ensure_future(self._drain(track))
        return got.get("video"), got.get("audio")

    async def _drain(self, track) -> None:
        """Start the relay's reader of a received track now. aiortc queues every decoded frame of a received
        track until someone reads it, without bound; the relay, once started, reads the track until it
        ends and hands frames to whoever subscribes (the viewers' players), so nothing piles up while no
        viewer is there (before the first player starts, or between two)."""
        from aiortc.mediastreams import MediaStreamError

        starter = self._relay.subscribe(track, buffered=False)
        try:
            await starter.recv()
        except MediaStreamError:
            pass
        finally:
            starter.stop()

    @staticmethod
    async def _close_served(pc, tracks: list) -> None:
        await pc.close()
        for track in tracks:   # the relay's copies: stopping one ends its subscription
            track.stop()
