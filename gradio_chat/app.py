"""JobExpressway Interview Coach: a Gradio app with two modes.

- Ask the coach: a streaming chat; answers come from the coach (retrieval, GPT or both) with their sources.
- Mock interview: pick a track and level (or a job you applied to); answer N questions one at a time; each
  answer is scored with feedback, and a final report is saved to your history when you came signed in.

Run alone with `python gradio_chat/app.py` (http://127.0.0.1:7860). The handlers are plain module-level
functions, testable without a browser; `build_demo()` wires them into Blocks.
"""
from __future__ import annotations

import os
import sys
from contextlib import closing
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # the engine package beside this folder

import gradio as gr  # noqa: E402

from engine import store  # noqa: E402
from engine.coach import identity, mock, retrieval, sessions  # noqa: E402
from engine.markdown import safe  # noqa: E402

MODES = ["auto", "retrieval", "retrieval+gpt", "gpt"]
LEVEL_CHOICES = list(mock.LEVELS)
TRACK_CHOICES = [*mock.TRACKS, mock.JOB_TRACK]


# --- Ask the coach -----------------------------------------------------------------------------------------------
# Corpus text, model output and what people type are shown literally (`safe`): "__init__" and "*args" in
# Python answers would otherwise turn bold or italic.
def format_answer(reply: retrieval.Answer) -> str:
    parts = []
    if reply.notice:
        parts.append(f"_{safe(reply.notice)}_\n")
    parts.append(safe(reply.text))
    if reply.sources:
        parts.append("\n\n**Sources** (closest questions in the coach's corpus):")
        parts += [f"\n- {safe(s['question'])} (`{s['id']}`, similarity {s['score']:.2f})" for s in reply.sources]
    parts.append(f"\n\n<sub>mode: {reply.mode}</sub>")
    return "".join(parts)


def respond(message, history=None, mode: str = "auto"):
    """The chat handler: yields the growing answer as Markdown. Never raises."""
    text = message.get("text", "") if isinstance(message, dict) else str(message or "")
    try:
        for reply in retrieval.answer_stream(text, mode or "auto"):
            yield format_answer(reply)
    except Exception as exc:  # the chat must keep working whatever happens underneath
        yield f"Sorry, the coach could not answer that ({type(exc).__name__}: {safe(exc)})."


# --- identity ------------------------------------------------------------------------------------------------------
def identify(request: gr.Request = None):
    """On page load: the signed link's user (when valid) and the jobs they applied to."""
    params = dict(request.query_params) if request is not None else {}
    user_id = identity.verify(params)
    if user_id is None:
        return None, "Anonymous practice: reports are not saved. Open the coach from JobExpressway to keep a history.", gr.update(choices=[], value=None)
    with closing(store.connect()) as db:   # closed each time: a PostgreSQL connection is a server's resource
        actor = sessions.actor_for_user(db, user_id)
        if actor is None or not actor.is_candidate:
            return None, "Reports are saved for candidate accounts only.", gr.update(choices=[], value=None)
        jobs = [f"{j['id']}: {j['title']} — {j['company']}" for j in sessions.applied_jobs(db, actor)]
    return user_id, f"Signed in as {safe(actor.name or actor.email)}: your mock-interview reports are saved.", gr.update(choices=jobs, value=jobs[0] if jobs else None)


# --- Mock interview -------------------------------------------------------------------------------------------
def _job_for(user_id, job_choice):
    if not user_id or not job_choice:
        raise ValueError("Open the coach from JobExpressway, signed in, and pick one of the jobs you applied to.")
    job_id = int(str(job_choice).split(":", 1)[0])
    with closing(store.connect()) as db:
        jobs = {j["id"]: j for j in sessions.applied_jobs(db, sessions.actor_for_user(db, user_id))}
    if job_id not in jobs:
        raise ValueError("That job is not one you applied to.")
    return jobs[job_id]


def start_mock(track, level, n, job_choice=None, user_id=None):
    """Returns (chat messages, session, status)."""
    try:
        corpus = retrieval.default_corpus()
        job = _job_for(user_id, job_choice) if track == mock.JOB_TRACK else None
        session = mock.start(corpus.pairs, track, level or "mid", int(n or 5), job=job)
    except Exception as exc:
        return [], None, f"Could not start: {safe(exc)}"
    intro = f"Mock interview: **{safe(session.track)}**, {safe(session.level)} level, {len(session.questions)} questions. Answer in your own words; I score each answer."
    return ([{"role": "assistant", "content": intro},
             {"role": "assistant", "content": f"**{session.progress}:** {safe(session.current.question)}"}], session, session.progress)


def answer_mock(answer, chat, session, user_id=None):
    """Scores one answer; returns (chat messages, session, cleared textbox, report Markdown)."""
    chat = list(chat or [])
    if session is None or session.done:
        chat.append({"role": "assistant", "content": "Start a mock interview first (pick a track and press Start)."})
        return chat, session, "", ""
    text, notice = retrieval.clean_message(answer)
    if not text:
        chat.append({"role": "assistant", "content": "Please type your answer (or a few words if you don't know)."})
        return chat, session, answer or "", ""
    chat.append({"role": "user", "content": safe(text)})
    try:
        result = mock.submit(session, text)
    except Exception as exc:
        chat.append({"role": "assistant", "content": f"Sorry, scoring failed ({safe(exc)})."})
        return chat, session, "", ""
    note = f"_{safe(notice)}_\n\n" if notice else ""
    feedback = "\n".join(f"- {safe(f)}" for f in result.feedback)
    chat.append({"role": "assistant", "content": f"{note}**Score: {result.score:.0f}/100**\n{feedback}"})
    if not session.done:
        chat.append({"role": "assistant", "content": f"**{session.progress}:** {safe(session.current.question)}"})
        return chat, session, "", ""
    rep = mock.report(session)
    saved = ""
    if user_id:
        try:
            with closing(store.connect()) as db:
                sessions.save_report(db, sessions.actor_for_user(db, user_id), session)
            saved = "\n\n_Saved to your history on JobExpressway._"
        except Exception as exc:
            saved = f"\n\n_Could not save the report: {safe(exc)}_"
    chat.append({"role": "assistant", "content": f"Done! Overall score **{rep['overall']:.0f}/100**. The full report is below."})
    return chat, session, "", mock.report_markdown(rep) + saved


# --- the app -----------------------------------------------------------------------------------------------------
def build_demo() -> gr.Blocks:
    with gr.Blocks(title="JobExpressway Interview Coach") as demo:
        user_state = gr.State(None)
        gr.Markdown("## JobExpressway Interview Coach")
        who = gr.Markdown()
        with gr.Tab("Ask the coach"):
            mode = gr.Dropdown(MODES, value="auto", label="Answer from",
                               info="auto = the mode that scored best on held-out questions")
            gr.ChatInterface(respond, additional_inputs=[mode], api_name="respond",
                             examples=[["How do I answer 'tell me about yourself'?", "auto"],
                                       ["What is a Python decorator?", "auto"],
                                       ["How do I track my application?", "auto"]])
        with gr.Tab("Mock interview"):
            session_state = gr.State(None)
            with gr.Row():
                track = gr.Dropdown(TRACK_CHOICES, value="Python developer", label="Track")
                level = gr.Dropdown(LEVEL_CHOICES, value="mid", label="Level")
                n = gr.Slider(1, mock.MAX_QUESTIONS, value=5, step=1, label="Questions")
                job = gr.Dropdown([], label="Job you applied to (for that track)", allow_custom_value=False)
            start = gr.Button("Start", variant="primary")
            status = gr.Markdown()
            chat = gr.Chatbot(label="Interview", height=420)
            answer = gr.Textbox(label="Your answer", lines=4, placeholder="Type your answer and press Submit")
            submit = gr.Button("Submit answer")
            report_md = gr.Markdown()
            start.click(start_mock, [track, level, n, job, user_state], [chat, session_state, status], api_name="start_mock")
            submit.click(answer_mock, [answer, chat, session_state, user_state], [chat, session_state, answer, report_md],
                         api_name="answer_mock")
        demo.load(identify, None, [user_state, who, job], api_name=False)
    return demo


def launch(port: int = 7860, **kw):
    return build_demo().queue().launch(server_name="127.0.0.1", server_port=port, **kw)


if __name__ == "__main__":
    launch(port=int(os.environ.get("COACH_PORT", "7860")))
