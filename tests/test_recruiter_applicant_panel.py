"""The recruiter's applicant panel keeps its identity through a status change: its label (status, fit) and
its place in the fit ranking change, the panel does not. Before, each change replaced the panel (a new,
closed expander with new widgets), and a click landing while it was being replaced was lost (the recruiter
journey clicked "Change status" up to three times)."""
from applications_fixtures import World
from conftest import open_page

from engine import applications as A
from engine.recsys import fit
from ui.recruiting import _ranked


def test_a_status_change_keeps_the_applicant_panel_and_its_fit_ranking(db, monkeypatch):
    w = World(db)
    app_id = A.apply(db, w.cand, w.job_a)["id"]
    calls = []
    real = fit.rank_applicants
    monkeypatch.setattr(fit, "rank_applicants", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    _ranked.clear()  # the process-wide cache may hold an earlier test's ranking of the same ids
    at = open_page("pages/recruiter.py", w.rec_a, timeout=60, job=w.job_a)
    assert not at.exception
    # the panel is found by its own key, whatever its label says
    assert "Applied" in at.get_by_key(f"applicant_{app_id}").label
    at.selectbox(key=f"next_{app_id}").set_value("under_review")
    at.button(key=f"change_{app_id}").click().run()
    assert not at.exception and A.get_application(db, w.admin, app_id)["status"] == "under_review"
    assert "Under review" in at.get_by_key(f"applicant_{app_id}").label
    # one run shows the change (a callback, not a st.rerun() that could replace a page clicked meanwhile)
    assert [m.value for m in at.success] == ["Now Under review."]
    # the ranking reads the applicants' resumes and profiles, which a status change leaves as they were
    assert calls == [w.job_a]


def test_a_change_status_click_carrying_the_choice_shown_before_the_last_change(db):
    """A click that reaches the server before the page has drawn the previous change carries the choice the
    select box still showed, and Streamlit hands back a choice that is no longer among the options as its
    label ('Under review', not 'under_review'). The recruiter then read "Unknown status 'Under review'.
    Known: applied, under_review, ..."; now the change is refused in words: it already is Under review."""
    w = World(db)
    app_id = A.apply(db, w.cand, w.job_a)["id"]
    at = open_page("pages/recruiter.py", w.rec_a, timeout=60, job=w.job_a)
    at.selectbox(key=f"next_{app_id}").set_value("under_review")
    at.button(key=f"change_{app_id}").click().run()
    assert A.get_application(db, w.admin, app_id)["status"] == "under_review"

    stale = at.selectbox(key=f"next_{app_id}")
    stale.options = [*stale.options, "Under review"]   # what the page still showed when the click was made
    stale.set_value("under_review")
    at.button(key=f"change_{app_id}").click().run()
    assert not at.exception
    assert A.get_application(db, w.admin, app_id)["status"] == "under_review"
    [error] = [e.value for e in at.error]
    assert "Unknown status" not in error
    assert error.startswith("An application that is 'Under review' cannot become 'Under review'.")
