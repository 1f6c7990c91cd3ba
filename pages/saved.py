"""A candidate's saved jobs."""
import streamlit as st

from engine import jobs
from ui import job_widgets
from ui.session import db, require

actor = require("candidate")
conn = db()
st.title("Saved jobs")

saved = jobs.saved_jobs(conn, actor)
if not saved:
    st.info("You have not saved any jobs yet. Open a job and press **Save** to keep it here.")
    st.page_link("pages/jobs.py", label="Browse jobs", icon=":material/work:")
    st.stop()

st.caption(f"{len(saved)} saved job{'s' if len(saved) != 1 else ''}, newest first")
for job in saved:
    if job["status"] != "open":
        st.caption(f"“{job_widgets.plain_markdown(job['title'])}” is no longer open.")
    job_widgets.job_card(job, footer=lambda j: job_widgets.save_toggle(conn, actor, j, key_prefix="saved"))
