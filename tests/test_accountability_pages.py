"""The accountability features in the app (Streamlit AppTest): anonymised screening hides what it must,
rejection with a reason, the one-click override, the AI notice, the candidate's data rights."""
import pytest
from applications_fixtures import World
from conftest import open_page

from engine import anonymise, oversight
from engine import applications as A

TIMEOUT = 90


@pytest.fixture
def w(db):
    return World(db)


def everything_shown(at) -> str:
    """Every value and label the page sent to the browser (the element tree's protobufs, as text)."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def test_anonymised_screening_never_sends_hidden_fields_to_the_page(w):
    w.db.execute("UPDATE users SET headline = 'She is a data engineer, call +49 170 1234567', "
                 "experience = 'Mrs Müller, 41 years old, led the team' WHERE id = ?", [w.cand.user_id])
    app_id = A.apply(w.db, w.cand, w.job_a, cover_letter="I am José, jose@cand.test. He/him.")["id"]
    at = open_page("pages/recruiter.py", w.rec_a, timeout=TIMEOUT, tab="applicants", job=w.job_a)
    assert not at.exception and "José Müller" in everything_shown(at)   # the control: visible when off
    anonymise.set_anonymised_review(w.db, w.rec_a, w.job_a, True)
    at = open_page("pages/recruiter.py", w.rec_a, timeout=TIMEOUT, tab="applicants", job=w.job_a)
    shown = everything_shown(at)
    assert not at.exception and f"Candidate #{app_id}" in shown
    for hidden in ("José", "Müller", "jose@cand.test", "1234567", "41 years", "She is", "Mrs", "He/him"):
        assert hidden not in shown, hidden


def test_recruiter_rejects_with_a_reason_and_overrides_the_ranking(w):
    app_id = A.apply(w.db, w.cand, w.job_a)["id"]
    A.change_status(w.db, w.rec_a, app_id, "under_review")
    at = open_page("pages/recruiter.py", w.rec_a, timeout=TIMEOUT, tab="applicants", job=w.job_a)
    at.button(key=f"pin_{app_id}").click().run()
    assert oversight.pinned_applications(w.db, w.rec_a, w.job_a) == [app_id]
    at.selectbox(key=f"next_{app_id}").set_value("rejected").run()
    at.button(key=f"change_{app_id}").click().run()
    assert any("Pick a reason" in e.value for e in at.error)          # no reason: refused, nothing moves
    assert A.get_application(w.db, w.admin, app_id)["status"] == "under_review"
    at.selectbox(key=f"reason_{app_id}").set_value("Position filled").run()
    at.button(key=f"change_{app_id}").click().run()
    assert not at.exception and A.get_application(w.db, w.admin, app_id)["status"] == "rejected"
    assert "The position has now been filled." in w.db.execute("SELECT body FROM outbox ORDER BY id DESC").fetchone()[0]


def test_candidate_sees_the_ai_notice_and_deletes_their_account(w):
    at = open_page("pages/job.py", w.cand, timeout=TIMEOUT, id=w.job_a)   # where they apply
    assert not at.exception and any("ranks the applications" in c.value for c in at.caption)
    A.apply(w.db, w.cand, w.job_a)
    at = open_page("pages/my_applications.py", w.cand, timeout=TIMEOUT)
    assert not at.exception and any("ranks the applications" in c.value for c in at.caption)
    at = open_page("pages/account.py", w.cand, timeout=TIMEOUT)
    assert not at.exception
    at.text_input(key="delete_confirm").set_value("jose@cand.test")
    at.button(key="delete_account").click().run()
    assert not at.exception
    assert w.db.execute("SELECT name, deleted_at IS NOT NULL FROM users WHERE id = ?",
                        [w.cand.user_id]).fetchone() == ("Deleted candidate", 1)


def test_recruiter_edits_the_company_reason_list(w):
    at = open_page("pages/recruiter.py", w.rec_a, timeout=TIMEOUT, tab="applicants", job=w.job_a)
    assert not at.exception
    oversight.set_rejection_reasons(w.db, w.rec_a, [("Needs German", "The role needs fluent German.")])
    A.change_status(w.db, w.rec_a, A.apply(w.db, w.cand, w.job_a)["id"], "under_review")
    at = open_page("pages/recruiter.py", w.rec_a, timeout=TIMEOUT, tab="applicants", job=w.job_a)
    assert not at.exception
    app_id = A.list_for_job(w.db, w.rec_a, w.job_a)[0]["id"]
    at.selectbox(key=f"next_{app_id}").set_value("rejected").run()
    assert at.selectbox(key=f"reason_{app_id}").options == ["Needs German"]
