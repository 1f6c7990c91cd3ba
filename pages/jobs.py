"""Browse jobs: keyword search (FTS5), filters, sort and pagination over the whole catalogue."""
import streamlit as st

from engine import jobs
from engine.occupations.jobs import with_occupations
from ui import job_widgets
from ui.session import current_actor, db

actor = current_actor()  # guests may browse too
conn = db()
st.title("Browse jobs")

filters = job_widgets.job_filters(conn, key="browse")
try:
    result = jobs.search_jobs(conn, filters)
    if result.total and filters.page > result.pages:  # the catalogue shrank under a deep page
        filters.page = result.pages
        st.session_state["browse_page"] = result.pages
        result = jobs.search_jobs(conn, filters)
except Exception as exc:  # never crash the page on a search problem
    st.error(f"The search could not run: {exc}")
    st.stop()

if result.total == 0:
    if jobs.search_jobs(conn, jobs.JobFilters(per_page=1)).total == 0:
        st.info("There are no open jobs yet. An administrator can load the catalogue with "
                "`python -m engine init` (generated jobs) or `python -m engine import-jobs FILE`.")
    else:
        st.info("No jobs match this search. Try fewer words, or clear some filters.")
    st.stop()

first = (result.page - 1) * result.per_page + 1
more = "+" if result.capped else ""
st.caption(f"{result.total:,}{more} jobs · showing {first:,}–{first + len(result.jobs) - 1:,}")
for job in with_occupations(conn, result.jobs):
    job_widgets.job_card(job, footer=lambda j: job_widgets.save_toggle(conn, actor, j))
job_widgets.pagination(result.pages, key="browse")
