"""Landing page."""
import streamlit as st

st.title("JobExpressway")
st.write("Find the right job, build a strong resume, practise interviews and follow every application to its end.")

# --- recommendations (recsys) ---
from ui.recommendations import render_recommendations  # noqa: E402
from ui.session import current_actor  # noqa: E402

if (_actor := current_actor()) is not None and _actor.is_candidate:
    render_recommendations(_actor)
