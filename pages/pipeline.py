"""Pipeline dashboards (Plotly): funnel by stage, applications over time, time in each stage, conversion per
job. A recruiter sees their own company; the admin sees every company or one."""
import plotly.express as px
import streamlit as st

from engine import pipeline
from engine import recruiting as R
from engine.authz import AccessDenied, NotFound
from ui.hub import empty_state
from ui.session import db as open_db
from ui.session import require

actor = require("recruiter", "admin")
db = open_db()
st.title("Hiring pipeline")
company_id = None
if actor.is_admin:
    companies = R.companies_with_jobs(db, actor)
    picked = st.selectbox("Company", [None, *companies], format_func=lambda c: "All companies" if c is None else c["name"])
    company_id = picked["id"] if picked else None
freq = st.segmented_control("Period", ["D", "W"], default="D", format_func={"D": "Daily", "W": "Weekly"}.get) or "D"
try:
    figures = pipeline.dashboard(db, actor, company_id, freq=freq)
except (AccessDenied, NotFound) as exc:
    st.error(str(exc))
    st.stop()

funnel = figures["funnel"]
total = int(funnel["count"].iloc[0])
status = figures["status"].set_index("status")["count"]
c1, c2, c3, c4 = st.columns(4)
c1.metric("Applications", total)
c2.metric("In progress", int(status[["applied", "under_review", "accepted", "interview_scheduled", "interviewed"]].sum()))
c3.metric("Offers", int(status["offered"]))
c4.metric("Offer rate", f"{(status['offered'] / total * 100) if total else 0:.1f}%")
if total == 0:
    empty_state("No applications yet: the charts fill in as candidates apply. Post a job to start receiving them.",
                ("pages/recruiter.py", "Recruiter dashboard", ":material/dashboard:"))
    st.stop()

left, right = st.columns(2)
with left:
    st.subheader("Funnel by stage")
    st.plotly_chart(px.funnel(funnel, x="count", y="label"), width="stretch")
with right:
    st.subheader("Applications over time")
    st.plotly_chart(px.bar(figures["over_time"], x="period", y="applications"), width="stretch")
left, right = st.columns(2)
with left:
    st.subheader("Time spent in each stage")
    stays = figures["time_in_stage"]
    if stays.empty:
        st.caption("No application has left a stage yet.")
    else:
        st.plotly_chart(px.bar(stays, x="label", y=["mean_hours", "median_hours"], barmode="group",
                               labels={"value": "hours", "label": "stage"}), width="stretch")
with right:
    st.subheader("Where applications are now")
    now = figures["status"][figures["status"]["count"] > 0]
    st.plotly_chart(px.pie(now, names="label", values="count", hole=0.4), width="stretch")
st.subheader("Conversion per job")
conv = figures["conversion"]
# one bar group per job id: job_label names same-titled jobs apart (company, location or id)
st.plotly_chart(px.bar(conv.head(20), x="job_label", y=["applicants", "shortlisted", "interviewed", "offered"],
                       barmode="group", labels={"value": "applications", "job_label": "job"}), width="stretch")
st.dataframe(conv.drop(columns=["job_title"]), hide_index=True, width="stretch",
             column_config={"job_label": "job"})
