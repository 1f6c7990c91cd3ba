"""The accountability widgets the pages share: the recruiter's decision-log export, anonymised-screening
switch, rejection reasons and ranking override; the candidate's AI notice, fit explanation and data rights."""
from __future__ import annotations

import streamlit as st

from engine import anonymise, data_rights, decisions, oversight
from engine.authz import AccessDenied, NotFound
from engine.transparency import AI_NOTICE
from ui.text import safe


def ai_notice() -> None:
    """Where candidates apply and in their applications: an AI ranks applications, and what it reads."""
    st.caption(AI_NOTICE)


def job_controls(db, actor, job: dict, can_post: bool) -> None:
    """Above a job's applicants: the anonymised-screening switch and the decision log's export."""
    left, right = st.columns(2)
    with left:
        on = st.toggle("Anonymised screening", value=bool(job.get("anonymised_review")), disabled=not can_post,
                       key=f"anon_{job['id']}",
                       help="Until shortlisting, applicants show no name, photo, email, phone, age or gender cues.")
        if can_post and on != bool(job.get("anonymised_review")):
            try:
                anonymise.set_anonymised_review(db, actor, job["id"], on)
                st.rerun()
            except (AccessDenied, NotFound) as exc:
                st.error(str(exc))
    with right:
        fmt = st.selectbox("Decision log format", decisions.FORMATS, key=f"log_fmt_{job['id']}")
        try:
            data = decisions.export_records(db, actor, fmt, job_id=job["id"])
        except (AccessDenied, NotFound) as exc:
            st.caption(str(exc))
        else:
            st.download_button("Export decision log", data, file_name=f"decisions_job_{job['id']}.{fmt}",
                               mime="text/csv" if fmt == "csv" else "application/json", key=f"log_dl_{job['id']}",
                               on_click="ignore")


def pin_first(db, actor, job_id: int, applicants: list[dict]) -> list[dict]:
    """The recruiters' overrides first (most recent pin on top), then the ranking's order."""
    try:
        pinned = oversight.pinned_applications(db, actor, job_id)
    except (AccessDenied, NotFound):
        return applicants
    order = {app_id: i for i, app_id in enumerate(pinned)}
    for app in applicants:
        app["pinned"] = app["id"] in order
    return sorted(applicants, key=lambda a: order.get(a["id"], len(order)))   # stable: the rest keep their order


def override_button(db, actor, app: dict) -> None:
    """One click to move an applicant to the top of the ranking, or back into score order."""
    action, label = ("unpin", "Back to score order") if app.get("pinned") else ("pin_top", "Move to top of ranking")
    if st.button(label, key=f"pin_{app['id']}", help="Overrides the AI ranking; recorded in the decision log."):
        try:
            oversight.override_ranking(db, actor, app["id"], action)
            st.rerun()
        except (AccessDenied, NotFound) as exc:
            st.error(str(exc))


def reason_picker(db, actor, key: str, company_id: int | None = None) -> str | None:
    """The company's rejection reasons to pick from (the sentence goes into the candidate's letter)."""
    reasons = oversight.rejection_reasons(db, actor, company_id)
    picked = st.selectbox("Reason (required to reject; the candidate's message carries it)",
                          [r["label"] for r in reasons], key=key, index=None, placeholder="Pick a reason")
    return picked


def reasons_editor(db, actor, company_id: int | None, can_change: bool) -> None:
    """The company's rejection reasons: a label to pick, and the sentence the candidate's message carries."""
    with st.expander("Rejection reasons (your company's list)"):
        reasons = oversight.rejection_reasons(db, actor, company_id)
        edited = st.data_editor([{"label": r["label"], "letter_text": r["letter_text"]} for r in reasons],
                                num_rows="dynamic", disabled=not can_change, key=f"reasons_{company_id}",
                                column_config={"label": "Reason (what the recruiter picks)",
                                               "letter_text": "Sentence in the candidate's message"})
        if can_change and st.button("Save reasons", key=f"save_reasons_{company_id}"):
            try:
                oversight.set_rejection_reasons(db, actor, list(edited), company_id)
                st.success("Saved.")
            except (ValueError, AccessDenied, NotFound) as exc:
                st.error(str(exc))


def fit_explanation(explanation: dict | None) -> None:
    """A candidate's own fit explanation: the score, and the job's skills they have and lack."""
    if not explanation:
        st.caption("No fit explanation yet: the ranking has not scored this application.")
        return
    st.markdown(f"**How the ranking read your application**: fit {explanation['score']:.2f} "
                f"(text similarity {explanation['semantic']:.2f}).  \n"
                f"Matched skills: {safe(', '.join(explanation['matched_skills'])) or '—'}  \n"
                f"Missing skills: {safe(', '.join(explanation['missing_skills'])) or '—'}")


def fairness_tab(metric_file) -> None:
    """Model Lab: the ranking's model card and the latest bias audit (from its metrics file)."""
    from engine.transparency import RANKING_MODEL_CARD

    st.subheader("Applicant ranking: model card")
    st.markdown("  \n".join(f"**{k.replace('_', ' ').capitalize()}**: {v}" for k, v in RANKING_MODEL_CARD.items()))
    st.subheader("Bias audit")
    report = metric_file.data
    if report is None:
        st.info(f"No audit yet: run `{metric_file.command}`.")
        return
    cols = st.columns(3)
    cols[0].metric("Mean score change (name/gender swap)", f"{report['mean_abs_score_change']:.4f}",
                   help=f"goal < {report['goal']['mean_abs_score_change_below']}")
    cols[1].metric("Largest top-10 rank move", report["max_rank_change_top10"],
                   help=f"goal <= {report['goal']['max_rank_change_top10_at_most']}")
    ratio = (report.get("selection") or {}).get("impact_ratio")
    cols[2].metric("Selection impact ratio", "—" if ratio is None else f"{ratio:.2f}", help="four-fifths rule: >= 0.80")
    st.markdown(report.get("reading", "").replace("\n", "  \n"))
    st.caption(f"{report['pairs']} counterfactual pairs, groups: {', '.join(report['groups'])}; model "
               f"{report['model_version']}. `{metric_file.command}` -> {metric_file.path.name}")


def data_rights_panel(db, actor) -> bool:
    """Download all my data; delete my account. Returns True when the account was deleted."""
    st.header("Your data")
    st.download_button("Download all my data (zip)", data_rights.export_my_data(db, actor),
                       file_name="jobexpressway-my-data.zip", mime="application/zip", key="my_data_zip", on_click="ignore")
    with st.expander("Delete my account"):
        st.warning("This removes your profile, resumes, messages and files for good. Companies keep an "
                   "anonymised record of the decisions on your applications, as the law requires; they see "
                   "'Deleted candidate'.")
        confirm = st.text_input("Type your email address to confirm", key="delete_confirm")
        if st.button("Delete my account", type="primary", key="delete_account"):
            try:
                data_rights.delete_my_account(db, actor, confirm)
                return True
            except (ValueError, AccessDenied) as exc:
                st.error(str(exc))
    return False
