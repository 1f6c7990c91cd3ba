"""The product as `make cluster` runs it (scripts/cluster.sh: its own PostgreSQL, two Streamlit replicas, the
worker, nginx with cookie affinity), used in Debian chromium through nginx's port only, with the candidate's
browser on one replica and the recruiter's on the other:

- the candidate signs in, finds the job and applies with a PDF resume (the upload must reach the replica
  that holds the candidate's session);
- the recruiter, on the other replica, signs in, sees the application, downloads that PDF (written by the
  other replica into the shared data dir), moves the application to Shortlisted and schedules an interview
  in a room;
- both open the room from their Interviews page and start their (fake) camera: each sees the other's video
  playing (it crosses between the replicas through the replica bridge), and the candidate's code-pad edit
  shows on the recruiter's pad;
- every HTTP response each browser got came from its own replica (nginx's X-JobExpressway-Replica header),
  and each camera is published by the replica of that person (room_peers);
- Ctrl-C stops the cluster and leaves nothing running.

The coach is left out (CLUSTER_COACH=0): this journey does not use it. The seed (tests/meetings_seed.py) is
written into the cluster's PostgreSQL through the engine. Step timings are printed (pytest -s); a failure
prints what each page shows and saves screenshots in the test's tmp folder.
"""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from cluster_helpers import MISSING, MISSING_REASON, assert_stopped, cluster_env, cluster_run, free_ports, get
from engine import store
from engine.resume.render import render_pdf
from engine.resume.samples import sample_resume
from journey_helpers import (TIMEOUT_MS, ace_text, applicant_panel, join_room_from_interviews, move_applicant,
                             new_page, open_job_from_search, open_schedule_form, send_application,
                             sign_in_with_keyboard, start_camera, submit_schedule, type_in_pad)
from meetings_seed import PASSWORD, add_job, seed
from test_meetings_browser import ARGS, CHROMIUM, describe, peer_video, wait_for

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(MISSING, reason=MISSING_REASON),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Debian chromium"),
    pytest.mark.timeout(1500),   # generous: the cluster, two browsers and a relayed call on a busy 2-core machine
]
JOB_TITLE = "Streaming Data Engineer"
REPLICA_HEADER = "x-jobexpressway-replica"


def affinity_cookie(front: str, replica: str) -> str:
    """A jx_replica value that nginx sends to ``replica`` (host:port), found by asking nginx."""
    for i in range(200):
        value = f"journey-{i}"
        if get(f"{front}/_stcore/health", f"jx_replica={value}")[1][REPLICA_HEADER] == replica:
            return value
    pytest.fail(f"none of 200 jx_replica values reached {replica}")


def browser_on(browser, front: str, replica: str, served: Counter):
    """A person's browser whose requests nginx sends to ``replica``: the affinity cookie is set before the
    first page load, and every response's replica header is counted in ``served``."""
    page = new_page(browser)
    page.context.add_cookies([{"name": "jx_replica", "value": affinity_cookie(front, replica), "url": front}])

    def count(response) -> None:
        if response.url.startswith(front):
            served[response.headers.get(REPLICA_HEADER, "no header")] += 1

    page.context.on("response", count)
    return page


def test_candidate_and_recruiter_on_two_replicas_through_nginx(cluster_data, tmp_path, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    port, cand_port, rec_port, coach_port = free_ports(4)
    front = f"http://127.0.0.1:{port}"
    replica = {"cand": f"127.0.0.1:{cand_port}", "rec": f"127.0.0.1:{rec_port}"}
    started = time.monotonic()
    timings: dict[str, float] = {}

    def step(name: str) -> None:
        timings[name] = time.monotonic() - started
        print(f"{timings[name]:7.1f} s  {name}", flush=True)

    cv = render_pdf(sample_resume(), "classic")
    (tmp_path / "carl_cv.pdf").write_bytes(cv)
    with cluster_run(cluster_data, cluster_env(port, [cand_port, rec_port], coach_port, CLUSTER_COACH="0")) as cluster:
        step("cluster started")
        pids = cluster.pids()
        monkeypatch.setenv("DATABASE_URL", cluster.database_url())
        monkeypatch.setenv("JOBEXPRESSWAY_DATA_DIR", str(cluster_data))
        db = store.connect(cluster_data)
        assert store.is_postgres(db)
        s = seed(db)
        job_id = add_job(db, s, JOB_TITLE, location="London, United Kingdom", category="Data Engineering",
                         description="Build streaming pipelines with Kafka and Spark.",
                         required_skills='["Python", "Apache Kafka", "SQL"]')

        def application() -> dict | None:
            return store.one(db, "SELECT * FROM applications WHERE job_id = ? AND candidate_id = ?",
                             [job_id, s["cand"].user_id])

        served = {"cand": Counter(), "rec": Counter()}
        pages: dict = {}
        expect.set_options(timeout=TIMEOUT_MS)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                cand = pages["cand"] = browser_on(browser, front, replica["cand"], served["cand"])
                rec = pages["rec"] = browser_on(browser, front, replica["rec"], served["rec"])

                # the candidate signs in, finds the job and applies with a PDF
                sign_in_with_keyboard(cand, front, s["cand"].email, PASSWORD)
                expect(cand.get_by_text("Welcome back, Carl Candidate")).to_be_visible()
                step("candidate signed in")
                open_job_from_search(cand, "streaming data engineer", JOB_TITLE)
                expect(cand.get_by_role("radio", name="Upload a PDF")).to_be_checked()
                cand.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(tmp_path / "carl_cv.pdf"))
                expect(cand.get_by_text("carl_cv.pdf")).to_be_visible()
                send_application(cand, "Kafka and Spark are what I do every day.")
                applied = application()
                assert applied["status"] == "applied" and applied["resume_pdf_path"]
                assert (cluster_data / applied["resume_pdf_path"]).read_bytes() == cv
                step("candidate applied with a PDF")

                # the recruiter, on the other replica, reviews it, shortlists and schedules
                sign_in_with_keyboard(rec, front, s["rec"].email, PASSWORD)
                expect(rec.get_by_text("Welcome back, Rita Recruiter")).to_be_visible()
                step("recruiter signed in")
                rec.goto(f"{front}/recruiter?tab=applicants&job={job_id}")
                panel = applicant_panel(rec, applied["id"], "Carl Candidate")
                panel.locator("summary").first.click()
                expect(panel.get_by_text("Kafka and Spark are what I do every day.")).to_be_visible()
                with rec.expect_download() as download:
                    panel.get_by_role("button", name="Download resume (PDF)").click()
                assert Path(download.value.path()).read_bytes() == cv
                step("recruiter downloaded the PDF")
                status_of = lambda: application()["status"]   # noqa: E731
                move_applicant(rec, applied["id"], "Carl Candidate", "Under review", status_of)
                move_applicant(rec, applied["id"], "Carl Candidate", "Shortlisted", status_of)
                submit_schedule(rec, open_schedule_form(rec, front, applied["id"]))
                assert status_of() == "interview_scheduled"
                step("recruiter shortlisted and scheduled")

                # both in the room, each with their camera on
                for who in ("cand", "rec"):
                    join_room_from_interviews(pages[who], front)
                for who in ("cand", "rec"):
                    start_camera(pages[who])
                step("both cameras started")
                rows = wait_for(lambda: (r := list(db.query("SELECT user_id, replica_id FROM room_peers"))) and
                                len(r) == 2 and r, 240, "both cameras to be published")
                published = {r["user_id"]: r["replica_id"] for r in rows}
                assert published[s["cand"].user_id].endswith(f":{cand_port}")
                assert published[s["rec"].user_id].endswith(f":{rec_port}")
                for who, page in pages.items():
                    wait_for(lambda: (v := peer_video(page)) and v["ready"] >= 2 and v["w"] > 0 and v, 420,
                             f"{who} to receive the other's video from the other replica")
                    step(f"{who} sees the other")
                for who, page in pages.items():   # both views are live at the same time
                    first = peer_video(page)["t"]
                    wait_for(lambda: (v := peer_video(page)) and v["t"] > first + 1.0 and v, 60,
                             f"{who}'s view of the other to keep playing", step=0.5)
                step("both views playing")

                # the candidate's code-pad edit shows on the recruiter's pad
                wait_for(lambda: "solve" in ace_text(cand), 120, "the candidate's pad to show the starter code")
                marker = f"# from the candidate's replica {cand_port}"
                type_in_pad(cand, marker)
                wait_for(lambda: marker in ace_text(rec), 120, "the candidate's edit to show on the recruiter's pad")
                saved = store.one(db, "SELECT code, updated_by FROM code_pads")
                assert marker in saved["code"] and saved["updated_by"] == s["cand"].user_id
                step("pad edit seen on the other replica")
            except BaseException:
                try:
                    print(f"at {time.monotonic() - started:.0f} s: {describe(pages, tmp_path)}")
                except Exception as exc:   # the browser itself failed
                    print(f"no description of the pages: {exc!r}")
                for name in ("cand", "rec"):
                    log = cluster_data / "cluster" / f"streamlit-{replica[name].split(':')[1]}.log"
                    print(f"--- the end of {log}:\n{log.read_text()[-2000:] if log.exists() else '(none)'}")
                raise
            finally:
                browser.close()
                db.close()
        # every response each browser got came from its own replica (the websocket cannot be seen here; the
        # room_peers rows above show where each session's camera was)
        print(f"responses by replica: {served}")
        for who in ("cand", "rec"):
            assert set(served[who]) == {replica[who]} and served[who][replica[who]] > 20, served
        assert cluster.interrupt() == 130   # Ctrl-C
        step("Ctrl-C")
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    assert cluster.leftover.returncode == 0, cluster.leftover.stderr
    assert_stopped(cluster, pids, port)
