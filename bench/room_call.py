"""A two-person interview call held for a while in Debian chromium with fake cameras -> artifacts/bench/room_call.json.

    .venv/bin/python bench/room_call.py [--seconds 120]

Starts the room's Streamlit app (the test entry tests/browser_room_app.py, on a throw-away data dir), lets a
recruiter and a candidate join, agree to recording and start their cameras, then samples every 5 s, in each
page, the frames decoded by every player (own camera back from the server, the other participant relayed)
and the server's UDP receive drops (`ss`). Reports, per stream, the frame rate over the held window and the
longest gap without a new frame, whether every call was still connected at the end, and the recordings.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required"]
# Remember every RTCPeerConnection a page creates, to read its statistics.
RECORD_PCS = ("(() => { const O = window.RTCPeerConnection; window.__pcs = [];"
              " window.RTCPeerConnection = function (...a) { const pc = new O(...a); window.__pcs.push(pc); return pc; };"
              " window.RTCPeerConnection.prototype = O.prototype; })()")
DECODED = """async () => { const out = [];
  for (const pc of (window.__pcs || [])) { if (pc.connectionState === 'new') continue;
    let n = null; (await pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') n = s.framesDecoded; });
    out.push({state: pc.connectionState, decoded: n}); }
  return out; }"""


def udp_drops(pid: int) -> int:
    out = subprocess.run(["ss", "-uamnp"], capture_output=True, text=True).stdout
    total, mine = 0, False
    for line in out.splitlines():
        if line.startswith(("UNCONN", "ESTAB")):
            mine = f"pid={pid}," in line
        elif mine:
            m = re.search(r"\bd(\d+)\)", line)
            total += int(m.group(1)) if m else 0
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    data = Path(tempfile.mkdtemp(prefix="room-call-"))
    os.environ["JOBEXPRESSWAY_DATA_DIR"] = str(data)
    from engine import config, store
    from engine.meetings import schedule
    from meetings_seed import seed

    db = store.connect(data)
    people = seed(db)
    booked = schedule.schedule_interview(db, people["rec"], people["app"], datetime.now() + timedelta(minutes=2),
                                         "UTC", 30, "Bench call")
    token = booked.url.split("token=")[1]
    from journey_helpers import free_port, running, streamlit_command

    port = free_port()
    env = dict(os.environ, JOBEXPRESSWAY_TEST_LOGIN="1", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    samples = []
    with running(streamlit_command(str(ROOT / "tests" / "browser_room_app.py"), port),
                 data / "streamlit.log", env, f"http://127.0.0.1:{port}/_stcore/health") as server:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            pages = {}
            for who in ("rec", "cand"):
                context = browser.new_context(permissions=["camera", "microphone"])
                context.add_init_script(RECORD_PCS)
                page = context.new_page()
                page.set_default_timeout(90_000)
                page.goto(f"http://127.0.0.1:{port}/room?token={token}&test_login={people[who].user_id}")
                pages[who] = page
            from test_meetings_browser import agree_and_start_camera, webrtc_frames

            for page in pages.values():
                agree_and_start_camera(page)
            start = time.monotonic()
            while time.monotonic() - start < args.seconds:
                row = {"t": round(time.monotonic() - start, 1), "server_udp_drops": udp_drops(server.pid)}
                for who, page in pages.items():
                    players = []
                    for frame in webrtc_frames(page):
                        try:
                            players.append(frame.evaluate(DECODED))
                        except Exception:
                            players.append([])
                    row[who] = players   # [own camera, other participant]: each a list of peer connections
                samples.append(row)
                print(json.dumps(row), flush=True)
                time.sleep(5)
            browser.close()

    def series(who: str, index: int) -> list[tuple[float, int]]:
        out = []
        for row in samples:
            players = row[who]
            if len(players) > index:
                decoded = [pc["decoded"] for pc in players[index] if pc.get("decoded") is not None]
                if decoded:
                    out.append((row["t"], max(decoded)))
        return out

    streams = {}
    for who in ("rec", "cand"):
        for index, name in ((0, "own camera via server"), (1, "other participant")):
            points = series(who, index)
            if len(points) < 2:
                streams[f"{who}: {name}"] = {"fps": 0.0, "seen_from_s": None}
                continue
            (t0, n0), (t1, n1) = points[0], points[-1]
            gaps, since = [], t0
            for (ta, na), (tb, nb) in zip(points, points[1:]):
                since = tb if nb > na else since
                gaps.append(tb - since)
            streams[f"{who}: {name}"] = {"fps": round((n1 - n0) / max(t1 - t0, 1e-9), 1), "seen_from_s": t0,
                                         "until_s": t1, "longest_stall_s": round(max(gaps), 1)}
    last = samples[-1] if samples else {}
    connected = all(pc["state"] == "connected" for who in ("rec", "cand") for player in last.get(who, [])
                    for pc in player)
    recordings = list(db.query("SELECT path, status, duration_s FROM recordings"))
    result = {"seconds": args.seconds, "streams": streams, "all_connected_at_end": connected,
              "server_udp_drops": last.get("server_udp_drops"), "recordings_started": len(recordings),
              "load_avg_1min": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}
    folder = config.artifacts_dir() / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "room_call.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
