"""Interviews: schedule (recruiters), upcoming with join links and answers, history with replay and decisions."""
from datetime import datetime, time, timedelta

import streamlit as st

from engine import config
from engine.applications import IllegalTransition
from engine.authz import AccessDenied, NotFound
from engine.meetings import schedule
from ui import meetings as room_ui
from ui.session import db, require
from ui.text import safe

actor = require("candidate", "recruiter", "admin")
conn = db()
st.title("Interviews")
staff = actor.role in ("recruiter", "admin")
tab_names = ["Upcoming", "Schedule", "History"] if staff else ["Upcoming", "History"]
tabs = dict(zip(tab_names, st.tabs(tab_names)))
STATUS = {"scheduled": "Awaiting the candidate's answer", "accepted": "Accepted by the candidate",
          "reschedule_requested": "Candidate asks for another time", "held": "Held", "cancelled": "Cancelled"}


EMAIL = {"queued": "invitation email queued", "sent": "invitation email sent", "failed": "invitation email failed"}


def decide(interview_id: int, decision: str) -> None:
    """The decision buttons' callback: it runs before the page is drawn, so that run shows the decision. (A
    st.rerun() after it, while the run was still going, replaced a page the recruiter clicked meanwhile:
    Streamlit merges the two requests and keeps the rerun's page; the recruiter journey lost its next menu
    click that way.)"""
    try:
        schedule.record_decision(db(), actor, interview_id, decision, st.session_state.get(f"decide{interview_id}_notes", ""))
    except (AccessDenied, NotFound, ValueError, IllegalTransition) as exc:
        st.session_state[f"decide{interview_id}_error"] = str(exc)


def who(interview: dict) -> str:
    return ", ".join(f"{safe(p['name'])} ({p['role']})" for p in interview["participants"])


def job_line(interview: dict) -> str:
    return f"{interview['job_title']} at {interview['company_name']}" if interview["job_title"] else "No application"


def queued_notice() -> str:
    if config.smtp_settings() is None:
        return "The invitation email is queued; no mail server is configured, so it stays in the outbox."
    return "The invitation email (with a calendar invite) is queued; Upcoming shows when it is sent."


with tabs["Upcoming"]:
    try:
        upcoming = schedule.upcoming(conn, actor)
    except (AccessDenied, NotFound) as exc:
        st.error(str(exc))
        upcoming = []
    if not upcoming:
        st.info("No upcoming interviews.")
    for iv in upcoming:
        with st.container(border=True):
            st.markdown(f"**{safe(iv['title'])}** · {iv['local_date']} {iv['local_time']} ({iv['timezone']}) · "
                        f"{iv['duration_min']} min")
            email = f" · {EMAIL[iv['invitation_email']]}" if iv.get("invitation_email") in EMAIL else ""
            st.caption(f"{job_line(iv)} · {STATUS.get(iv['status'], iv['status'])}{email} · {who(iv)} · "
                       f"room code {iv['room_code']}")
            if iv["candidate_response"] and iv["status"] == "reschedule_requested":
                st.write(f"Candidate's message: {safe(iv['candidate_response'])}")
            st.page_link("pages/room.py", label="Join the room", icon=":material/videocam:",
                         query_params={"code": iv["room_code"]})
            if actor.role == "candidate" and iv["status"] in ("scheduled", "reschedule_requested"):
                c1, c2 = st.columns([1, 2])
                if c1.button("Accept", key=f"accept{iv['id']}", type="primary"):
                    try:
                        schedule.respond(conn, actor, iv["id"], "accept")
                        st.rerun()
                    except (AccessDenied, NotFound, ValueError) as exc:
                        st.error(str(exc))
                with c2.form(f"resched{iv['id']}"):
                    msg = st.text_input("Ask for another time", placeholder="e.g. Friday after 14:00")
                    if st.form_submit_button("Send request"):
                        try:
                            schedule.respond(conn, actor, iv["id"], "request_new_time", msg)
                            st.success("The recruiter has your message.")
                        except (AccessDenied, NotFound, ValueError) as exc:
                            st.error(str(exc))

if "Schedule" in tabs:
    with tabs["Schedule"]:
        try:
            apps = schedule.schedulable_applications(conn, actor)
        except AccessDenied as exc:
            st.error(str(exc))
            apps = []
        if not apps:
            st.info("No shortlisted applications to schedule. Shortlist an applicant first.")
        else:
            ids = [a["id"] for a in apps]
            wanted = st.query_params.get("application")
            preselect = ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in ids else 0
            zones = schedule.time_zones()
            browser_tz = st.context.timezone if st.context.timezone in zones else "UTC"
            with st.form("schedule"):
                app_id = st.selectbox("Application", ids, index=preselect, format_func=lambda i: next(
                    f"{a['candidate_name']} — {a['job_title']} (#{a['id']})" for a in apps if a["id"] == i))
                c1, c2, c3 = st.columns(3)
                day = c1.date_input("Date", value=datetime.now().date() + timedelta(days=1))
                at = c2.time_input("Time", value=time(10, 0), step=timedelta(minutes=15))
                tz = c3.selectbox("Time zone", zones, index=zones.index(browser_tz))
                c4, c5 = st.columns([1, 3])
                duration = c4.number_input("Duration (min)", min_value=schedule.MIN_DURATION,
                                           max_value=schedule.MAX_DURATION, value=45, step=15)
                title = c5.text_input("Title", max_chars=200, placeholder="Empty: “<job title> interview”")
                allow = st.checkbox("Book even if it overlaps another of my interviews")
                submitted = st.form_submit_button("Schedule and send the invitation", type="primary")
            if submitted:
                try:
                    booked = schedule.schedule_interview(conn, actor, app_id, datetime.combine(day, at), tz,
                                                         int(duration), title, allow_overlap=allow)
                except schedule.OverlapWarning as warn:
                    st.warning(f"{safe(warn)} Tick “Book even if it overlaps” to book anyway.")   # names titles
                except (AccessDenied, NotFound, ValueError, IllegalTransition) as exc:
                    st.error(str(exc))
                else:
                    st.success(f"Scheduled “{safe(booked.interview['title'])}”. The candidate has a message in their "
                               f"inbox. {queued_notice()} Room code: {booked.interview['room_code']}")
                    st.code(booked.url, language=None)
                    if booked.conflicts:
                        st.warning(f"Booked over {len(booked.conflicts)} other interview(s).")

with tabs["History"]:
    try:
        past = schedule.history(conn, actor)
    except (AccessDenied, NotFound) as exc:
        st.error(str(exc))
        past = []
    if not past:
        st.info("No past interviews yet.")
    for iv in past:
        decision = {"offered": "Offered", "not_selected": "Not selected"}.get(iv["decision"], "No decision yet")
        with st.expander(f"{iv['local_date']} {iv['local_time']} · {safe(iv['title'])} · {decision}"):
            st.caption(f"{safe(job_line(iv))} · {iv['duration_min']} min ({iv['timezone']}) · {who(iv)} · "
                       f"{STATUS.get(iv['status'], iv['status'])}")
            room_ui.replay(conn, actor, iv)
            if staff and iv["notes"]:
                st.markdown(f"**Notes:** {safe(iv['notes'])}")
            if staff and iv["application_id"] and not iv["decision"]:
                with st.form(f"decide{iv['id']}"):
                    st.text_area("Notes", value=iv["notes"] or "", key=f"decide{iv['id']}_notes")
                    c1, c2 = st.columns(2)
                    c1.form_submit_button("Offer", type="primary", on_click=decide, args=(iv["id"], "offered"))
                    c2.form_submit_button("Not selected", on_click=decide, args=(iv["id"], "not_selected"))
                if problem := st.session_state.pop(f"decide{iv['id']}_error", None):
                    st.error(problem)
