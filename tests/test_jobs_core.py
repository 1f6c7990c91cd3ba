from datetime import date, timedelta

import pytest

from engine import jobs
from engine.authz import Actor, NotFound


def _job(title, **kw):
    base = dict(title=title, description=f"{title} role", company="Acme", location="Berlin, Germany",
                category="Engineering", required_skills=["Python"], salary_min=50000, salary_max=70000)
    base.update(kw)
    return base


def test_add_jobs_skips_duplicates(db):
    assert jobs.add_jobs(db, [_job("Data Engineer"), _job("Data Engineer"), _job("Nurse")]) == (2, 1)


def test_search_matches_words_and_ignores_fts_operators(db):
    jobs.add_jobs(db, [_job("Data Engineer", required_skills=["SQL", "Spark"]), _job("Registered Nurse", category="Healthcare")])
    for q in ['data', '"data" AND', 'spark)', 'NEAR(data', "nurse'"]:
        result = jobs.search_jobs(db, jobs.JobFilters(query=q))
        assert result.total == 1, q
    assert jobs.search_jobs(db, jobs.JobFilters(query='"')).total == 2  # nothing searchable -> everything


def test_filters_and_pagination(db):
    jobs.add_jobs(db, [_job(f"Engineer {i}", salary_min=1000 * i, salary_max=1000 * i, remote=i % 2) for i in range(1, 26)])
    r = jobs.search_jobs(db, jobs.JobFilters(salary_min=20000, per_page=4, sort="salary"))
    assert r.total == 6 and r.pages == 2 and r.jobs[0]["salary_max"] == 25000
    assert jobs.search_jobs(db, jobs.JobFilters(remote=True)).total == 13
    assert jobs.search_jobs(db, jobs.JobFilters(category="Healthcare")).total == 0


def test_expired_and_pending_jobs_are_hidden(db):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    jobs.add_jobs(db, [_job("Old", deadline=yesterday), _job("Suspicious", status="pending_review"), _job("Fine")])
    assert [j["title"] for j in jobs.search_jobs(db, jobs.JobFilters()).jobs] == ["Fine"]
    hidden = next(r["id"] for r in db.query("SELECT id FROM jobs WHERE title = 'Suspicious'"))
    with pytest.raises(NotFound):
        jobs.get_job(db, hidden, Actor(1, "candidate"))
    assert jobs.get_job(db, hidden, Actor(1, "admin"))["title"] == "Suspicious"


def test_save_and_unsave(db):
    db.execute("INSERT INTO users (email, password_hash, role, name, created_at, updated_at) VALUES ('a@b.c', 'x', 'candidate', 'A', '', '')")
    jobs.add_jobs(db, [_job("Data Engineer")])
    me = Actor(1, "candidate")
    jobs.save_job(db, me, 1)
    jobs.save_job(db, me, 1)
    assert [j["title"] for j in jobs.saved_jobs(db, me)] == ["Data Engineer"]
    jobs.unsave_job(db, me, 1)
    assert jobs.saved_jobs(db, me) == []
