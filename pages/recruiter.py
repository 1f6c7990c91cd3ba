"""Recruiter dashboard: my company's jobs (post, edit, close) and their applicants (profile, resume, fit,
status one by one or in bulk, private notes, scheduling). Scoped to the recruiter's company and to the
permissions the admin granted it; the admin may look at any company."""
import functools
import json
from datetime import datetime

import pandas as pd
import streamlit as st

from engine import applications as A
from engine import oversight
from engine import recruiting as R
from engine.authz import PERMISSION_LABELS, PERMISSIONS, AccessDenied, NotFound, has_permission
from engine.jobs import get_job
from engine.recsys import fraud
from ui.accountability import job_controls, override_button, pin_first, reason_picker, reasons_editor
from ui.recruiting import chosen_status, job_form, posting_checks, rank_by_fit, title_check
from ui.session import db as open_db
from ui.session import require
from ui.text import safe


actor = require("recruiter", "admin")
db = open_db()
st.title("Recruiter dashboard")
allowed = {p for p in PERMISSIONS if has_permission(db, actor, p)}
company_id = actor.company_id
if actor.is_admin:
    companies = R.companies_with_jobs(db, actor)
    if not companies:
        st.info("No company has signed up yet.")
        st.stop()
    picked = st.selectbox("Company", companies, format_func=lambda c: f"{c['name']} ({c['jobs']} jobs)")
    company_id = picked["id"]
elif company_id is None:
    st.error("Your account is not linked to a company. Ask the site admin to add you to your company.")
    st.stop()
missing = [PERMISSION_LABELS[p] for p in PERMISSIONS if p not in allowed]
if missing:
    st.caption("Not granted to your company yet: " + ", ".join(missing) + ". Ask the site admin for access.")

try:
    jobs = R.list_company_jobs(db, actor, company_id)
except (AccessDenied, NotFound) as exc:
    st.error(str(exc))
    st.stop()

TAB_FROM_QUERY = {"post": "Post a job", "applicants": "Applicants"}  # the Home hub links straight to a tab
tab_jobs, tab_post, tab_applicants = st.tabs(["Jobs", "Post a job", "Applicants"],
                                             default=TAB_FROM_QUERY.get(st.query_params.get("tab", ""), "Jobs"))


def change_status(actor, application_id: int) -> None:
    """The Change status button's callback. It runs before the page is drawn, so that one run shows the new
    status. (A st.rerun() after the change cost a second run, and a click the recruiter made meanwhile on
    the menu was lost: Streamlit merges the two requests and keeps the rerun's page.)"""
    ss = st.session_state
    new = chosen_status(ss[f"next_{application_id}"])
    reason = ss.get(f"reason_{application_id}") if new == "rejected" else None
    try:
        A.change_status(open_db(), actor, application_id, new, note=ss.get(f"note_status_{application_id}", ""),
                        reason=reason)
        ss[f"status_outcome_{application_id}"] = ("ok", f"Now {A.STATUS_LABELS[new]}.")
    except (A.IllegalTransition, oversight.ReasonRequired, AccessDenied, NotFound) as exc:
        ss[f"status_outcome_{application_id}"] = ("error", str(exc))


def show_problems(exc: Exception) -> None:
    problems = getattr(exc, "problems", None)
    if problems:
        st.error("Please fix the following:\n" + "\n".join(f"- {p}" for p in problems))
    else:
        st.error(str(exc))


with tab_jobs:
    if not jobs:
        st.info("No jobs yet. Open the **Post a job** tab to publish your first opening; applicants will "
                "appear under **Applicants**.", icon=":material/lightbulb:")
    else:
        st.dataframe(pd.DataFrame([{
            "ID": j["id"], "Title": j["title"], "Status": j["status"], "Deadline": j["deadline"] or "—",
            "Applicants": j["applicants"], "New": j["new_applicants"], "Updated": j["updated_at"][:10],
        } for j in jobs]), hide_index=True, width="stretch")
        if "post_jobs" in allowed:
            job = st.selectbox("Edit or close a job", jobs, format_func=lambda j: f"#{j['id']} {j['title']} ({j['status']})",
                               key="edit_job_pick")
            fields = job_form(f"edit_job_{job['id']}", job, "Save changes")
            if fields is not None:
                try:
                    R.edit_job(db, actor, job["id"], fields, risk_scorer=fraud.risk_score,
                               review_threshold=fraud.risk_threshold())
                    st.success("Saved.")
                except (R.JobValidationError, AccessDenied, NotFound) as exc:
                    show_problems(exc)
            if job["status"] != "closed":
                sure = st.checkbox("Stop taking applications for this job", key=f"close_ok_{job['id']}")
                if st.button("Close job", disabled=not sure, key=f"close_{job['id']}"):
                    try:
                        R.close_job(db, actor, job["id"])
                        st.rerun()
                    except (AccessDenied, NotFound) as exc:
                        st.error(str(exc))

with tab_post:
    if "post_jobs" not in allowed:
        st.warning("Your company has not been granted permission to post jobs.")
    else:
        title_check("post_job_title_check")
        fields = job_form("post_job")
        if fields is not None:
            if actor.is_admin:
                fields["company_id"] = company_id
            try:
                job = R.post_job(db, actor, fields, risk_scorer=fraud.risk_score,
                                 review_threshold=fraud.risk_threshold())
            except (R.JobValidationError, AccessDenied, NotFound) as exc:
                show_problems(exc)
            else:
                if job["status"] == "pending_review":
                    st.warning(f"Job #{job['id']} was posted and is held for the admin's review before candidates see it.")
                else:
                    st.success(f"Job #{job['id']} '{safe(job['title'])}' is live.")
                st.session_state["last_posted_job"] = job["id"]
        if st.session_state.get("last_posted_job"):  # stays across reruns, so its buttons work
            try:
                posting_checks(db, actor, get_job(db, st.session_state["last_posted_job"], actor))
            except NotFound:
                st.session_state.pop("last_posted_job")

with tab_applicants:
    if "view_applicants" not in allowed:
        st.warning("Your company has not been granted permission to view applicants.")
    elif not jobs:
        st.info("No jobs, so no applicants yet: post a job first.", icon=":material/lightbulb:")
    else:
        wanted = st.query_params.get("job")
        index = next((i for i, j in enumerate(jobs) if str(j["id"]) == wanted), 0)
        job = st.selectbox("Job", jobs, index=index, key="applicants_job",
                           format_func=lambda j: f"#{j['id']} {j['title']} — {j['applicants']} applicant(s)")
        job_controls(db, actor, job, "post_jobs" in allowed)
        reasons_editor(db, actor, company_id, "change_status" in allowed)
        try:
            applicants, ranked = rank_by_fit(db, actor, job["id"], A.list_for_job(db, actor, job["id"]))
            applicants = pin_first(db, actor, job["id"], applicants)   # the recruiters' overrides come first
        except (AccessDenied, NotFound) as exc:
            st.error(str(exc))
            applicants, ranked = [], False
        if not applicants:
            st.info("No one has applied to this job yet. Applicants show up here as soon as they apply; the "
                    "pipeline dashboard follows them through every stage.", icon=":material/lightbulb:")
        else:
            st.caption("Ranked by fit to the job." if ranked else "In the order they applied (fit ranking not available).")
            st.caption("The ranking is a help, never a decision: applicants you moved to the top come first.")
        if applicants:
            st.dataframe(pd.DataFrame([{
                "ID": a["id"], "Candidate": a["candidate_name"], "Status": a["status_label"],
                "Fit": None if a.get("fit_score") is None else round(a["fit_score"], 3),
                "Applied": a["created_at"][:10], "Notes": a["note_count"],
            } for a in applicants]), hide_index=True, width="stretch")

        if applicants and "change_status" in allowed:
            with st.form("bulk_status"):
                st.markdown("**Change status in bulk**")
                names = {a["id"]: a["candidate_name"] for a in applicants}
                chosen = st.multiselect("Applications", list(names), format_func=lambda i: f"#{i} {names[i]}")
                target = st.selectbox("New status", [s for s in A.STATUS_LABELS if s not in ("applied", "withdrawn")],
                                      format_func=A.STATUS_LABELS.get, key="bulk_target")
                bulk_reason = reason_picker(db, actor, "bulk_reason", company_id)
                if st.form_submit_button("Apply to selected"):
                    results = A.bulk_change_status(db, actor, chosen, target, reason=bulk_reason)
                    done = sum(r["ok"] for r in results)
                    (st.success if done == len(results) else st.warning)(f"{done} of {len(results)} changed.")
                    for r in results:
                        if not r["ok"]:
                            st.error(f"#{r['id']}: {r['error']}")

        for app in applicants:
            fit = f" · fit {app['fit_score']:.2f}" if app.get("fit_score") is not None else ""
            # keyed: its label (status, fit) and its place in the ranking change, the panel stays the same one
            with st.expander(f"#{app['id']} {safe(app['candidate_name'])} · {app['status_label']}{fit}", key=f"applicant_{app['id']}"):
                left, right = st.columns(2)
                with left:
                    st.markdown(f"**{safe(app['candidate_name'])}** · {safe(app['candidate_email'])}")
                    fit_read = app.get("fit") or {}
                    if fit_read.get("source_label"):
                        st.caption(f"Fit scored on {fit_read['source_label']}. Skills found: "
                                   f"{safe(', '.join(fit_read.get('matched_skills') or [])) or '—'}; missing: "
                                   f"{safe(', '.join(fit_read.get('missing_skills') or [])) or '—'}.")
                    if app["candidate_headline"]:
                        st.caption(safe(app["candidate_headline"]))
                    st.markdown(f"Location: {safe(app['candidate_location']) or '—'}  \n"
                                f"Skills: {safe(', '.join(app['candidate_skills'])) or '—'}  \n"
                                f"Education: {safe(app['candidate_education']) or '—'}  \n"
                                f"Experience: {safe(app['candidate_experience']) or '—'}")
                    if app["cover_letter"]:
                        st.markdown("**Cover letter**")
                        st.text(app["cover_letter"])
                    try:
                        resume = A.resume_for_application(db, actor, app["id"])
                    except (AccessDenied, NotFound, OSError):
                        resume = None
                    if resume and resume["kind"] == "pdf":
                        st.download_button("Download resume (PDF)", resume["data"], file_name=resume["filename"],
                                           mime="application/pdf", key=f"cv_{app['id']}", on_click="ignore")
                    elif resume and resume["kind"] == "hidden":
                        st.caption("Resume hidden until shortlisting (anonymised screening).")
                    elif resume:
                        st.markdown(f"Builder resume: **{safe(resume['title'])}** (template {safe(resume['template'])})")
                        # rendered on the click, so a list of applicants does not render every PDF
                        st.download_button("Download resume (PDF)", functools.partial(A.builder_resume_pdf, resume),
                                           file_name=resume["filename"], mime="application/pdf",
                                           key=f"cv_{app['id']}", type="primary", on_click="ignore")
                        st.download_button("Download resume data (JSON)", json.dumps(resume["data"], indent=2),
                                           file_name=f"resume_{app['id']}.json", key=f"cvj_{app['id']}", on_click="ignore")
                    else:
                        st.caption("No resume attached; the profile above is what the candidate shared.")
                with right:
                    st.markdown("**Timeline**")
                    for step in A.timeline(db, actor, app["id"]):
                        note = f" — _{safe(step['note'])}_" if step.get("note") else ""
                        st.markdown(f"- {step['label']} · {step['at'][:16].replace('T', ' ')} · {safe(step['by']) or '—'}{note}")
                    # an interview is scheduled with its invitation (below), not by a bare status change
                    if outcome := st.session_state.pop(f"status_outcome_{app['id']}", None):
                        (st.success if outcome[0] == "ok" else st.error)(outcome[1])
                    nexts = [s for s in A.TRANSITIONS.get(app["status"], ()) if s not in ("withdrawn", "interview_scheduled")]
                    if nexts and "change_status" in allowed:
                        new = st.selectbox("Next status", nexts, format_func=A.STATUS_LABELS.get, key=f"next_{app['id']}")
                        if new == "rejected":
                            reason_picker(db, actor, f"reason_{app['id']}", company_id)
                        st.text_input("Note for the timeline (team only)", key=f"note_status_{app['id']}")
                        st.button("Change status", key=f"change_{app['id']}", on_click=change_status, args=(actor, app["id"]))
                    override_button(db, actor, app)
                    if app["status"] == "accepted" and "schedule_interviews" in allowed:
                        st.markdown(f"[Schedule interview in an interview room](interviews?application={app['id']})")
                        with st.expander("…or enter a date, time and meeting link by hand"):
                            when_d = st.date_input("Date", key=f"iv_date_{app['id']}")
                            when_t = st.time_input("Time (UTC)", key=f"iv_time_{app['id']}")
                            minutes = st.number_input("Minutes", 5, 480, 30, key=f"iv_len_{app['id']}")
                            link = st.text_input("Meeting link", key=f"iv_link_{app['id']}")
                            if st.button("Send invitation", key=f"iv_send_{app['id']}"):
                                try:
                                    A.schedule_by_hand(db, actor, app["id"], datetime.combine(when_d, when_t), minutes, link)
                                    st.rerun()
                                except (ValueError, AccessDenied, NotFound) as exc:
                                    st.error(str(exc))
                    st.markdown("**Private notes** (never shown to the candidate)")
                    for n in A.notes(db, actor, app["id"]):
                        st.markdown(f"- {safe(n['body'])} — _{safe(n['author'])}, {n['at'][:10]}_")
                    body = st.text_input("Add a note", key=f"new_note_{app['id']}")
                    if st.button("Save note", key=f"save_note_{app['id']}"):
                        try:
                            A.add_note(db, actor, app["id"], body)
                            st.rerun()
                        except (ValueError, AccessDenied, NotFound) as exc:
                            st.error(str(exc))
