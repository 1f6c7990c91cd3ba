"""Job widgets shared by the browsing pages (and by other areas' pages): filters, a job card, pagination.

Other pages show jobs with ``job_card(job)``; extra controls go in through ``footer=`` (a function that draws
inside the card, e.g. a save or apply button), so a card never needs copying.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import streamlit as st

from engine import jobs
from engine.occupations.jobs import occupation_facet
from ui.text import safe

SALARY_CEILING = 300_000
SALARY_STEP = 5_000
POSTED_SINCE = {"Any time": None, "Past 24 hours": 1, "Past week": 7, "Past month": 30, "Past 3 months": 90}
SORT_LABELS = {"relevance": "Best match", "newest": "Newest", "salary": "Highest salary", "deadline": "Closing soon"}
REMOTE_CHOICES = {"Any": None, "Remote only": True, "On-site only": False}
JOB_PAGE = "pages/job.py"


def salary_text(job: dict) -> str:
    lo, hi = job.get("salary_min"), job.get("salary_max")
    currency = job.get("salary_currency") or "USD"
    if lo and hi and lo != hi:
        return f"{currency} {lo:,} – {hi:,}"
    if lo or hi:
        return f"{currency} {(hi or lo):,}"
    return "Salary not stated"


def work_mode(job: dict) -> str:
    return {1: "Remote", 0: "On-site"}.get(job.get("remote"), "")


def job_link(job: dict, label: str | None = None) -> None:
    st.page_link(JOB_PAGE, label=safe(label or job["title"]), icon=":material/work:", query_params={"id": str(job["id"])})


def skill_badges(skills: list[str], limit: int = 8) -> str:
    shown = [safe(s).replace("\\[", "(").replace("\\]", ")") for s in skills[:limit]]
    more = f" +{len(skills) - limit}" if len(skills) > limit else ""
    return " ".join(f":blue-badge[{s}]" for s in shown) + more


def occupation_text(occupation) -> str:
    """"Data Scientists (O*NET 15-2051.00)" for an OccupationMatch, "" for None."""
    return f"{occupation.title} (O*NET {occupation.code})" if occupation else ""


def job_card(job: dict, *, footer: Callable[[dict], None] | None = None, snippet_chars: int = 220) -> None:
    """One job as a bordered card whose title opens the job page (with its occupation when it has one)."""
    with st.container(border=True):
        left, right = st.columns([4, 1])
        with left:
            job_link(job)
            facts = [job.get("company"), job.get("location"), job.get("category"), work_mode(job),
                     job.get("employment_type"), f"posted {job.get('created_date')}"]
            st.caption(" · ".join(safe(f) for f in facts if f))
            if job.get("occupation"):
                st.caption(f":material/badge: {safe(occupation_text(job['occupation']))}")
        right.markdown(f"**{salary_text(job)}**")
        if job.get("required_skills"):
            st.markdown(skill_badges(job["required_skills"]))
        text = " ".join((job.get("description") or "").split())
        if text:
            st.markdown(safe(text[:snippet_chars]) + ("…" if len(text) > snippet_chars else ""))
        if footer:
            footer(job)


def job_filters(conn, key: str = "browse") -> jobs.JobFilters:
    """Search box, sort and filters; returns the filters (page number from this key's pagination)."""
    top = st.columns([4, 1])
    query = top[0].text_input("Search jobs", key=f"{key}_q", placeholder="Job title, skill, company or place",
                              help="All words must match; quotes and operators are treated as plain words.")
    sort = top[1].selectbox("Sort by", list(SORT_LABELS), format_func=SORT_LABELS.get, key=f"{key}_sort")
    facet = occupation_facet(conn)
    codes = [None, *(code for code, _, _ in facet)]
    labels = {code: f"{title} ({code}) · {n:,}" for code, title, n in facet}
    wanted = str(st.query_params.get("occupation", "")) or None   # "all Software Developers jobs" links
    if wanted in codes and f"{key}_occupation" not in st.session_state:
        st.session_state[f"{key}_occupation"] = wanted
    if st.session_state.get(f"{key}_occupation") not in codes:   # its last job closed since it was chosen
        st.session_state.pop(f"{key}_occupation", None)
    with st.expander("Filters", expanded=bool(st.session_state.get(f"{key}_occupation")), icon=":material/tune:"):
        occupation = st.selectbox("Occupation (O*NET)", codes, key=f"{key}_occupation",
                                  format_func=lambda c: "All occupations" if c is None else labels.get(c, c),
                                  help="Each job's title matched to an O*NET occupation by Job-Rec.",
                                  disabled=not facet)
        row = st.columns([2, 1, 1, 1])
        category = row[0].multiselect("Category", jobs.categories(conn), key=f"{key}_category", placeholder="All categories")
        location = row[1].text_input("Location", key=f"{key}_location", placeholder="City or country")
        remote = row[2].selectbox("Work mode", list(REMOTE_CHOICES), key=f"{key}_remote")
        posted = row[3].selectbox("Posted", list(POSTED_SINCE), key=f"{key}_posted")
        salary = st.slider("Yearly salary", 0, SALARY_CEILING, (0, SALARY_CEILING), step=SALARY_STEP,
                           key=f"{key}_salary", format="%d")
    days = POSTED_SINCE[posted]
    filters = jobs.JobFilters(
        query=query, category=category or None, location=location, remote=REMOTE_CHOICES[remote],
        posted_since=(date.today() - timedelta(days=days)).isoformat() if days else None,
        salary_min=salary[0] or None, salary_max=salary[1] if salary[1] < SALARY_CEILING else None,
        sort=sort, occupation=occupation if occupation in codes else None,
    )
    # A new search starts again at page 1.
    signature = (query, sort, tuple(category), location, remote, posted, salary, occupation)
    if st.session_state.get(f"{key}_signature") != signature:
        st.session_state[f"{key}_signature"] = signature
        st.session_state[f"{key}_page"] = 1
    filters.page = int(st.session_state.get(f"{key}_page", 1))
    return filters


def _step(key: str, delta: int, pages: int) -> None:
    st.session_state[key] = min(max(1, int(st.session_state.get(key, 1)) + delta), pages)


def pagination(total_pages: int, key: str = "browse") -> None:
    """Previous / page number / next, bound to ``st.session_state[f"{key}_page"]``."""
    state_key = f"{key}_page"
    total_pages = max(1, total_pages)
    st.session_state[state_key] = min(max(1, int(st.session_state.get(state_key, 1))), total_pages)
    current = st.session_state[state_key]
    cols = st.columns([1, 1, 1, 3], vertical_alignment="bottom")
    cols[0].button("Previous", icon=":material/chevron_left:", key=f"{key}_prev", disabled=current <= 1,
                   on_click=_step, args=(state_key, -1, total_pages), width="stretch")
    cols[1].number_input("Page", min_value=1, max_value=total_pages, step=1, key=state_key)
    cols[2].button("Next", icon=":material/chevron_right:", key=f"{key}_next", disabled=current >= total_pages,
                   on_click=_step, args=(state_key, 1, total_pages), width="stretch")
    cols[3].caption(f"Page {current} of {total_pages:,}")


def save_toggle(conn, actor, job: dict, *, key_prefix: str = "save") -> None:
    """Save / Saved button for a candidate (nothing for other roles)."""
    if actor is None or not actor.is_candidate:
        return
    saved = jobs.is_saved(conn, actor, job["id"])
    label, icon = ("Saved", ":material/bookmark_added:") if saved else ("Save", ":material/bookmark_border:")
    if st.button(label, icon=icon, key=f"{key_prefix}_{job['id']}", help="Click to unsave" if saved else "Save for later"):
        try:
            (jobs.unsave_job if saved else jobs.save_job)(conn, actor, job["id"])
        except Exception as exc:  # a job closed meanwhile: say so, keep the page
            st.error(str(exc))
        else:
            st.rerun()
