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
    uid = db.execute("INSERT INTO users (email, password_hash, role, name, created_at, updated_at) "
                     "VALUES ('c@example.com', 'x', 'candidate', 'Cand', ?, ?)", [now, now]).lastrowid
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
