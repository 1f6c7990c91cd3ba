"""Candidate: my applications with their timelines, my application history, my inbox (invitations, letters)."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import streamlit as st

from engine import applications as A
from engine import transparency
from engine.authz import AccessDenied, NotFound
from ui.accountability import ai_notice, fit_explanation
from ui.hub import empty_state
from ui.session import db as open_db
from ui.session import require
from ui.text import safe



def local_time(iso_utc: str, zone: str | None) -> datetime:
    when = datetime.fromisoformat(iso_utc)
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    try:
        return when.astimezone(ZoneInfo(zone or "UTC"))
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        return when


actor = require("candidate")
st.title("My applications")
db = open_db()
try:
    apps = A.list_for_candidate(db, actor)
    messages = A.inbox(db, actor)
except (AccessDenied, NotFound) as exc:
    st.error(str(exc))
    st.stop()

focus = st.query_params.get("application")
unread = sum(1 for m in messages if not m["read_at"])
tab_apps, tab_history, tab_inbox = st.tabs(["Applications", "History", f"Inbox ({unread} new)" if unread else "Inbox"])

with tab_apps:
    ai_notice()
    if not apps:
        empty_state("No applications yet. Find a job you like and press **Apply** on its page; its status and "
                    "every message about it will show up here.",
                    ("pages/recommendations.py", "See your recommendations", ":material/recommend:"),
                    ("pages/jobs.py", "Browse jobs", ":material/work:"),
                    ("pages/resume_builder.py", "Build a resume first", ":material/description:"))
    for app in apps:
        title = f"{safe(app['job_title'])} — {safe(app['company_name'])} · {app['status_label']}"
        with st.expander(title, expanded=str(app["id"]) == focus or len(apps) == 1):
            st.caption(f"Applied on {app['created_at'][:10]} · application #{app['id']}")
            if not app["reviewed_here"] and app["status"] in A.OPEN_STATUSES:
                st.info(A.not_reviewed_note(app["company_name"]), icon=":material/info:")
            for step in app["timeline"]:
                st.markdown(f"- **{step['label']}** — {step['at'][:16].replace('T', ' ')} UTC · by {safe(step['by'])}")
            if st.toggle("Show how the AI ranking reads this application", key=f"fit_{app['id']}"):
                try:
                    fit_explanation(transparency.my_fit(db, actor, app["id"]))
                except (AccessDenied, NotFound) as exc:
                    st.error(str(exc))
                except Exception as exc:  # noqa: BLE001 - the explanation is a help, never a reason to crash the page
                    st.caption(f"The fit explanation is unavailable right now ({type(exc).__name__}).")
            if app["status"] in A.OPEN_STATUSES:
                confirm = st.checkbox("I want to withdraw this application", key=f"confirm_withdraw_{app['id']}")
                if st.button("Withdraw", key=f"withdraw_{app['id']}", disabled=not confirm):
                    try:
                        A.withdraw(db, actor, app["id"])
                    except (A.IllegalTransition, AccessDenied, NotFound) as exc:
                        st.error(str(exc))
                    else:
                        st.success("Your application was withdrawn.")
                        st.rerun()

with tab_history:
    if apps:
        st.dataframe(pd.DataFrame([{
            "Job title": a["job_title"], "Company": a["company_name"], "Date applied": a["created_at"][:10],
            "Status": a["status_label"], "Last change": a["updated_at"][:10],
        } for a in apps]), hide_index=True, width="stretch")
    else:
        st.caption("No applications yet.")

with tab_inbox:
    if not messages:
        st.caption("Your inbox is empty. Messages about your applications, interview invitations and letters arrive here.")
    for msg in messages:
        icon = {"interview_invitation": ":material/event:", "offer": ":material/celebration:",
                "thank_you": ":material/mail:", "rejection": ":material/mail:"}.get(msg["kind"], ":material/notifications:")
        new = "" if msg["read_at"] else " · **new**"
        with st.expander(safe(msg["subject"]), icon=icon, expanded=not msg["read_at"] and msg["kind"] != "application"):
            st.caption(f"{msg['created_at'][:16].replace('T', ' ')} UTC{new}")
            if msg["interview_starts_at"]:
                when = local_time(msg["interview_starts_at"], msg["interview_timezone"])
                st.markdown(f"**Date:** {when:%A %d %B %Y} · **Time:** {when:%H:%M} ({msg['interview_timezone']}) · "
                            f"**Length:** {msg['interview_duration_min']} min")
            st.text(msg["body"])
            if msg["link"]:
                label = "Join the interview room" if msg["kind"] == "interview_invitation" else "Open"
                st.link_button(label, msg["link"])
            if msg["attachment_path"]:
                try:
                    name, data = A.message_attachment(db, actor, msg["id"])
                    label = "Download offer letter (PDF)" if msg["kind"] == "offer" else "Download letter (PDF)"
                    st.download_button(label, data, file_name=name, mime="application/pdf", key=f"att_{msg['id']}",
                                       on_click="ignore")
                except (NotFound, OSError):
                    st.warning("The attached letter could not be found.")
            if not msg["read_at"] and st.button("Mark as read", key=f"read_{msg['id']}"):
                A.mark_read(db, actor, msg["id"])
                st.rerun()
