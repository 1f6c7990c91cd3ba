"""Mock interviews: question selection, scoring (meaning, key points, STAR), the session, saved history."""
from __future__ import annotations

import pytest

from engine import store
from engine.authz import AccessDenied, Actor, NotFound
from engine.coach import mock, sessions
from engine.coach.corpus import load_corpus
from tests.coach_helpers import bag_of_words_encode as fake_encode
from tests.coach_helpers import use_mini_corpus
from tests.markdown_oracle import render


@pytest.fixture
def pairs(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    return load_corpus().pairs


def _pair(pairs, pair_id):
    return next(p for p in pairs if p.id == pair_id)


def test_tracks_pick_questions_from_their_topics_round_robin(pairs):
    qs = mock.select_questions(pairs, "Data analyst", "mid", 4, seed=1)
    assert len(qs) == 4 and {q.topic for q in qs} == {"data_analysis", "sql_databases", "python", "behavioural"}
    assert len({q.id for q in qs}) == 4
    assert mock.select_questions(pairs, "HR round", "junior", 50)[-1].topic == "hr"   # capped, no repeats
    with pytest.raises(ValueError, match="unknown track"):
        mock.select_questions(pairs, "Astronaut", "mid", 3)
    with pytest.raises(ValueError, match="level"):
        mock.select_questions(pairs, "HR round", "guru", 3)


def test_levels_come_from_the_corpus_or_answer_length(pairs):
    p = pairs[0]
    assert mock.level_of(type(p)(**{**p.to_dict(), "key_points": (), "difficulty": "senior"}), pairs) == "senior"
    levels = {mock.level_of(q, pairs) for q in pairs if q.topic == "python"}
    assert levels == {"junior", "mid", "senior"}      # three python pairs, ranked by answer length


def test_a_good_answer_beats_a_bad_one_and_missing_points_are_named(pairs):
    pair = _pair(pairs, "python-001")   # list vs tuple
    good = mock.score_answer(pair, "A list is mutable, so you can add and change items, while a tuple is "
                                   "immutable and can be used as a dictionary key. Use lists for collections "
                                   "that grow and tuples for fixed records.", fake_encode)
    bad = mock.score_answer(pair, "I would use a for loop and print the values to the screen.", fake_encode)
    assert good.score > bad.score + 30
    assert "list is mutable" in good.covered and not bad.covered
    assert any("Missing" in f for f in bad.feedback)
    empty = mock.score_answer(pair, "  ", fake_encode)
    assert empty.score == 0 and empty.missing == list(pair.key_points)


def test_star_structure_is_detected():
    full = mock.star_parts("In my last role our releases kept failing. My task was to fix the pipeline. "
                           "I decided to add tests and automated the deploy. As a result failures dropped by 80%.")
    assert full == {"situation": True, "task": True, "action": True, "result": True}
    partial = mock.star_parts("I am a hard worker and I like teamwork.")
    assert partial["result"] is False and partial["situation"] is False


def test_behavioural_answers_without_star_lose_points_and_say_so(pairs):
    pair = _pair(pairs, "behavioural-001")
    star = mock.score_answer(pair, "In my last role two developers disagreed about the database design. My task "
                                   "was to reach a decision. I met each one and organised a meeting to compare "
                                   "the designs. As a result we delivered on time and both felt heard.", fake_encode)
    flat = mock.score_answer(pair, "Conflict is bad. Developers should agree on database design and feel heard "
                                   "and deliver on time with a good decision.", fake_encode)
    assert star.star == {"situation": True, "task": True, "action": True, "result": True}
    assert star.score > flat.score
    assert any("STAR" in f for f in flat.feedback)


def test_session_runs_question_by_question_to_a_report(pairs):
    session = mock.start(pairs, "HR round", "mid", 3, seed=0)
    assert session.progress == "Question 1 of 3" and not session.done
    first = session.current
    mock.submit(session, first.answer, fake_encode)                 # the reference itself scores high
    assert session.results[0].score > 80 and session.current is not first
    mock.submit(session, "no idea", fake_encode)
    mock.submit(session, "", fake_encode)
    assert session.done and session.finished_at
    with pytest.raises(ValueError, match="finished"):
        mock.submit(session, "more", fake_encode)
    rep = mock.report(session)
    assert rep["answered"] == 3 and rep["overall"] == pytest.approx(sum(r.score for r in session.results) / 3, abs=0.1)
    visible, _ = render(mock.report_markdown(rep))
    assert "Mock interview report" in visible and first.question in visible


def test_the_report_shows_python_names_as_written_not_as_bold_text():
    rep = {"overall": 55.0, "track": "Python developer", "level": "mid", "answered": 1, "asked": 1,
           "questions": [{"question": "What is the difference between __str__ and __repr__?", "score": 55.0,
                          "feedback": ["Missing: *args; **kwargs; __init__.", "![p](http://host/track.png)"]}]}
    visible, targets = render(mock.report_markdown(rep))
    assert "1. What is the difference between __str__ and __repr__? — 55/100" in visible
    assert "Missing: *args; **kwargs; __init__." in visible and "![p](http" in visible and targets == []


def _candidate(db, email="c@example.com"):
    now = store.utcnow()
    uid = store.insert_row(db, "users", {"email": email, "password_hash": "x", "role": "candidate", "name": "Cand",
                                        "created_at": now, "updated_at": now})
    return Actor(uid, "candidate", name="Cand", email=email)


def test_reports_are_saved_per_candidate_and_private(pairs, db):
    me, other = _candidate(db), _candidate(db, "o@example.com")
    session = mock.start(pairs, "Behavioural", "mid", 2, seed=0)
    with pytest.raises(ValueError, match="at least one"):
        sessions.save_report(db, me, session)
    for q in list(session.questions):
        mock.submit(session, q.answer, fake_encode)
    sid = sessions.save_report(db, me, session)
    rows = sessions.history(db, me)
    assert [r["id"] for r in rows] == [sid] and rows[0]["score"] == mock.report(session)["overall"]
    assert sessions.get_report(db, me, sid)["answered"] == 2
    assert sessions.history(db, other) == []
    with pytest.raises(NotFound):
        sessions.get_report(db, other, sid)
    with pytest.raises(AccessDenied):
        sessions.history(db, Actor(99, "recruiter", 1))
    assert sessions.actor_for_user(db, me.user_id) == me


def test_a_job_interview_picks_questions_close_to_the_job(pairs, db):
    me = _candidate(db)
    now = store.utcnow()
    job_id = store.insert_row(db, "jobs", {"title": "SQL developer", "category": "IT", "created_date": "2026-01-01",
                                           "required_skills": ["SQL", "inner join", "left join"], "updated_at": now})
    db.execute("INSERT INTO applications (job_id, candidate_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
               [job_id, me.user_id, now, now])
    (job,) = sessions.applied_jobs(db, me)
    assert job["required_skills"] == ["SQL", "inner join", "left join"]
    session = mock.start(pairs, mock.JOB_TRACK, "mid", 3, job=job, encode=fake_encode)
    assert session.job_id == job_id and len(session.questions) == 3
    assert session.questions[0].topic == "sql_databases" and session.questions[-1].topic == "behavioural"
    with pytest.raises(ValueError, match="jobs you applied"):
        mock.start(pairs, mock.JOB_TRACK, "mid", 3)


@pytest.mark.slow
def test_real_encoder_scores_a_paraphrase_above_an_off_topic_answer(pairs):
    pair = _pair(pairs, "machine_learning-001")   # overfitting
    good = mock.score_answer(pair, "Overfitting is when the model memorises noise in the training set, so it "
                                   "does badly on new data; you see validation error going up while training error "
                                   "falls. Regularisation, dropout, early stopping and more data help.")
    bad = mock.score_answer(pair, "I enjoy hiking and cooking Italian food at the weekend.")
    assert good.similarity > 0.6 > bad.similarity
    assert good.score > 70 > 30 > bad.score


def _unrelated_encode(texts):
    """Every text on its own axis: no meaning overlap, so only the words decide which key points count."""
    import numpy as np

    return np.eye(len(texts), dtype=np.float32)


@pytest.mark.parametrize("word, other", [("adding", "add"), ("added", "adds"), ("behaviours", "behavior"), ("colour", "colors"),
                                         ("using", "use"), ("queries", "query"), ("classes", "class"),
                                         ("wrapping", "wraps"), ("running", "run")])
def test_inflections_share_a_stem(word, other):
    assert mock.stem(word) == mock.stem(other)


@pytest.mark.parametrize("word, other", [("class", "clasp"), ("status", "state"), ("functools", "function"), ("cache", "catch")])
def test_different_words_keep_different_stems(word, other):
    assert mock.stem(word) != mock.stem(other)


def test_an_inflected_key_point_counts_as_covered():
    from engine.coach.corpus import QAPair

    pair = QAPair(id="python-008", topic="python", question="What is a decorator in Python?",
                  answer="A decorator wraps a function to add behaviour.", key_points=["add behaviour", "functools.wraps"])
    result = mock.score_answer(pair, "A decorator is a function wrapping another one and adding behaviour, "
                                     "like logging, around each call without changing its code.", _unrelated_encode)
    assert result.covered == ["add behaviour"] and result.missing == ["functools.wraps"]
    assert not any("add behaviour" in line for line in result.feedback)
