"""The Gradio coach: handlers called directly (bad input never raises), and a live server via gradio_client."""
from __future__ import annotations

import socket

import pytest

from tests.coach_helpers import bag_of_words_encode, use_mini_corpus
from tests.markdown_oracle import render


@pytest.fixture
def app(tmp_path, monkeypatch, data_dir):
    use_mini_corpus(tmp_path, monkeypatch)
    from gradio_chat import app as coach_app

    return coach_app


def test_empty_message_and_unstarted_interview_get_guidance(app):
    assert "Please type" in "".join(app.respond("   ", []))
    chat, session, _, report = app.answer_mock("an answer", [], None)
    assert session is None and "Start a mock interview first" in chat[-1]["content"] and report == ""
    chat, session, status = app.start_mock("Astronaut", "mid", 3)
    assert session is None and "Could not start" in status
    chat, session, status = app.start_mock(app.mock.JOB_TRACK, "mid", 3, job_choice=None, user_id=None)
    assert session is None and "jobs you applied to" in status


def test_corpus_and_model_text_shows_in_the_chat_as_written(app):
    reply = app.retrieval.Answer(
        "Use *args and **kwargs; __init__ runs after __new__.\n![p](http://host/track.png)",
        [{"id": "python-007", "question": "What are *args and **kwargs?", "topic": "python", "score": 0.7}],
        "retrieval", "The closest it has: “What does __init__ do?”")
    visible, targets = render(app.format_answer(reply))
    assert "Use *args and **kwargs; __init__ runs after __new__." in visible and "![p](http" in visible
    assert "What are *args and **kwargs? (python-007, similarity 0.70)" in visible
    assert "“What does __init__ do?”" in visible and targets == []


def test_a_mock_answer_shows_as_typed(app, monkeypatch):
    submit = app.mock.submit
    monkeypatch.setattr(app.mock, "submit", lambda session, text: submit(session, text, bag_of_words_encode))
    _, session, _ = app.start_mock("HR round", "junior", 2)
    typed = "__init__ sets up the instance; *args collects the rest. ![p](http://host/track.png)"
    chat, *_ = app.answer_mock(typed, [], session)
    visible, targets = render(chat[0]["content"])
    assert chat[0]["role"] == "user" and visible.replace("\u2060", "").strip() == typed and targets == []


def test_an_anonymous_visitor_is_not_identified(app):
    user, message, _ = app.identify(None)
    assert user is None and "not saved" in message


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_live_server_answers_and_runs_a_mock_interview(app):
    from gradio_client import Client

    demo = app.build_demo().queue()
    demo.launch(server_name="127.0.0.1", server_port=_free_port(), prevent_thread_lock=True, quiet=True)
    try:
        client = Client(demo.local_url, verbose=False)
        endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
        assert {"/respond", "/start_mock", "/answer_mock"} <= set(endpoints)
        reply = client.predict("How can I follow the status of my job application?", "retrieval", api_name="/respond")
        assert "My applications" in reply and "platform_help-001" in reply          # the paraphrase finds its source
        chat, status = client.predict("HR round", "junior", 2, None, api_name="/start_mock")
        assert status == "Question 1 of 2" and "Question 1 of 2" in str(chat[-1]["content"])
        # the session lives in the server-side state of this client's session
        chat, _, report = client.predict("I want to grow into a senior engineer and mentor others.", chat,
                                         api_name="/answer_mock")
        assert "Score:" in str(chat[-2]["content"]) and "Question 2 of 2" in str(chat[-1]["content"])
        chat, _, report = client.predict("", chat, api_name="/answer_mock")
        assert "Please type your answer" in str(chat[-1]["content"]) and report == ""
    finally:
        demo.close()


@pytest.mark.slow
def test_chat_command_prints_answer_and_sources_as_json(app, capsys):
    import json

    from engine.cli import main

    assert main(["chat", "What is the difference between a list and a tuple?", "--json", "--mode", "retrieval"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sources"][0]["id"] == "python-001" and "mutable" in out["answer"]
    assert main(["chat", "   ", "--json"]) == 2                     # a clear error, not a traceback
