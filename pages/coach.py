"""Interview Coach: the Gradio coach embedded (signed link, so reports go to your history) and your progress."""
import streamlit as st

from engine import config
from engine.coach import identity, retrieval, service
from ui.coach import show_history
from ui.session import db, require

actor = require("candidate")
st.title("Interview Coach")
st.caption("Ask interview questions, or take a mock interview with scores and feedback. " + retrieval.answer_source())

url = config.coach_url()
if service.is_reachable(url):
    try:
        signed = identity.signed_query(actor.user_id)
    except identity.SecretUnusable as exc:   # anonymous coach rather than a link anyone could forge
        st.warning(f"{exc} Until then the coach works without saving your reports.")
        signed = ""
    st.iframe(f"{url}/?{signed}", height=900)
    st.caption(f"Coach served from {url}.")
else:
    st.warning(f"The coach app is not running at {url}. Start it with `{service.START_COMMAND}`.")

try:
    show_history(db(), actor)
except Exception as exc:  # a page never crashes
    st.error(f"Could not load your mock-interview history: {exc}")
