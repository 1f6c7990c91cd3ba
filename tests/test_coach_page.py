"""The Streamlit Interview Coach page: coach not running, history and progress chart, role check."""
from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from engine import store
from engine.authz import Actor

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "coach.py")


def _candidate(db):
    now = store.utcnow()
    uid = store.insert_row(db, "users", {"email": "c@example.com", "password_hash": "x", "role": "candidate",
                                        "name": "Cand", "created_at": now, "updated_at": now})
    return Actor(uid, "candidate", name="Cand", email="c@example.com")


def _run(actor, monkeypatch):
    monkeypatch.setenv("COACH_URL", "http://127.0.0.1:9")       # nothing listens there
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["actor"] = actor
    return at.run()


def test_page_says_how_to_start_the_coach_and_shows_no_history_yet(db, monkeypatch):
    at = _run(_candidate(db), monkeypatch)
    assert not at.exception
    assert any("gradio_chat/app.py" in w.value for w in at.warning)
    assert any("No mock interviews yet" in i.value for i in at.info)


def test_page_shows_saved_reports(db, monkeypatch):
    me = _candidate(db)
    for score, day in ((40.0, "01"), (65.0, "02")):
        report = {"track": "HR round", "level": "mid", "overall": score, "answered": 1, "asked": 1,
                  "questions": [{"question": "Why us?", "score": score, "feedback": ["Missing: research."]}]}
        db.execute("INSERT INTO coach_sessions (user_id, track, level, score, report, started_at, finished_at) "
                   "VALUES (?, 'HR round', 'mid', ?, ?, ?, ?)",
                   [me.user_id, score, json.dumps(report), f"2026-11-{day}T10:00:00+00:00", f"2026-11-{day}T10:10:00+00:00"])
    at = _run(me, monkeypatch)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert [e.label for e in at.expander][0].endswith("65/100")


def test_page_is_for_candidates(db, monkeypatch):
    at = _run(Actor(5, "recruiter", 1), monkeypatch)
    assert any("candidate" in e.value for e in at.error)


def test_page_names_what_writes_the_answers(db, monkeypatch, tmp_path):
    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path))
    me = _candidate(db)
    at = _run(me, monkeypatch)   # no evaluation saved: retrieval answers
    (caption,) = [c.value for c in at.caption if "Answers" in c.value]
    assert "not the default" in caption and "trained on it." not in caption
    (tmp_path / "coach").mkdir(exist_ok=True)
    (tmp_path / "coach" / "eval.json").write_text(json.dumps({"best_mode": "retrieval+gpt"}))
    at = _run(me, monkeypatch)
    assert any("completed by a small GPT" in c.value for c in at.caption)


def test_running_coach_is_embedded_with_st_iframe(db, monkeypatch):
    import http.server
    import logging
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    warned = logging.Handler(logging.WARNING)
    warned.emit = lambda record: deprecations.append(record.getMessage())
    deprecations: list[str] = []
    streamlit_log = logging.getLogger("streamlit.deprecation_util")   # does not propagate to caplog
    streamlit_log.addHandler(warned)
    try:
        monkeypatch.setenv("COACH_URL", f"http://127.0.0.1:{server.server_port}")
        at = AppTest.from_file(PAGE, default_timeout=60)
        at.session_state["actor"] = _candidate(db)
        at.run()
    finally:
        streamlit_log.removeHandler(warned)
        server.shutdown()
        server.server_close()
    assert not at.exception
    (frame,) = at.get("iframe")
    assert frame.proto.src.startswith(f"http://127.0.0.1:{server.server_port}/?")
    assert deprecations == []   # st.components.v1.iframe was deprecated (removal date 2026-06-01)
