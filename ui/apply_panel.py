"""The apply panel shown on a job's page: pick a builder resume or upload a PDF, add a cover letter, apply."""
from __future__ import annotations

import streamlit as st

from engine import applications as A
from engine.authz import AccessDenied, Actor, NotFound
from engine.uploads import MAX_PDF_BYTES, UploadRejected
from ui.accountability import ai_notice
from ui.session import db as open_db
from ui.text import safe

NO_RESUME = "No resume (my profile only)"
UPLOAD = "Upload a PDF"


def render_apply(job: dict, actor: Actor | None) -> None:
    """Everything a candidate needs to apply to ``job`` (a job dict with at least id and title)."""
    apply_panel(open_db(), actor, job)


def apply_panel(db, actor: Actor | None, job: dict) -> None:
    """The same, for the job page's apply slot: ``with apply_area: apply_panel.apply_panel(conn, actor, job)``."""
    st.subheader("Apply")
    if actor is None:
        st.info("Sign in as a candidate to apply.")
        return
    if not actor.is_candidate:
        st.caption("Only candidate accounts apply to jobs.")
        return
    prior = A.applied_on(db, actor, job["id"])
    if prior:
        st.success(f"You applied on {prior['created_at'][:10]}. Status: {A.STATUS_LABELS[prior['status']]}.")
        st.markdown(f"[Follow it in My applications](my-applications?application={prior['id']})")
        return
    if not A.reviewed_here(db, job.get("company_id")):
        st.info(A.not_reviewed_note(job.get("company")), icon=":material/info:")
    ai_notice()
    resumes = A.my_resumes(db, actor)
    options = [f"{r['title']} (builder, #{r['id']})" for r in resumes] + [UPLOAD, NO_RESUME]
    with st.form(f"apply_{job['id']}"):
        choice = st.radio("Resume", options, index=0, key=f"apply_choice_{job['id']}")
        upload = st.file_uploader("PDF resume (at most 5 MB)", type=["pdf"], key=f"apply_pdf_{job['id']}",
                                  max_upload_size=MAX_PDF_BYTES // (1024 * 1024))
        cover = st.text_area("Cover letter (optional)", max_chars=10000, key=f"apply_cover_{job['id']}")
        submitted = st.form_submit_button("Apply", type="primary")
    if not submitted:
        return
    resume_id = pdf = pdf_name = None
    if choice == UPLOAD:
        if upload is None:
            st.error("Choose a PDF file to upload, or pick another resume option.")
            return
        pdf, pdf_name = upload.getvalue(), upload.name
    elif choice != NO_RESUME:
        resume_id = resumes[options.index(choice)]["id"]
    try:
        app = A.apply(db, actor, job["id"], resume_id=resume_id, pdf_bytes=pdf, pdf_name=pdf_name, cover_letter=cover)
    except (A.ApplyRefused, UploadRejected, NotFound, AccessDenied) as exc:
        st.error(str(exc))
        return
    st.success(f"Application sent for {safe(app['job_title'])}. A confirmation is in your inbox.")
    st.markdown(f"[Follow it in My applications](my-applications?application={app['id']})")
