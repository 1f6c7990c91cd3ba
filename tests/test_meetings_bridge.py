"""Rooms across replicas: the peer and screen tables (engine.meetings.peers) and the replica-to-replica media
bridge (engine.meetings.bridge), here with two bridges in one process under different replica ids, one
database, and aiortc's synthetic camera and microphone as the participant's tracks."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from engine import store
from engine.meetings import bridge, peers
from meetings_seed import seed
from waiting import wait_for


@pytest.fixture
def interview_id(db):
    # A plain interview row: these tables need only its id (and scheduling has its own tests).
    s = seed(db)
    now = store.utcnow()
    iid = store.insert_row(db, "interviews", {
        "company_id": s["company"], "created_by": s["rec"].user_id, "title": "Replica interview",
        "starts_at": now, "room_token_hash": "hash-1", "room_code": "CODE-1", "expires_at": now, "created_at": now})
    return iid, s


def test_peer_table_lists_other_replicas_live_cameras(db, interview_id):
    iid, s = interview_id
    peers.publish(db, iid, "1:sess-a", "host:8501", s["rec"].user_id, "Rita", "track-1")
    peers.publish(db, iid, "2:sess-b", "host:8502", s["cand"].user_id, "Carl", "track-2")
    assert [p["peer_key"] for p in peers.remote_peers(db, iid, "host:8501", stale_s=60)] == ["2:sess-b"]
    assert [p["peer_key"] for p in peers.remote_peers(db, iid, "host:8503", stale_s=60)] == ["1:sess-a", "2:sess-b"]
    # a restarted camera replaces the row's track; leaving removes it
    peers.publish(db, iid, "2:sess-b", "host:8502", s["cand"].user_id, "Carl", "track-3")
    assert peers.remote_peers(db, iid, "host:8501", stale_s=60)[0]["track_id"] == "track-3"
    peers.withdraw(db, iid, "2:sess-b")
    assert peers.remote_peers(db, iid, "host:8501", stale_s=60) == []
    # a row nobody refreshed is ignored after the stale period, and a refresh brings it back
    db.execute("UPDATE room_peers SET last_seen = ? WHERE peer_key = ?", [store.utc_ago(seconds=120), "1:sess-a"])
    assert peers.remote_peers(db, iid, "host:8503", stale_s=60) == []
    peers.touch(db, iid, "1:sess-a")
    assert [p["name"] for p in peers.remote_peers(db, iid, "host:8503", stale_s=60)] == ["Rita"]


def test_replica_id_from_the_environment_or_host_and_port(monkeypatch):
    monkeypatch.delenv("JOBEXPRESSWAY_REPLICA_ID", raising=False)
    assert peers.replica_id(8502).endswith(":8502")
    monkeypatch.setenv("JOBEXPRESSWAY_REPLICA_ID", "web-2")
    assert peers.replica_id(8502) == "web-2"


def test_screen_frame_is_shared_through_the_database(db, interview_id):
    iid, s = interview_id
    peers.put_screen(db, iid, b"\xff\xd8first", s["rec"].user_id, "Rita")
    peers.put_screen(db, iid, b"\xff\xd8second", s["rec"].user_id, "Rita")
    shot = peers.latest_screen(store.connect(), iid, stale_s=5)   # another connection (another replica)
    assert (shot["frame"], shot["by"], shot["name"]) == (b"\xff\xd8second", s["rec"].user_id, "Rita")
    peers.clear_screen(db, iid, s["cand"].user_id)          # someone else's stop leaves it
    assert peers.latest_screen(db, iid, stale_s=5) is not None
    db.execute("UPDATE room_screens SET at = ?", [time.time() - 10])
    assert peers.latest_screen(db, iid, stale_s=5) is None   # the sharer's tab went away
    peers.put_screen(db, iid, b"\xff\xd8third", s["rec"].user_id, "Rita")
    peers.clear_screen(db, iid, s["rec"].user_id)
    assert peers.latest_screen(db, iid, stale_s=5) is None
    with pytest.raises(ValueError, match="over 2 MB"):
        peers.put_screen(db, iid, b"x" * peers.MAX_SCREEN_BYTES, s["rec"].user_id, "Rita")


@pytest.fixture
def loop():
    """An event loop in its own thread, as streamlit-webrtc's in the app."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def on_loop(loop, coro, timeout: float = 30):
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)


@pytest.fixture
def replicas(loop, data_dir):
    """Bridges 'replica-a' and 'replica-b' on one database and one loop; replica A holds participant 'p1'
    (a synthetic camera and microphone) in interview 7."""
    from aiortc.contrib.media import MediaRelay
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

    async def make():
        return MediaRelay(), VideoStreamTrack(), AudioStreamTrack()

    relay, camera, microphone = on_loop(loop, make())
    calls = {(7, "p1", camera.id): (camera, microphone)}
    a = bridge.Bridge("replica-a", lambda: store.connect(data_dir), loop, relay,
                      lambda i, p, t: calls.get((i, p, t)), idle_s=3)
    b = bridge.Bridge("replica-b", lambda: store.connect(data_dir), loop, relay, lambda i, p, t: None, idle_s=3)
    yield {"a": a, "b": b, "camera": camera, "calls": calls, "relay": relay}
    b.stop()
    a.stop()

    async def stop_sources():   # on the loop, so that the relay's readers see the end and finish
        camera.stop()
        microphone.stop()
        await asyncio.sleep(0.5)

    on_loop(loop, stop_sources())


def test_a_camera_on_one_replica_plays_on_another(replicas, loop, db):
    b, camera = replicas["b"], replicas["camera"]
    # the fixture's 3 s idle limit is for the idle-closing test; here the waits below (connecting, 3 s with no
    # viewer, reading frames) may outlast it on a busy machine, and the link would be closed under the test
    b._idle_s = bridge.LINK_IDLE_S
    started = time.monotonic()
    link = wait_for(lambda: (x := b.link(7, "p1", camera.id, "replica-a")).state in ("ready", "failed") and x, 60,
                    "the link to become ready")
    assert link.state == "ready", link.reason
    assert link.video.kind == "video" and link.audio.kind == "audio"

    # no viewer yet: the received frames are consumed by the relay, not queued in aiortc's track
    wait_for(lambda: link.pc.connectionState == "connected", 30, "the connection")
    time.sleep(3)
    assert link.video._queue.qsize() < 10   # ~90 frames after 3 s of 30 fps without the relay's reader

    async def frames(track, n):   # read as a viewer's player does: through the relay
        viewer = replicas["relay"].subscribe(track)
        got = []
        for _ in range(n):
            got.append(await asyncio.wait_for(viewer.recv(), 20))
        viewer.stop()
        return got

    video = on_loop(loop, frames(link.video, 5), timeout=60)
    assert {(f.width, f.height) for f in video} == {(640, 480)}   # aiortc's synthetic camera, re-encoded
    assert [f.pts for f in video] == sorted(f.pts for f in video) and video[0].pts < video[-1].pts
    audio = on_loop(loop, frames(link.audio, 3), timeout=60)
    assert all(f.sample_rate == 48000 for f in audio)
    print(f"first frames through the bridge after {time.monotonic() - started:.1f} s")
    assert replicas["a"].served_count() == 1
    # both signals were read and deleted
    wait_for(lambda: list(db.query("SELECT id FROM rtc_signals")) == [], 10, "the signals to be cleared")
    # a second viewer on replica B shares the same link
    assert b.link(7, "p1", camera.id, "replica-a") is link


def test_a_call_gone_from_its_replica_fails_the_link(replicas):
    b = replicas["b"]
    link = wait_for(lambda: (x := b.link(7, "p1", "no-such-track", "replica-a")).state == "failed" and x, 60,
                    "the link to fail")
    assert "gone" in link.reason
    assert replicas["a"].served_count() == 0


def test_no_answer_when_the_other_replica_is_not_there(replicas, monkeypatch):
    monkeypatch.setattr(bridge, "ANSWER_TIMEOUT_S", 2)
    link = wait_for(lambda: (x := replicas["b"].link(7, "p1", "t", "replica-z")).state == "failed" and x, 30,
                    "the link to give up")
    assert link.reason == "no answer"


def test_an_unused_link_is_closed_on_both_replicas(replicas):
    a, b, camera = replicas["a"], replicas["b"], replicas["camera"]
    link = wait_for(lambda: (x := b.link(7, "p1", camera.id, "replica-a")).state == "ready" and x, 60, "the link")
    wait_for(lambda: link.pc.connectionState == "connected", 30, "the connection")
    # nobody asks for it any more: closed after idle_s (3 s), and the answering replica closes its side
    wait_for(lambda: b.links() == [], 20, "replica B to close the link")
    wait_for(lambda: a.served_count() == 0, 30, "replica A to close its side")


def test_the_answering_side_closes_when_the_call_ends(replicas):
    a, b, camera = replicas["a"], replicas["b"], replicas["camera"]
    wait_for(lambda: b.link(7, "p1", camera.id, "replica-a").state == "ready", 60, "the link")
    replicas["calls"].clear()   # the participant left on replica A
    wait_for(lambda: a.served_count() == 0, 20, "replica A to close the connection")
    link = wait_for(lambda: (x := b.link(7, "p1", camera.id, "replica-a")).state == "failed" and x, 60,
                    "replica B to see the link end")
    assert "connection" in link.reason
