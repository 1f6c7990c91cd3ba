"""Admin: every application (filter by job, date and status), the email outbox with delivery states and a
retry, and the queue of postings held for fraud review."""
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from engine import applications as A
from engine import mail
from engine import recruiting as R
from engine.authz import AccessDenied, NotFound
from ui.session import db as open_db
from ui.session import require
from ui.text import safe

actor = require("admin")
db = open_db()
st.title("Applications, mail and job review")
tab_apps, tab_mail, tab_review = st.tabs(["Applications", "Email outbox", "Jobs held for review"])

with tab_apps:
    c1, c2, c3 = st.columns([1, 1, 2])
    job_text = c1.text_input("Job id", placeholder="any")
    status = c2.selectbox("Status", [None, *A.STATUS_LABELS], format_func=lambda s: "Any" if s is None else A.STATUS_LABELS[s])
    span = c3.date_input("Applied between", value=(date.today() - timedelta(days=365), date.today()))
    job_id = None
    if job_text.strip():
        if not job_text.strip().isdigit():
            st.error("The job id is a number.")
            st.stop()
        job_id = int(job_text)
    date_from, date_to = (span[0], span[1]) if isinstance(span, tuple) and len(span) == 2 else (None, None)
    try:
        rows = A.list_all(db, actor, job_id=job_id, status=status, date_from=date_from, date_to=date_to)
    except (AccessDenied, NotFound, ValueError) as exc:
        st.error(str(exc))
        rows = []
    st.caption(f"{len(rows)} application(s)")
    if not rows:
        st.info("No application matches these filters. Widen the dates or clear the status; candidates' "
                "applications appear here as soon as they apply.", icon=":material/lightbulb:")
    if rows:
        st.dataframe(pd.DataFrame([{
            "ID": r["id"], "Applied": r["created_at"][:10], "Job": f"#{r['job_id']} {r['job_title']}",
            "Company": r["company_name"], "Candidate": r["candidate_name"], "Email": r["candidate_email"],
            "Status": r["status_label"], "Updated": r["updated_at"][:16].replace("T", " "),
        } for r in rows]), hide_index=True, width="stretch")

with tab_mail:
    state = st.selectbox("State", [None, "queued", "sent", "failed"], format_func=lambda s: s or "All")
    messages = mail.outbox(db, actor, status=state)
    counts = pd.Series([m["status"] for m in mail.outbox(db, actor)]).value_counts()
    m1, m2, m3 = st.columns(3)
    m1.metric("Queued", int(counts.get("queued", 0)))
    m2.metric("Sent", int(counts.get("sent", 0)))
    m3.metric("Failed", int(counts.get("failed", 0)))
    failed = mail.failed_mail(db, actor)
    if failed:
        st.error(f"{len(failed)} email(s) could not be delivered and will not be tried again unless you retry. "
                 "The reason of each is below; fix its cause (e.g. a wrong address), then retry.",
                 icon=":material/error:")
        st.dataframe(pd.DataFrame([{
            "ID": m["id"], "To": m["to_email"], "Subject": m["subject"], "Reason": m["last_error"] or "",
            "Attempts": m["attempts"], "Last try": (m["last_attempt_at"] or "")[:16].replace("T", " "),
        } for m in failed]), hide_index=True, width="stretch", key="failed_mail")
    if messages:
        st.dataframe(pd.DataFrame([{
            "ID": m["id"], "To": m["to_email"], "Subject": m["subject"], "Kind": m["kind"], "State": m["status"],
            "Attempts": m["attempts"], "Last error": m["last_error"] or "", "Created": m["created_at"][:16],
            "Sent": (m["sent_at"] or "")[:16], ".ics": bool(m["has_ics"]), "PDF": bool(m["attachment_path"]),
        } for m in messages]), hide_index=True, width="stretch")
    if st.button("Retry delivery", help="Put failed and waiting mail back in the queue and send it now"):
        report = mail.retry_delivery(db, actor)
        if report.skipped:
            st.warning(report.skipped)
        else:
            st.success(f"Sent {report.sent}; {report.retry_later} to retry later; {report.failed} failed.")
        for err in report.errors[:20]:
            st.caption(err)

with tab_review:
    pending = R.pending_jobs(db, actor)
    if not pending:
        st.info("No job is waiting for review.")
    for job in pending:
        with st.expander(f"#{job['id']} {safe(job['title'])} — {safe(job['company'])} · risk {job['fraud_score'] or 0:.2f}"):
            st.text(job["description"][:2000])
            a, b = st.columns(2)
            for col, decision, label in ((a, "approve", "Approve"), (b, "reject", "Reject")):
                if col.button(label, key=f"{decision}_{job['id']}"):
                    try:
                        R.review_pending_job(db, actor, job["id"], decision)
                        st.rerun()
                    except (AccessDenied, NotFound, ValueError) as exc:
                        st.error(str(exc))
