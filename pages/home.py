"""Landing page: what JobExpressway does and, for whoever is here, what to do next."""
import streamlit as st

from engine import accounts
from ui.recommendations import render_recommendations
from ui.session import current_actor, db

actor = current_actor()
conn = db()
summary = accounts.home_summary(conn, actor)

st.title("JobExpressway")
st.write("Find the right job, build a strong resume, practise interviews and follow every application to its end.")

if summary["open_jobs"] == 0:
    st.info("The job catalogue is empty. Load it with `python -m engine init` (generated jobs) "
            "or `python -m engine import-jobs FILE`, then reload this page.")

if actor is None:
    cols = st.columns(3)
    cols[0].metric("Open jobs", f"{summary['open_jobs']:,}")
    with cols[1].container(border=True):
        st.markdown("**Looking for a job?** Create a free account, add your skills and get matched.")
        st.page_link("pages/sign_in.py", label="Sign up or sign in", icon=":material/login:")
    with cols[2].container(border=True):
        st.markdown("**Hiring?** Register your company, request access, then post jobs and review applicants.")
        st.page_link("pages/sign_in.py", label="Register a company", icon=":material/domain:")
    st.page_link("pages/jobs.py", label="Browse all jobs without an account", icon=":material/work:")
    # SLOT home/guest — other areas add a one-line teaser here (e.g. the interview coach).

elif actor.is_candidate:
    st.subheader(f"Welcome back, {actor.name}")
    if summary["missing_profile_fields"]:
        st.warning("Complete your profile to get better job matches: add your "
                   + ", ".join(summary["missing_profile_fields"]) + ".")
        st.page_link("pages/profile.py", label="Edit my profile", icon=":material/person:")
    cols = st.columns(2)
    cols[0].metric("Open jobs", f"{summary['open_jobs']:,}")
    cols[1].metric("Saved jobs", summary["saved_jobs"])
    st.page_link("pages/jobs.py", label="Browse and search jobs", icon=":material/work:")
    st.page_link("pages/saved.py", label="My saved jobs", icon=":material/bookmark:")
    render_recommendations(actor)

elif actor.is_recruiter:
    st.subheader(f"Welcome back, {actor.name}")
    status = summary.get("access_status", "none")
    if status == "granted":
        st.success("Your company has access. You can use the permissions the admin granted.")
    elif status == "pending":
        st.info("Your access request is waiting for the admin. You will get a message when it is answered.")
    else:
        st.warning("Your company has no access yet. Send an access request from your profile page.")
    st.page_link("pages/profile.py", label="Company profile and access", icon=":material/domain:")
    st.metric("Your company's jobs", summary.get("company_jobs", 0))
    # SLOT home/recruiter — recruiter areas (job posting, applicants) add one-line links here.

elif actor.is_admin:
    st.subheader("Administration")
    cols = st.columns(2)
    cols[0].metric("Open jobs", f"{summary['open_jobs']:,}")
    cols[1].metric("Access requests waiting", summary["pending_requests"])
    st.page_link("pages/admin_companies.py", label="Review companies and access requests", icon=":material/domain:")
    # SLOT home/admin — other admin areas add one-line links here.
