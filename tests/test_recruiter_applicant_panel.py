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
