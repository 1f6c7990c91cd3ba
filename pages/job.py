"""One job's page. Placeholder from the applications branch until accounts-ui's job page lands: when merging,
keep accounts-ui's page and keep the line marked "Apply" below."""
import streamlit as st

from engine.authz import NotFound
from engine.jobs import get_job
from ui.apply_panel import render_apply
from ui.session import current_actor
from ui.session import db as open_db

actor = current_actor()
raw = st.query_params.get("job", "")
try:
    job = get_job(open_db(), int(raw), actor)
except (ValueError, NotFound):
    st.error("There is no such job.")
    st.stop()
st.title(job["title"])
deadline = f" · apply by {job['deadline']}" if job["deadline"] else ""
st.caption(f"{job['company']} · {job['location']} · {job['category']}{deadline}")
st.write(job["description"])
render_apply(job, actor)  # Apply
