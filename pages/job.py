"""One job, from ?id=. Candidates can save it; the view is recorded for recommendations."""
import streamlit as st

from engine import jobs
from engine.authz import NotFound
from engine.occupations.jobs import occupations_of
from ui import job_widgets
from ui.apply_panel import apply_panel
from ui.recommendations import render_similar_jobs
from ui.session import current_actor, db
from ui.text import safe

actor = current_actor()  # guests may read jobs too
conn = db()


def back_to_jobs() -> None:
    st.page_link("pages/jobs.py", label="Browse all jobs", icon=":material/arrow_back:")


raw_id = str(st.query_params.get("id", "")).strip()
if not raw_id.isdigit():
    st.error("This link does not point to a job. Open a job from the job list.")
    back_to_jobs()
    st.stop()
try:
    job = jobs.get_job(conn, int(raw_id), actor)
except NotFound as exc:
    st.error(f"{exc} It may have been closed or removed.")
    back_to_jobs()
    st.stop()

if actor is not None and actor.is_candidate:
    viewed = st.session_state.setdefault("viewed_jobs", set())
    if job["id"] not in viewed:  # one 'view' per job per visit, not one per rerun
        jobs.record_event(conn, actor, job["id"], "view")
        viewed.add(job["id"])

back_to_jobs()
st.title(safe(job["title"]))
st.caption(" · ".join(safe(x) for x in (job["company"], job["location"], job["category"]) if x))
if (occupation := occupations_of(conn, [job["id"]]).get(job["id"])) is not None:
    st.page_link("pages/jobs.py", label=f"{job_widgets.occupation_text(occupation)}: all {occupation.title} jobs",
                 icon=":material/badge:", query_params={"occupation": occupation.code})
if job["status"] != "open":
    st.warning(f"This job is {job['status'].replace('_', ' ')} and not shown to candidates.")

main, side = st.columns([3, 1], gap="large")
with main:
    if job["required_skills"]:
        st.markdown(job_widgets.skill_badges(job["required_skills"], limit=30))
    for heading, field in (("About the job", "description"), ("Responsibilities", "responsibilities"),
                           ("Requirements", "requirements")):
        if (job.get(field) or "").strip():
            st.subheader(heading)
            st.markdown(safe(job[field]))  # imported text is shown, never interpreted

with side:
    with st.container(border=True):
        st.markdown(f"**{job_widgets.salary_text(job)}**")
        facts = {
            "Work mode": job_widgets.work_mode(job), "Employment": job.get("employment_type"),
            "Education": job.get("education_level"), "Posted": job.get("created_date"),
            "Apply by": job.get("deadline") or "Open until filled", "Contact": job.get("contact_email"),
        }
        st.markdown("  \n".join(f"{k}: **{safe(v)}**" for k, v in facts.items() if v))
        job_widgets.save_toggle(conn, actor, job, key_prefix="job_save")
        if actor is None:
            st.page_link("pages/sign_in.py", label="Sign in to save or apply", icon=":material/login:")
    with st.container():
        apply_panel(conn, actor, job)

render_similar_jobs(job)
