"""Recommendation panels: a candidate's top jobs (home and profile pages) and similar jobs (job page).

While the job index of a large catalogue builds in the background, the panel shows its progress and polls
it; browsing and search keep working meanwhile.
"""
from __future__ import annotations

import streamlit as st

from engine import accounts
from engine.authz import NotFound
from engine.occupations.jobs import (assignment_needed, match_explanations, profile_occupation,
                                     start_background_assign)
from engine.occupations.match import matcher_ready
from engine.recsys import encoder as enc
from engine.recsys.index import IndexNotReady, start_background_build
from engine.recsys.recommend import EmptyProfile, Recommendation, recommend_placed, similar_jobs
from ui.job_widgets import job_link, occupation_text
from ui.session import db
from ui.text import safe

PROFILE_PAGE = "pages/account.py"


@st.cache_resource(show_spinner="Loading the matching model ...")
def _encoder():
    """One model per server process, shared by every session (it is read-only)."""
    return enc.load_encoder()


NEARNESS = {"near": "near you", "remote": "remote", "country": "in your country", "far": "far from you"}


def _render_list(recs: list[Recommendation], with_skills: bool = True, reasons: dict[int, str] | None = None) -> None:
    for rec in recs:
        with st.container(border=True):
            left, right = st.columns([3, 1])
            with left:
                job_link({"id": rec.job_id, "title": rec.title})
                where = f"{rec.location} ({NEARNESS[rec.nearness]})" if rec.nearness in NEARNESS else rec.location
                level = "" if rec.level_fit is not False else "not your level"
                st.caption(" · ".join(safe(x) for x in (rec.company, where, rec.category, level) if x))
            score = min(max(rec.score, 0.0), 1.0)
            right.progress(score, text=f"{score:.0%} match")
            if with_skills and (rec.matched_skills or rec.missing_skills):
                have = ", ".join(f":green[{safe(s)}]" for s in rec.matched_skills) or "—"
                lack = ", ".join(f":orange[{safe(s)}]" for s in rec.missing_skills) or "—"
                st.caption(f"You have: {have}  \nTo learn: {lack}")
            if reasons and rec.job_id in reasons:
                st.caption(f":material/badge: {safe(reasons[rec.job_id])}")


def _occupation_reasons(actor, recs: list[Recommendation]) -> dict[int, str]:
    """Which recommended jobs share the candidate's occupation; starts matching the catalogue's jobs to
    occupations in the background the first time (the encoder is loaded here anyway)."""
    try:
        conn = db()
        if assignment_needed(conn):
            start_background_assign()
        return match_explanations(conn, accounts.get_profile(conn, actor), [r.job_id for r in recs])
    except Exception:  # an explanation is extra: never break the panel
        return {}


def render_profile_occupation(profile: dict) -> None:
    """"Your occupation: Data Scientists (O*NET 15-2051.00)", from the headline, once the matcher is ready."""
    if not matcher_ready():
        return
    occupation = profile_occupation(profile)
    if occupation is not None:
        st.caption(f":material/badge: Your occupation, from your headline: {safe(occupation_text(occupation))}")


def _render_build_progress(status) -> None:
    """Poll the background build every 2 s and rerun the page once it is done."""

    @st.fragment(run_every=2)
    def poll() -> None:
        if status.state == "ready":
            st.rerun()
        if status.state == "failed":
            st.error(f"Building the job index failed: {status.error}")
            return
        st.progress(status.fraction, text=f"Preparing recommendations: {status.done:,} of {status.total:,} jobs analysed. "
                                          "You can browse and search jobs meanwhile.")

    poll()


def _notice() -> None:
    notice = enc.encoder_notice()
    if notice:
        st.caption(f":material/info: {notice}")


def render_recommendations(actor, k: int = 5) -> None:
    """Top-k jobs for a signed-in candidate, with score bars and matched/missing skills."""
    st.subheader("Recommended for you")
    if actor is None or not actor.is_candidate:
        return
    _encoder()
    try:
        placed = recommend_placed(db(), actor, k=k)
        recs = placed.recommendations
    except EmptyProfile as exc:
        st.info(str(exc))
        try:
            st.page_link(PROFILE_PAGE, label="Add skills to your profile", icon=":material/edit:")
        except Exception:  # the profile page is not in this app's navigation
            pass
        return
    except IndexNotReady:
        _render_build_progress(start_background_build())
        return
    except Exception as exc:  # never break the page
        st.error(f"Recommendations are unavailable right now: {exc}")
        return
    if not recs:
        st.info("No open jobs match your profile yet. Check back soon.")
    elif placed.note:
        st.info(placed.note, icon=":material/location_on:")
    _render_list(recs, reasons=_occupation_reasons(actor, recs))
    _notice()


def render_similar_jobs(job: dict, k: int = 5) -> None:
    """Top-k jobs like this one (itself excluded)."""
    st.subheader("Similar jobs")
    _encoder()
    try:
        recs = similar_jobs(db(), int(job["id"]), k=k)
    except IndexNotReady:
        _render_build_progress(start_background_build())
        return
    except NotFound:
        return
    except Exception as exc:
        st.error(f"Similar jobs are unavailable right now: {exc}")
        return
    if not recs:
        st.caption("No similar open jobs right now.")
    _render_list(recs, with_skills=False)
