"""Resume builder: pick or create a resume, choose a design from real thumbnails, fill the guided form with a
live preview, Generate text, tailor to a job, download the PDF, share a link, and go back in history."""
import streamlit as st

from engine.authz import AccessDenied, NotFound
from engine.resume import repository as repo
from engine.resume import fonts, share, suggest, tailor
from engine.resume.ats import ats_check
from engine.resume.docx_export import DOCX_MIME, render_docx
from engine.resume.json_resume import export_json
from engine.resume.model import ResumeInvalid, validate
from engine.resume.render import SECTION_TITLES, render_pdf
from engine.resume.samples import sample_resume
from engine.resume.templates import DEFAULT_TEMPLATE, TEMPLATES
from engine.resume.thumbnails import page_count, thumbnail
from ui import resume as form
from ui.session import db as get_db
from ui.resume_import import import_panel, show_saved_import
from ui.session import require
from ui.text import safe

actor = require("candidate")
db = get_db()
st.title("Resume builder")
ss = st.session_state
show_saved_import()


def template_picker(current: str, key: str, preview) -> str:
    """Three thumbnails rendered from the real PDF; returns the chosen template name."""
    cols = st.columns(len(TEMPLATES))
    for col, tpl in zip(cols, TEMPLATES.values()):
        with col.container(border=True):
            st.image(thumbnail(preview, tpl.name, 420), caption=f"{tpl.label} — {tpl.description}",
                     alt=f"Preview of the {tpl.label} resume design")
    names = list(TEMPLATES)
    return st.radio("Design", names, index=names.index(current), key=key, horizontal=True,
                    format_func=lambda n: TEMPLATES[n].label)


resumes = repo.list_resumes(db, actor)
NEW = -1
options = [s.id for s in resumes] + [NEW]
labels = {s.id: f"{s.title} ({TEMPLATES.get(s.template, TEMPLATES[DEFAULT_TEMPLATE]).label}, saved {s.updated_at[:16].replace('T', ' ')})" for s in resumes}
labels[NEW] = "➕ New resume"
if "resume_pick_next" in ss:   # set by Create/Copy/Delete before the select box exists
    ss["resume_selected"] = ss.pop("resume_pick_next")
if ss.get("resume_selected") not in options:
    ss["resume_selected"] = options[0]
choice = st.selectbox("Resume", options, format_func=labels.get, key="resume_selected")

# --- a new resume: name it and pick a design first --------------------------------------------------
if choice == NEW:
    st.subheader("Start a new resume")
    st.caption("It starts from your profile, so what you already typed there is filled in.")
    title = st.text_input("Name this resume", value="My resume", key="resume_new_title")
    draft = repo.profile_draft(db, actor)
    preview = draft if (draft.experience or draft.education) else sample_resume(draft.personal.name or actor.name or "Your Name")
    template = template_picker("modern", "resume_new_template", preview)
    if st.button("Create resume", type="primary", key="resume_create"):
        try:
            stored = repo.create_resume(db, actor, title, template)
        except (ValueError, AccessDenied) as exc:
            st.error(str(exc))
        else:
            ss["resume_pick_next"] = stored.id
            st.rerun()
    st.divider()
    st.subheader("Or start from a resume you already have")
    st.caption("A PDF, a Word document, a JSON Resume or your LinkedIn data export: you check what was read before "
               "anything is saved.")
    created = import_panel(db, actor, None, template)
    if created is not None:
        ss["resume_pick_next"] = created
        st.rerun()
    st.stop()

try:
    stored = repo.get_resume(db, actor, choice)
except NotFound as exc:
    st.error(str(exc))
    st.stop()
rid = stored.id
if stored.template not in TEMPLATES:   # a design that no longer exists: show the default, keep the content
    st.warning(f"The design '{stored.template}' is no longer available; showing {TEMPLATES[DEFAULT_TEMPLATE].label}. "
               "Pick one in the Design tab.")
    stored.template = DEFAULT_TEMPLATE
if rid not in form.drafts():
    form.set_draft(rid, stored.resume)
draft = form.sync(rid)
target_job = ss.get(f"resume_job_{rid}")   # the job chosen in "Tailor", used by Generate


def generate_summary() -> None:
    r = form.sync(rid)
    s = suggest.generate_summary(r, target_job)
    r.summary = s.text
    form.set_draft(rid, r)
    ss[f"resume_notice_{rid}"] = s.notice


def generate_bullets(section: str, index: int) -> None:
    r = form.sync(rid)
    s = suggest.generate_bullets(r, section, index, target_job)
    if s.bullets:
        getattr(r, section)[index].bullets = s.bullets
        form.set_draft(rid, r)
    ss[f"resume_notice_{rid}"] = s.notice


edit, design, fit, ats, imports, history = st.tabs(
    ["Edit", "Design", "Tailor to a job", "ATS check", "Import a file", "Share & history"])

with edit:
    left, right = st.columns([3, 2])
    with left:
        notice = ss.pop(f"resume_notice_{rid}", None)
        if notice:
            st.info(notice, icon=":material/auto_awesome:")
        with st.expander("Personal details", expanded=True):
            form.personal_form(rid, draft)
        with st.expander("Summary", expanded=True):
            st.text_area("A few lines on who you are and what you want next", value=draft.summary,
                         key=f"{form.prefix(rid)}|summary", height=110)
            st.button("Generate summary", key="resume_gen_summary", on_click=generate_summary, icon=":material/auto_awesome:",
                      help="Drafts a summary from your own entries" + (f" for {target_job['title']}" if target_job else ""))
        for section in ("education", "experience", "projects"):
            with st.expander(SECTION_TITLES[section] + f" ({len(getattr(draft, section))})", expanded=section == "experience"):
                form.entries_form(rid, draft, section, generate=generate_bullets)
        with st.expander("Skills"):
            form.list_form(rid, draft)
        for section in ("certifications", "languages"):
            with st.expander(SECTION_TITLES[section] + f" ({len(getattr(draft, section))})"):
                form.entries_form(rid, draft, section)
        with st.expander("Links"):
            form.links_form(rid, draft)
        saved = None
        if st.button("Save", type="primary", key="resume_save", icon=":material/save:"):
            try:
                saved, notices = repo.save_resume(db, actor, rid, form.sync(rid))
            except ResumeInvalid as exc:
                st.error("Please fix these first (nothing was lost):\n" + "\n".join(f"- {n}" for n in exc.notices if n.level == "error"))
            else:
                form.set_draft(rid, saved.resume)
                st.success("Saved. " + " ".join(str(n) for n in notices))
        if saved is None and draft != stored.resume:   # checked after saving: never beside "Saved."
            st.caption("You have unsaved changes.")
    with right:
        st.markdown("**Live preview**")
        _, notices = validate(draft)
        for n in notices:
            (st.error if n.level == "error" else st.warning)(str(n), icon=":material/info:")
        missing = fonts.undrawable(draft.to_json())
        if missing:
            st.caption(f"The PDF font cannot draw {' '.join(missing[:12])}; they stay in your resume but not in the PDF.")
        pdf = render_pdf(draft, stored.template)
        st.download_button("Download PDF", data=pdf, file_name=f"{(draft.personal.name or 'resume').replace(' ', '_')}_resume.pdf",
                           mime="application/pdf", key="resume_download", icon=":material/download:", type="primary",
                           on_click="ignore")
        base = (draft.personal.name or "resume").replace(" ", "_")
        c = st.columns(2)
        c[0].download_button("Word (.docx)", data=lambda d=draft, t=stored.template: render_docx(d, t),   # built on click: ~0.1 s
                             file_name=f"{base}_resume.docx",
                             mime=DOCX_MIME, key="resume_download_docx", icon=":material/description:",
                             help="Editable, with real Word headings so applicant-tracking systems parse it", on_click="ignore")
        c[1].download_button("JSON Resume", data=export_json(draft), file_name=f"{base}_resume.json",
                             mime="application/json", key="resume_download_json", icon=":material/data_object:",
                             help="The open jsonresume.org format (v1.0.0); import it again here or elsewhere",
                             on_click="ignore")
        with st.container(border=True):
            st.image(thumbnail(draft, stored.template, 560, pdf), caption=f"Page 1 of {page_count(pdf)} · {TEMPLATES[stored.template].label}",
                     alt="Live preview of the first page of your resume")

with design:
    st.caption("Pictures show your last saved version in each design; switching keeps all your content.")
    chosen = template_picker(stored.template, f"resume_design_{rid}", stored.resume)
    if chosen != stored.template and st.button(f"Use {TEMPLATES[chosen].label}", key="resume_use_template"):
        repo.set_template(db, actor, rid, chosen)
        st.rerun()
    order_box = st.expander("Section order")
    order = [s for s in (draft.order or TEMPLATES[stored.template].order)]
    for i, name in enumerate(order):
        c = order_box.columns([6, 1, 1])
        c[0].write(SECTION_TITLES[name])
        def move(i=i, step=-1):
            r = form.sync(rid)
            o = list(order)
            j = max(0, min(len(o) - 1, i + step))
            o.insert(j, o.pop(i))
            r.order = o
            form.set_draft(rid, r)
        c[1].button("↑", key=f"resume_order_up_{i}", on_click=move, kwargs={"i": i, "step": -1}, disabled=i == 0)
        c[2].button("↓", key=f"resume_order_down_{i}", on_click=move, kwargs={"i": i, "step": 1}, disabled=i == len(order) - 1)
    order_box.caption("Save in the Edit tab to keep the order.")

with fit:
    query = st.text_input("Search jobs by title, skill or company", key="resume_job_query")
    jobs = tailor.jobs_to_tailor_for(db, actor, query)
    if not jobs:
        st.info("No open jobs match. Try another search.")
    else:
        ids = [j["id"] for j in jobs]
        by_id = {j["id"]: j for j in jobs}
        fmt = lambda i: f"{'★ ' if by_id[i].get('picked_because') else ''}{by_id[i]['title']} — {by_id[i]['company']}"  # noqa: E731
        current = target_job["id"] if target_job and target_job["id"] in ids else ids[0]
        job_id = st.selectbox("Job", ids, index=ids.index(current), format_func=fmt, key="resume_job_pick")
        job = by_id[job_id]
        ss[f"resume_job_{rid}"] = job
        report = tailor.tailor(draft, job, stored.template)
        c = st.columns(3)
        c[0].metric("Match score", f"{report.score:.0%}" if report.score is not None else "—")
        c[1].metric("Skills you show", len(report.matched))
        c[2].metric("Skills missing", len(report.missing))
        if report.score_note:
            st.caption(report.score_note)
        if report.missing:
            st.markdown("**The job asks for, your resume never mentions:** " + ", ".join(safe(s) for s in report.missing))
        for tip in report.tips:
            st.markdown(f"- {safe(tip.text)}")
        if report.suggested_order and st.button("Apply the suggested section order", key="resume_apply_order"):
            r = form.sync(rid)
            r.order = report.suggested_order
            form.set_draft(rid, r)
            st.rerun()
        st.caption("Generate in the Edit tab now writes for this job.")

with ats:
    st.caption("Your resume as a PDF in its design, read back the way an applicant-tracking system reads it: "
               "what would it miss?")
    if st.button("Check my resume", key="resume_ats_check", icon=":material/fact_check:"):
        for finding in ats_check(draft, stored.template):
            (st.success if finding.level == "ok" else st.warning)(f"{finding.where}: {finding.message}")

with imports:
    st.caption("Read a PDF, Word document, JSON Resume or LinkedIn export into this resume as a new version "
               "(your current version stays in the history).")
    saved_id = import_panel(db, actor, rid, stored.template)
    if saved_id is not None:
        form.set_draft(rid, repo.get_resume(db, actor, rid).resume)
        st.rerun()

with history:
    st.markdown("**Share link** — anyone with the link sees this resume as last saved, read-only, until it "
                "expires or you revoke it.")
    days = st.selectbox("Link expires after", share.SHARE_DAYS, index=share.SHARE_DAYS.index(share.DEFAULT_SHARE_DAYS),
                        format_func=lambda d: f"{d} days", key="resume_share_days")
    if st.button("Create share link", key="resume_share_create", icon=":material/link:"):
        token = share.create_share(db, actor, rid, days)
        ss[f"resume_share_url_{rid}"] = share.share_url(token)
    if ss.get(f"resume_share_url_{rid}"):
        st.code(ss[f"resume_share_url_{rid}"], language=None)
        st.caption("Copy it now: for your safety it is shown only once.")
    for s in share.list_shares(db, actor, rid):
        c = st.columns([4, 1])
        if s.revoked_at:
            state = f"revoked {s.revoked_at[:16].replace('T', ' ')}"
        elif s.expired():
            state = f"expired {s.expires_at[:10]}"
        else:
            state = f"active until {s.expires_at[:10]}" if s.expires_at else "active"
        c[0].write(f"Link made {s.created_at[:16].replace('T', ' ')} (version {s.version_id}) — {state}")
        if not s.revoked_at and not s.expired() and c[1].button("Revoke", key=f"resume_revoke_{s.token_hash[:12]}"):
            share.revoke_share(db, actor, rid, s.token_hash)
            ss.pop(f"resume_share_url_{rid}", None)
            st.rerun()
    st.markdown("**Version history**")
    for v in repo.list_versions(db, actor, rid)[:30]:
        c = st.columns([4, 1])
        c[0].write(f"{v.created_at[:19].replace('T', ' ')} · {TEMPLATES.get(v.template, TEMPLATES['modern']).label} · "
                   f"{len(v.resume.experience)} jobs, {len(v.resume.skills)} skills")
        if c[1].button("Restore", key=f"resume_restore_{v.id}"):
            restored = repo.restore_version(db, actor, rid, v.id)
            form.set_draft(rid, restored.resume)
            st.rerun()
    st.divider()
    c = st.columns(2)
    new_title = c[0].text_input("Rename", value=stored.title, key=f"resume_title_{rid}")
    if new_title != stored.title and c[0].button("Rename", key="resume_rename"):
        repo.rename_resume(db, actor, rid, new_title)
        st.rerun()
    if c[1].button("Make a copy", key="resume_copy"):
        ss["resume_pick_next"] = repo.duplicate_resume(db, actor, rid).id
        st.rerun()
    if c[1].button("Delete this resume", key="resume_delete"):
        try:
            repo.delete_resume(db, actor, rid)
        except ValueError as exc:
            st.error(str(exc))
        else:
            form.drafts().pop(rid, None)
            ss["resume_pick_next"] = None
            st.rerun()
