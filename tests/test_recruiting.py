"""Recruiters' jobs: validation, company scope, permissions, fraud hold and the admin's review."""
import pytest
from applications_fixtures import World, future, make_company, make_user, past

from engine import applications as A
from engine import recruiting as R
from engine.authz import AccessDenied, NotFound
from engine.jobs import JobFilters, search_jobs


@pytest.fixture
def w(db):
    return World(db)


def _form(**kw):
    base = dict(title="Backend Engineer", description="Build APIs", location="Remote", category="Software Engineering",
                deadline=future(), salary_min=60000, salary_max=80000, contact_email="jobs@acme.test",
                required_skills="Python, SQL", employment_type="Full-time")
    base.update(kw)
    return base


def test_post_job_for_own_company(w):
    job = R.post_job(w.db, w.rec_a, _form())
    assert (job["company_id"], job["company"], job["status"], job["posted_by"]) == (w.company_a, "Acme", "open", w.rec_a.user_id)
    assert job["required_skills"] == ["Python", "SQL"]
    assert any(j["id"] == job["id"] for j in search_jobs(w.db, JobFilters(query="Backend")).jobs)


def test_validation_lists_every_problem(w):
    with pytest.raises(R.JobValidationError) as err:
        R.post_job(w.db, w.rec_a, _form(title=" ", description="", deadline=past(), salary_min=-5,
                                        salary_max="lots", contact_email="not-an-email"))
    problems = err.value.problems
    assert problems == ["Title is required", "Description is required", "Deadline is in the past",
                        "Minimum salary cannot be negative", "Maximum salary must be a number",
                        "Contact email 'not-an-email' is not a valid address"]
    with pytest.raises(R.JobValidationError, match="Minimum salary is above the maximum"):
        R.post_job(w.db, w.rec_a, _form(salary_min=90000, salary_max=80000))
    assert w.db.execute("SELECT count(*) FROM jobs WHERE title = 'Backend Engineer'").fetchone()[0] == 0


def test_posting_needs_the_permission(w):
    no_post = make_company(w.db, "Initech", permissions=("view_applicants",))
    rec = make_user(w.db, "r@initech.test", "recruiter", company_id=no_post)
    with pytest.raises(AccessDenied, match="post jobs"):
        R.post_job(w.db, rec, _form())
    with pytest.raises(AccessDenied):
        R.post_job(w.db, w.cand, _form())
    pending = make_company(w.db, "Pending Co", access="pending")
    with pytest.raises(AccessDenied):
        R.post_job(w.db, make_user(w.db, "r@pending.test", "recruiter", company_id=pending), _form())


def test_edit_and_close_only_own_company(w):
    job = R.post_job(w.db, w.rec_a, _form())
    before = job["updated_at"]
    edited = R.edit_job(w.db, w.rec_a, job["id"], {"title": "Senior Backend Engineer", "salary_max": 95000})
    assert (edited["title"], edited["salary_max"]) == ("Senior Backend Engineer", 95000) and edited["updated_at"] >= before
    for call in (lambda: R.edit_job(w.db, w.rec_b, job["id"], {"title": "Hacked"}),
                 lambda: R.close_job(w.db, w.rec_b, job["id"]),
                 lambda: R.edit_job(w.db, w.rec_a, 99999, {"title": "x"})):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(R.JobValidationError, match="Title is required"):
        R.edit_job(w.db, w.rec_a, job["id"], {"title": ""})
    assert [j["id"] for j in R.list_company_jobs(w.db, w.rec_b)] == [w.job_b]
    closed = R.close_job(w.db, w.rec_a, job["id"])
    assert closed["status"] == "closed"
    with pytest.raises(NotFound):
        A.apply(w.db, w.cand, job["id"])


def test_edit_keeps_an_old_deadline_but_refuses_a_new_past_one(w):
    job = R.post_job(w.db, w.rec_a, _form())
    w.db.execute("UPDATE jobs SET deadline = ? WHERE id = ?", [past(3), job["id"]])
    assert R.edit_job(w.db, w.rec_a, job["id"], {"title": "Renamed"})["title"] == "Renamed"
    with pytest.raises(R.JobValidationError, match="Deadline is in the past"):
        R.edit_job(w.db, w.rec_a, job["id"], {"deadline": past(1)})


def test_risky_posting_is_held_for_review_and_admin_told(w):
    job = R.post_job(w.db, w.rec_a, _form(title="Easy money from home"), risk_scorer=lambda j: 0.87)
    assert (job["status"], job["fraud_score"]) == ("pending_review", 0.87)
    assert [o["to_email"] for o in w.db.query("SELECT to_email FROM outbox WHERE kind = 'review'")] == ["admin@jx.test"]
    assert all(j["id"] != job["id"] for j in search_jobs(w.db, JobFilters()).jobs)
    with pytest.raises(NotFound):
        A.apply(w.db, w.cand, job["id"])
    assert [j["id"] for j in R.pending_jobs(w.db, w.admin)] == [job["id"]]
    with pytest.raises(AccessDenied):
        R.review_pending_job(w.db, w.rec_a, job["id"], "approve")
    assert R.review_pending_job(w.db, w.admin, job["id"], "approve")["status"] == "open"
    assert A.inbox(w.db, w.rec_a)[0]["subject"].startswith("Your job posting was approved")
    with pytest.raises(NotFound):
        R.review_pending_job(w.db, w.admin, job["id"], "reject")


def test_low_risk_posting_opens(w):
    job = R.post_job(w.db, w.rec_a, _form(), risk_scorer=lambda j: 0.1)
    assert (job["status"], job["fraud_score"]) == ("open", 0.1)


def test_rejected_posting_stays_hidden(w):
    job = R.post_job(w.db, w.rec_a, _form(title="Wire us a fee"), risk_scorer=lambda j: 0.99)
    assert R.review_pending_job(w.db, w.admin, job["id"], "reject")["status"] == "rejected"
    assert all(j["id"] != job["id"] for j in search_jobs(w.db, JobFilters()).jobs)
