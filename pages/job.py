"""One job, from ?id=. Placeholder from the applications branch: at merge keep accounts-ui's page, whose
"SLOT job/apply" takes the one line marked "Apply" below."""
import streamlit as st

from engine.authz import NotFound
from engine.jobs import get_job
from ui import apply_panel
from ui.session import current_actor, db

actor = current_actor()
conn = db()
raw_id = str(st.query_params.get("id", "")).strip()
try:
    job = get_job(conn, int(raw_id), actor)
except (ValueError, NotFound):
    st.error("There is no such job.")
    st.stop()
st.title(job["title"])
deadline = f" · apply by {job['deadline']}" if job["deadline"] else ""
st.caption(f"{job['company']} · {job['location']} · {job['category']}{deadline}")
st.write(job["description"])
apply_area = st.container()
with apply_area: apply_panel.apply_panel(conn, actor, job)  # Apply
