"""Interview rooms in Debian chromium with fake camera, microphone and screen.

One participant: the camera goes to the server and back, and is recorded. Two participants (the recruiter
and the candidate, two browser contexts): each sees the other's video playing (readyState >= 2 and
currentTime advancing in the other's player) and, when both leave, each is recorded to a playable file
longer than one second (ffprobe). Screen sharing: one shares, the other sees the picture.
Set JOBEXPRESSWAY_RTC_LOG=<file> for the server's media log.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import functools
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from engine import store
from engine.meetings import schedule
from meetings_seed import seed
from journey_helpers import start_camera, streamlit_server
import waiting

# pages are polled once a second: each look runs JavaScript in every player's frame
wait_for = functools.partial(waiting.wait_for, step=1.0)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
        "--auto-select-desktop-capture-source=Entire screen"]   # getDisplayMedia picks headless chromium's screen
VIDEOS_JS = """() => Array.from(document.querySelectorAll('video'))
                 .map(v => ({ready: v.readyState, t: v.currentTime, w: v.videoWidth}))"""

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Debian chromium"),
              pytest.mark.timeout(600)]


@pytest.fixture
def room_server(data_dir, tmp_path):
    db = store.connect(data_dir)
    s = seed(db)
    booked = schedule.schedule_interview(db, s["rec"], s["app"], datetime.now() + timedelta(minutes=2), "UTC", 30,
                                         "Browser interview")
    env = dict(os.environ, JOBEXPRESSWAY_TEST_LOGIN="1", JOBEXPRESSWAY_DATA_DIR=str(data_dir),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log = Path(os.environ.get("MEETINGS_BROWSER_LOG") or tmp_path / "streamlit.log")
    with streamlit_server(data_dir, tmp_path, env, script=str(ROOT / "tests" / "browser_room_app.py"),
                          log_path=log) as url:
        yield {"db": db, "s": s, "booked": booked, "port": int(url.rsplit(":", 1)[1]), "data_dir": data_dir}


def webrtc_frames(page):
    """The players' frames in page order: my camera first, then one per other participant. (Asking the
    page, not reading page.frames: the sync API updates that list only while it handles a call, so an
    iframe attached while the test sleeps would never appear in it.)"""
    frames = []
    for handle in page.query_selector_all('iframe[src*="webrtc_streamer"]'):
        frame = handle.content_frame()
        if frame is not None:
            frames.append(frame)
    return frames


def peer_video(page):
    """The peer's <video> state, from the second webrtc iframe (the first is my own camera)."""
    frames = webrtc_frames(page)
    if len(frames) < 2:
        return None
    try:
        videos = frames[1].evaluate(VIDEOS_JS)
    except Exception:   # the iframe is being replaced by a rerun
        return None
    return videos[0] if videos else None


def own_video(page):
    frames = webrtc_frames(page)
    if not frames:
        return None
    try:
        videos = frames[0].evaluate(VIDEOS_JS)
    except Exception:
        return None
    return videos[0] if videos else None


def agree_and_start_camera(page) -> None:
    page.get_by_role("button", name="I agree to be recorded").click()
    page.get_by_text("This interview may be recorded").wait_for(state="detached")
    start_camera(page)


def open_as_both(browser, room_server, timeout_ms: int, then=None) -> dict:
    """The room open in two browser contexts, the recruiter's ("rec") and the candidate's ("cand"); ``then``
    runs on each page as soon as it is open."""
    s, port = room_server["s"], room_server["port"]
    token = room_server["booked"].url.split("token=")[1]
    pages = {}
    for who in ("rec", "cand"):
        page = browser.new_context(permissions=["camera", "microphone"]).new_page()
        page.set_default_timeout(timeout_ms)
        page.goto(f"http://127.0.0.1:{port}/room?token={token}&test_login={s[who].user_id}")
        if then:
            then(page)
        pages[who] = page
    return pages


def ffprobe_duration(path: Path, fallback: float | None) -> float:
    ffprobe = shutil.which("ffprobe")
    if not ffprobe:
        return fallback or 0.0
    out = subprocess.run([ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return float(json.loads(out.stdout)["format"]["duration"])


def test_one_participant_loopback_and_recording(room_server):
    """The candidate's camera goes to the server and back (SENDRECV) and is recorded there."""
    from playwright.sync_api import sync_playwright

    s, booked, port = room_server["s"], room_server["booked"], room_server["port"]
    token = booked.url.split("token=")[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_context(permissions=["camera", "microphone"]).new_page()
            page.set_default_timeout(120_000)
            page.goto(f"http://127.0.0.1:{port}/room?token={token}&test_login={s['cand'].user_id}")
            page.get_by_text("This interview may be recorded").wait_for()
            agree_and_start_camera(page)
            webrtc = page.frame_locator('iframe[src*="webrtc_streamer"]').first
            wait_for(lambda: (v := own_video(page)) and v["ready"] >= 2 and v["w"] > 0 and v, 180,
                     "the camera to come back from the server")
            first = own_video(page)["t"]
            wait_for(lambda: (v := own_video(page)) and v["t"] > first + 8 and v, 180, "eight more seconds of video")
            webrtc.get_by_role("button", name="Leave call").click()
            db = room_server["db"]
            (row,) = wait_for(lambda: (r := list(db.query("SELECT * FROM recordings"))) and r[0]["status"] != "recording"
                              and r, 90, "the recording to settle")
        finally:
            browser.close()
    assert row["status"] == "ready", row
    assert row["path"].startswith(f"recordings/{booked.interview['id']}/")
    assert ffprobe_duration(room_server["data_dir"] / row["path"], row["duration_s"]) > 1.0


def describe(pages: dict, folder: Path) -> str:
    """What each page shows (webrtc iframes and their videos), with screenshots, for a failure message."""
    lines = []
    for who, page in pages.items():
        try:
            page.screenshot(path=str(folder / f"{who}.png"), full_page=True)
        except Exception:
            pass
        states = []
        for frame in webrtc_frames(page):
            try:
                states.append(frame.evaluate(VIDEOS_JS))
            except Exception as exc:
                states.append(repr(exc)[:80])
        lines.append(f"{who}: {states}")
    return "; ".join(lines) + f" (screenshots in {folder})"


def test_two_participants_see_each_other_and_are_recorded(room_server, tmp_path):
    """Recruiter and candidate each send their camera and receive the other's through the server's relay."""
    from playwright.sync_api import sync_playwright

    s, booked = room_server["s"], room_server["booked"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            pages = open_as_both(browser, room_server, timeout_ms=90_000)
            for page in pages.values():
                agree_and_start_camera(page)
            for who, page in pages.items():
                try:
                    wait_for(lambda: (v := peer_video(page)) and v["ready"] >= 2 and v["w"] > 0 and v,
                             90, f"{who} to receive the other's video")
                except pytest.fail.Exception as exc:
                    pytest.fail(f"{exc} -- {describe(pages, tmp_path)}")
            for who, page in pages.items():   # both views are live at the same time, not one after the other
                # a rerun may be replacing the player's iframe at this moment: read it once it answers. A
                # camera that reconnected meanwhile sends a new stream, and the view of it is a new player:
                # it has the first one's deadline.
                try:
                    first = wait_for(lambda: peer_video(page), 90, f"{who}'s view of the other to answer")["t"]
                    wait_for(lambda: (v := peer_video(page)) and v["t"] > first + 1.0 and v, 90,
                             f"{who}'s view of the other to keep playing", step=0.5)
                except pytest.fail.Exception as exc:
                    pytest.fail(f"{exc} -- {describe(pages, tmp_path)}")
            for page in pages.values():
                page.frame_locator('iframe[src*="webrtc_streamer"]').first.get_by_role("button", name="Leave call").click()
            db = room_server["db"]
            # a camera whose connection dropped and came back is recorded in a second part
            rows = wait_for(lambda: (r := list(db.query("SELECT * FROM recordings"))) and len(r) >= 2
                            and all(x["status"] != "recording" for x in r) and r, 60, "recordings to settle")
        finally:
            browser.close()
    assert {r["status"] for r in rows} == {"ready"}, rows
    assert len({r["path"] for r in rows}) == len(rows)
    longest = {}
    for r in rows:
        assert r["path"].startswith(f"recordings/{booked.interview['id']}/")
        user = r["path"].split("-u")[1].split("-")[0]
        duration = ffprobe_duration(room_server["data_dir"] / r["path"], r["duration_s"])
        longest[user] = max(longest.get(user, 0.0), duration)
    assert set(longest) == {str(s["rec"].user_id), str(s["cand"].user_id)}, rows
    assert min(longest.values()) > 1.0, longest


def test_screen_share_reaches_the_other_participant(room_server, tmp_path):
    """The recruiter shares their screen (getDisplayMedia in the room's component); the candidate's side
    panel shows the picture within a few seconds, and it goes away when sharing stops."""
    from playwright.sync_api import expect, sync_playwright

    s = room_server["s"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            pages = open_as_both(browser, room_server, timeout_ms=60_000,
                                 then=lambda page: page.get_by_role("button", name="Join without recording").click())
            rec, cand = pages["rec"], pages["cand"]
            rec.get_by_text("Share your screen").click()
            share = rec.frame_locator('iframe[src*="screenshare"]').first
            share.get_by_role("button", name="Share my screen").click()
            expect(share.get_by_text("Sharing your screen with the room.")).to_be_visible()
            caption = cand.get_by_text(f"{s['rec'].name} is sharing their screen")
            try:
                expect(caption).to_be_visible(timeout=45_000)
            except AssertionError as exc:
                pytest.fail(f"{exc} -- {describe(pages, tmp_path)}")
            # The picture is replaced on every refresh of the panel: wait for one that has loaded.
            cand.wait_for_function("""() => Array.from(document.querySelectorAll('img'))
                                       .some(i => i.src.includes('/media/') && i.complete && i.naturalWidth >= 640)""",
                                   timeout=30_000)
            assert rec.get_by_text(f"{s['rec'].name} is sharing their screen").count() == 0   # not shown to oneself
            share.get_by_role("button", name="Stop sharing").click()
            expect(caption).to_be_hidden(timeout=30_000)
        finally:
            browser.close()


# Every RTCPeerConnection and camera stream a frame makes, listed on its window for the test to look at.
LIST_CONNECTIONS = """(() => {
  const Native = window.RTCPeerConnection;
  window.__jxPeerConnections = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__jxPeerConnections.push(this); }
  };
  window.__jxStreams = [];
  if (navigator.mediaDevices) {
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      window.__jxStreams.push(stream);
      return stream;
    };
  }
})()"""
PEER_CONNECTIONS_JS = "() => (window.__jxPeerConnections || []).map(pc => pc.connectionState)"
LIVE_CAPTURES_JS = """() => (window.__jxStreams || []).flatMap(s => s.getTracks())
                                 .filter(t => t.readyState === "live").length"""
# What Chromium does when a busy server or network misses the connectivity checks: connectionState turns
# "disconnected" and the connection says so.
DROP_CONNECTION_JS = """() => {
  const pc = (window.__jxPeerConnections || []).filter(pc => pc.connectionState === "connected").pop();
  if (!pc) return false;
  Object.defineProperty(pc, "connectionState", {get: () => "disconnected"});
  pc.dispatchEvent(new Event("connectionstatechange"));
  return true;
}"""


def test_a_dropped_camera_connection_comes_back_until_leave_call(room_server):
    """The camera's connection drops: the camera starts again by itself, once, and the call goes on (the
    library's player used to stop and wait for Start camera). After Leave call it stays off."""
    from playwright.sync_api import sync_playwright

    s, port = room_server["s"], room_server["port"]
    token = room_server["booked"].url.split("token=")[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(permissions=["camera", "microphone"])
            context.add_init_script(LIST_CONNECTIONS)
            page = context.new_page()
            page.set_default_timeout(90_000)
            page.goto(f"http://127.0.0.1:{port}/room?token={token}&test_login={s['cand'].user_id}")
            page.get_by_role("button", name="Join without recording").click()
            start_camera(page)
            wait_for(lambda: (v := own_video(page)) and v["ready"] >= 2 and v["w"] > 0 and v, 180,
                     "the camera to come back from the server")
            player = webrtc_frames(page)[0]
            assert player.evaluate(DROP_CONNECTION_JS)
            wait_for(lambda: (states := player.evaluate(PEER_CONNECTIONS_JS)) and states[-1] == "connected"
                     and len(states) > 1 and states, 120, "the camera to connect again")
            first = wait_for(lambda: (v := own_video(page)) and v["ready"] >= 2 and v["w"] > 0 and v, 60,
                             "the camera to come back from the server again")["t"]
            wait_for(lambda: (v := own_video(page)) and v["t"] > first + 2 and v, 60, "the camera to keep playing")
            assert player.evaluate(PEER_CONNECTIONS_JS) == ["disconnected", "connected"]   # started again once
            assert player.evaluate(LIVE_CAPTURES_JS) == 2                                 # one camera, one microphone
            player.get_by_role("button", name="Leave call").click()
            page.wait_for_timeout(5000)   # the camera stays off
            assert player.evaluate(PEER_CONNECTIONS_JS) == ["disconnected", "closed"]
            assert player.evaluate(LIVE_CAPTURES_JS) == 0
            assert player.get_by_role("button", name="Start camera").is_visible()
        finally:
            browser.close()


def test_a_blocked_camera_is_explained_with_how_to_allow_it(room_server):
    """The browser refuses the camera and microphone (as after pressing Block): the room says so and how to
    allow them in this browser, instead of the player silently returning to "Start camera"."""
    from playwright.sync_api import sync_playwright

    s, port = room_server["s"], room_server["port"]
    token = room_server["booked"].url.split("token=")[1]
    origin = f"http://127.0.0.1:{port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=[a for a in ARGS if a != "--use-fake-ui-for-media-stream"])
        try:
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(90_000)
            cdp = context.new_cdp_session(page)   # the state a person's "Block" leaves, for this context
            context_id = cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
            for name in ("camera", "microphone"):
                cdp.send("Browser.setPermission", {"permission": {"name": name}, "setting": "denied", "origin": origin,
                                                   "browserContextId": context_id})
            page.goto(f"{origin}/room?token={token}&test_login={s['cand'].user_id}")
            page.get_by_role("button", name="Join without recording").click()
            alert = page.get_by_text("Your browser blocks the camera and the microphone for this site")
            alert.wait_for()
            assert "In Chrome, click the camera icon" in alert.inner_text()
            player = page.frame_locator('iframe[src*="webrtc_streamer"]').first
            player.get_by_role("button", name="Start camera").click()
            page.wait_for_timeout(3000)
            assert alert.is_visible()
        finally:
            browser.close()
