"""Rooms across replicas in Debian chromium: two Streamlit servers (two processes, as behind nginx) on one
database. The recruiter is on server 1, the candidate on server 2: each sees the other's video, which
comes from the other server through the replica bridge (engine.meetings.bridge), and a code-pad edit on one
shows on the other. Runs in the PostgreSQL run (JOBEXPRESSWAY_TEST_POSTGRES, the deployment this is for)
and in the SQLite run (two processes on one SQLite file, which the bridge serves the same way).

Deadlines are generous: the test machine is small and busy, and each server relays, decodes and encodes
every stream in Python. The timings of each step are printed (pytest -s).
"""
from __future__ import annotations

import contextlib
import os
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from engine import store
from engine.meetings import schedule
from journey_helpers import ace_text, start_camera, streamlit_server, type_in_pad
from meetings_seed import seed
from test_meetings_browser import ARGS, CHROMIUM, describe, peer_video, wait_for

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.browser, pytest.mark.replicas,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Debian chromium"),
              pytest.mark.timeout(1500)]


@pytest.fixture
def two_replicas(data_dir, tmp_path):
    db = store.connect(data_dir)
    s = seed(db)
    booked = schedule.schedule_interview(db, s["rec"], s["app"], datetime.now() + timedelta(minutes=2), "UTC", 30,
                                         "Interview across replicas")
    env = dict(os.environ, JOBEXPRESSWAY_TEST_LOGIN="1", JOBEXPRESSWAY_DATA_DIR=str(data_dir),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    urls = []
    with contextlib.ExitStack() as stack:
        for n in (1, 2):
            folder = tmp_path / f"replica-{n}"
            folder.mkdir()
            urls.append(stack.enter_context(streamlit_server(
                data_dir, folder, {**env, "JOBEXPRESSWAY_REPLICA_ID": f"replica-{n}",
                                   "JOBEXPRESSWAY_RTC_LOG": str(folder / "rtc.log")},   # for a failure's story
                script=str(ROOT / "tests" / "browser_room_app.py"), log_path=folder / "streamlit.log")))
        yield {"db": db, "s": s, "booked": booked, "urls": urls}


def test_participants_on_two_replicas_see_each_other_and_share_the_pad(two_replicas, tmp_path):
    from playwright.sync_api import sync_playwright

    s, urls = two_replicas["s"], two_replicas["urls"]
    token = two_replicas["booked"].url.split("token=")[1]
    timings = {}
    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            pages = {}
            for who, url in (("rec", urls[0]), ("cand", urls[1])):
                page = browser.new_context(permissions=["camera", "microphone"]).new_page()
                page.set_default_timeout(120_000)
                page.goto(f"{url}/room?token={token}&test_login={s[who].user_id}")
                page.get_by_role("button", name="Join without recording").click()
                page.get_by_text("This interview may be recorded").wait_for(state="detached")
                pages[who] = page
            for page in pages.values():
                start_camera(page)
            timings["cameras started"] = time.monotonic() - started
            rows = wait_for(lambda: (r := list(two_replicas["db"].query(
                "SELECT replica_id FROM room_peers ORDER BY replica_id"))) and len(r) == 2 and r, 240,
                "both cameras to be published")
            assert [r["replica_id"] for r in rows] == ["replica-1", "replica-2"]
            for who, page in pages.items():
                try:
                    wait_for(lambda: (v := peer_video(page)) and v["ready"] >= 2 and v["w"] > 0 and v,
                             420, f"{who} to receive the other's video from the other server")
                except pytest.fail.Exception as exc:
                    pytest.fail(f"{exc} -- {describe(pages, tmp_path)}")
                timings[f"{who} sees the other"] = time.monotonic() - started
            for who, page in pages.items():   # both views are live at the same time
                first = peer_video(page)["t"]
                wait_for(lambda: (v := peer_video(page)) and v["t"] > first + 1.0 and v, 60,
                         f"{who}'s view of the other to keep playing", step=0.5)
            timings["both views playing"] = time.monotonic() - started

            marker = f"# replica-{uuid.uuid4().hex[:8]}"
            rec, cand = pages["rec"], pages["cand"]
            wait_for(lambda: "solve" in ace_text(cand), 120, "the candidate's pad to show the starter code")
            type_in_pad(rec, marker)
            edited = time.monotonic()
            wait_for(lambda: marker in ace_text(cand), 120, "the recruiter's edit to show on the candidate's pad")
            timings["pad edit seen on the other server"] = time.monotonic() - edited
            saved = store.one(two_replicas["db"], "SELECT code, updated_by FROM code_pads")
            assert marker in saved["code"] and saved["updated_by"] == s["rec"].user_id
        finally:
            print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
            browser.close()
