"""UI helpers for the recruiter pages: the job form and ranking applicants by fit when the recommender offers it."""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from engine.applications import STATUS_LABELS
from engine.choices import CATEGORY_NAMES, EMPLOYMENT_TYPES
from ui.text import safe


def chosen_status(choice: str) -> str:
    """The status a "Next status" select box stands for. A click that reaches the server before the page has
    drawn the previous change carries the choice the box still showed; Streamlit hands back a choice that is
    no longer among the options as its label ('Under review'), which is mapped back to its status here (the
    change is then refused in words: it already is that status)."""
    return next((status for status, label in STATUS_LABELS.items() if choice in (status, label)), choice)


def job_form(key: str, job: dict | None = None, submit_label: str = "Post job") -> dict | None:
    """A job form (empty or prefilled); returns the fields when submitted. Validation happens in the engine,
    which lists every problem at once."""
    job = job or {}
    with st.form(key):
        title = st.text_input("Title *", value=job.get("title", ""))
        c1, c2 = st.columns(2)
        location = c1.text_input("Location *", value=job.get("location", ""))
        # an imported job's own category (e.g. "Other") stays selectable on its edit form
        cats = list(CATEGORY_NAMES) if job.get("category") in (None, *CATEGORY_NAMES) else [job["category"], *CATEGORY_NAMES]
        category = c2.selectbox("Category *", cats, index=cats.index(job["category"]) if job.get("category") in cats else 0)
        description = st.text_area("Description *", value=job.get("description", ""), height=150)
        requirements = st.text_area("Requirements", value=job.get("requirements", ""))
        responsibilities = st.text_area("Responsibilities", value=job.get("responsibilities", ""))
        c3, c4, c5 = st.columns(3)
        salary_min = c3.number_input("Minimum salary (yearly)", value=job.get("salary_min"), step=1000, min_value=None)
        salary_max = c4.number_input("Maximum salary (yearly)", value=job.get("salary_max"), step=1000, min_value=None)
        current = date.fromisoformat(job["deadline"]) if job.get("deadline") else date.today() + timedelta(days=30)
        deadline = c5.date_input("Deadline", value=current)
        c6, c7, c8 = st.columns(3)
        types = list(EMPLOYMENT_TYPES)
        employment_type = c6.selectbox("Employment type", types,
                                       index=types.index(job["employment_type"]) if job.get("employment_type") in types else 0)
        remote = c7.checkbox("Remote", value=bool(job.get("remote")))
        contact_email = c8.text_input("Contact email", value=job.get("contact_email") or "")
        skills = st.text_input("Required skills (comma separated)", value=", ".join(job.get("required_skills") or []))
        if not st.form_submit_button(submit_label, type="primary"):
            return None
    return dict(title=title, location=location, category=category, description=description,
                requirements=requirements, responsibilities=responsibilities, salary_min=salary_min,
                salary_max=salary_max, deadline=deadline, employment_type=employment_type, remote=remote,
                contact_email=contact_email, required_skills=skills)


FIT_INPUTS = ("id", "resume_id", "resume_version_id", "candidate_skills", "candidate_experience",
              "candidate_education", "candidate_headline", "candidate_location")


def title_check(key: str) -> None:
    """A title box outside the job form (a form only reruns on submit): as a recruiter types a title it
    offers the O*NET occupations it may mean ("Did you mean: Data Scientists, 15-2051.00")."""
    from engine.occupations.jobs import start_background_assign, suggest_occupations
    from engine.occupations.match import matcher_ready

    typed = st.text_input("Check a job title", key=key, placeholder="e.g. ML engineer, RN, line cook",
                          help="Shows the standard occupations (O*NET) candidates will find this job under.")
    if not typed.strip():
        return
    if not matcher_ready():
        start_background_assign()
        st.caption("Occupation suggestions are being prepared (about a minute, once). Try again shortly.")
        return
    try:
        found = suggest_occupations(typed)
    except ValueError as exc:
        st.warning(str(exc))
        return
    if found:
        st.caption("Did you mean: " + "; ".join(f"**{safe(m.title)}**, {m.code}" for m in found))
    else:
        st.caption("No standard occupation matches this title closely.")


@st.cache_data(ttl=300, show_spinner=False, max_entries=256)
def _ranked(_db, _actor, job_id: int, user_id: int, signature: tuple) -> list:
    """The fit ranking of one job's applicants, kept while what it reads is unchanged (the signature): encoding
    every applicant's profile on each rerun made the dashboard the slowest page."""
    from engine.recsys.fit import rank_applicants

    return list(rank_applicants(_db, _actor, job_id) or [])


def rank_by_fit(db, actor, job_id: int, applicants: list[dict]) -> tuple[list[dict], bool]:
    """Applicants best fit first when the recommender's rank_applicants is there; plain order otherwise.
    Accepts its answer as dicts (application_id or id, with fit_score or score) or (application_id, score) pairs."""
    # what the fit reads (the resume or the profile), not the application's own changes: a status change
    # re-encoded every applicant and could reorder near-equal fits under the recruiter's cursor
    signature = tuple(sorted(tuple(a.get(k) for k in FIT_INPUTS) for a in applicants))
    try:
        ranked = _ranked(db, actor, job_id, actor.user_id, signature)
    except Exception as exc:  # the ranking is a help, never a reason to hide applicants
        st.caption(f"Fit ranking unavailable ({type(exc).__name__}); showing applicants by date.")
        return applicants, False
    scores: dict[int, float] = {}
    details: dict[int, dict] = {}   # what the score read, and the skills it found and missed
    for item in ranked or []:
        if isinstance(item, dict):
            key = item.get("application_id", item.get("id"))
            score = item.get("fit_score", item.get("score"))
            if key is not None:
                details[int(key)] = {k: item[k] for k in ("source_label", "matched_skills", "missing_skills") if k in item}
        else:
            key, score = item[0], item[1]
        if key is not None and score is not None:
            scores[int(key)] = float(score)
    for app in applicants:
        if app["id"] in scores:
            app["fit_score"] = scores[app["id"]]
            app["fit"] = details.get(app["id"], {})
    return sorted(applicants, key=lambda a: -(a.get("fit_score") if a.get("fit_score") is not None else -1)), True


def posting_checks(db, actor, job: dict) -> None:
    """After a job is posted: the fraud screening's score and the category classifier's suggestion, with a
    one-click fix when the suggestion differs from the category chosen."""
    from engine import decisions, recruiting
    from engine.recsys import classifier, fraud

    threshold = fraud.risk_threshold()
    if job.get("fraud_score") is None:
        st.caption("Fraud screening: not screened (no model on this server; `python -m engine train fraud`).")
    else:
        verdict = "held for review" if job["status"] == "pending_review" else "passed"
        st.caption(f"Fraud screening: risk {job['fraud_score']:.2f} (review at ≥ {threshold:.2f}) — {verdict}.")
    suggestion = classifier.suggest_category(job)
    if suggestion is None:
        st.caption("Category check: no classifier on this server (`python -m engine train classifier`).")
        return
    best, probability, top3 = suggestion
    decisions.record_category_suggestion(db, actor, job, top3)
    others = ", ".join(f"{c} {p:.0%}" for c, p in top3[1:])
    if best == job["category"]:
        st.caption(f"Category check: '{best}' agrees with the classifier ({probability:.0%}; then {others}).")
        return
    st.info(f"The classifier suggests '{best}' ({probability:.0%}) rather than '{safe(job['category'])}'.")
    if st.button(f"Change the category to {best}", key=f"use_category_{job['id']}"):
        try:
            recruiting.edit_job(db, actor, job["id"], {"category": best})
            st.success(f"Category changed to {best}.")
        except Exception as exc:  # noqa: BLE001 - a page never crashes on a failed edit
            st.error(str(exc))
