"""The builder's import panel: upload a PDF, DOCX, JSON Resume or LinkedIn export, see field by field what was
read (what an applicant-tracking system reads), correct it, then save it as a resume version and, if asked,
into the profile. Nothing is saved before the candidate confirms."""
from __future__ import annotations

import streamlit as st

from engine.accounts import ValidationError
from engine.resume.importing import ACCEPTED, FORMATS, ImportRejected
from engine.resume.importing import review
from engine.resume.model import Resume, ResumeInvalid

PENDING = "resume_import"


def show_saved_import() -> None:
    """The confirmation of an import saved on the previous run, at the top of the page it landed on."""
    done = st.session_state.pop("resume_import_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")


def import_panel(db, actor, target: int | None, template: str | None = None) -> int | None:
    """Upload, review, save. ``target``: the resume that gets a new version, None for a new resume.
    Returns the id of the resume saved on this run, else None."""
    ss = st.session_state
    upload = st.file_uploader("Your resume: PDF, Word (.docx), JSON Resume (.json) or LinkedIn data export (.zip)",
                              type=list(ACCEPTED), key=f"resume_import_file_{target}")
    if upload is not None and st.button("Read this file", key=f"resume_import_read_{target}", icon=":material/upload_file:"):
        try:
            result = review.read_for_review(actor, upload.getvalue(), upload.name)
        except ImportRejected as exc:
            st.error(str(exc), icon=":material/block:")
            ss.pop(PENDING, None)
        else:
            ss[PENDING] = {"resume": result.resume.to_dict(), "format": result.format, "notes": result.notes,
                           "filename": upload.name, "target": target, "gen": ss.get(PENDING, {}).get("gen", 0) + 1}
    pending = ss.get(PENDING)
    if not pending or pending["target"] != target:
        return None
    return _review_form(db, actor, pending, target, template)


def _review_form(db, actor, pending: dict, target: int | None, template: str | None) -> int | None:
    ss = st.session_state
    resume = Resume.from_dict(pending["resume"])
    st.subheader("This is what an applicant-tracking system reads from your file")
    st.caption(f"{pending['filename']} · read as {FORMATS[pending['format']]}. Correct anything that was misread, "
               "then save. Nothing is saved until you do.")
    for note in pending["notes"]:
        st.warning(note, icon=":material/help:")
    fields = review.review_fields(resume)
    with st.form(f"resume_import_form_{target}"):
        section = None
        for f in fields:
            if f.section != section:
                section = f.section
                st.markdown(f"**{section}**")
            key = f"resume_import|{pending['gen']}|{f.key}"
            if f.multiline:
                st.text_area(f.label, value=f.value, key=key, height=90)
            else:
                st.text_input(f.label, value=f.value, key=key)
        to_profile = st.checkbox("Also update my profile (headline, skills, location, experience)",
                                 key=f"resume_import_profile_{target}")
        label = "Save as a new version of this resume" if target is not None else "Create a resume from it"
        submitted = st.form_submit_button(label, type="primary", icon=":material/save:")
    if st.button("Discard what was read", key=f"resume_import_discard_{target}"):
        ss.pop(PENDING, None)
        st.rerun()
    if not submitted:
        return None
    values = {f.key: ss.get(f"resume_import|{pending['gen']}|{f.key}", f.value) for f in fields}
    corrected = review.apply_corrections(resume, values)
    title = f"Imported from {pending['filename']}"[:80]
    try:
        stored = review.save_import(db, actor, corrected, resume_id=target, title=title, template=template,
                                    update_profile=to_profile)
    except ResumeInvalid as exc:
        st.error("Please fix these first (nothing was saved):\n" +
                 "\n".join(f"- {n}" for n in exc.notices if n.level == "error"))
        return None
    except ValidationError as exc:
        st.error("Your profile was not updated, so nothing was saved: " + "; ".join(exc.errors.values()))
        return None
    ss.pop(PENDING, None)
    ss["resume_import_done"] = ("Saved as a new version." if target is not None else "Resume created.") + \
        (" Your profile was updated." if to_profile else "")
    return stored.id
