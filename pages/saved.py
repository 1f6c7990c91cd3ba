"""A candidate's saved jobs."""
import streamlit as st

from engine import jobs
from ui import job_widgets
from ui.hub import empty_state
from ui.session import db, require
from ui.text import safe

actor = require("candidate")
conn = db()
st.title("Saved jobs")

saved = jobs.saved_jobs(conn, actor)
if not saved:
    empty_state("You have not saved any jobs yet. Open a job and press **Save** to keep it here.",
                ("pages/jobs.py", "Browse jobs", ":material/work:"),
                ("pages/recommendations.py", "See your recommendations", ":material/recommend:"))
    st.stop()

st.caption(f"{len(saved)} saved job{'s' if len(saved) != 1 else ''}, newest first")
for job in saved:
    if job["status"] != "open":
        st.caption(f"“{safe(job['title'])}” is no longer open.")
    job_widgets.job_card(job, footer=lambda j: job_widgets.save_toggle(conn, actor, j, key_prefix="saved"))
