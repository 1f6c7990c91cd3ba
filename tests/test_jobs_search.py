"""Search ordering and paging after the speed work (indexes in m110, id-first paging, capped bm25)."""
from datetime import date, timedelta

import pytest

from engine import jobs
from engine.datasets.generator import generate_jobs


def _job(title, description="", days_old=0, **kw):
    created = (date.today() - timedelta(days=days_old)).isoformat()
    return dict(title=title, description=description or f"{title} wanted", company="Acme", location="Austin, TX",
                category="Software Engineering", created_date=created, required_skills=[], **kw)


def test_title_matches_rank_first(db):
    jobs.add_jobs(db, [_job("Office Manager", "You will report to our Python team lead", days_old=0),
                       _job("Python Developer", "Build services", days_old=5)])
    titles = [j["title"] for j in jobs.search_jobs(db, jobs.JobFilters(query="python")).jobs]
    assert titles == ["Python Developer", "Office Manager"]


def test_broad_queries_fall_back_to_title_first_then_newest(db, monkeypatch):
    monkeypatch.setattr(jobs, "RANK_CAP", 1)
    jobs.add_jobs(db, [_job("Office Manager", "Python tooling", days_old=0),
                       _job("Python Developer", "Old posting", days_old=9),
                       _job("Senior Python Developer", "New posting", days_old=1)])
    titles = [j["title"] for j in jobs.search_jobs(db, jobs.JobFilters(query="python")).jobs]
    assert titles == ["Senior Python Developer", "Python Developer", "Office Manager"]


@pytest.mark.parametrize("sort", ["newest", "salary", "deadline", "relevance"])
def test_pages_cover_every_match_once_in_order(db, sort):
    jobs.add_jobs(db, generate_jobs(120, seed=2))
    f = dict(sort=sort, per_page=7, query="senior" if sort == "relevance" else "")
    first = jobs.search_jobs(db, jobs.JobFilters(**f))
    seen = [j["id"] for p in range(1, first.pages + 1) for j in jobs.search_jobs(db, jobs.JobFilters(page=p, **f)).jobs]
    assert len(seen) == len(set(seen)) == first.total > 7
    rows = {j["id"]: j for j in jobs.search_jobs(db, jobs.JobFilters(**{**f, "per_page": 100})).jobs}
    if sort == "newest":
        dates = [rows[i]["created_date"] for i in seen[:100]]
        assert dates == sorted(dates, reverse=True)
    if sort == "salary":
        pay = [rows[i]["salary_max"] for i in seen[:100]]
        assert pay == sorted(pay, reverse=True)
    if sort == "deadline":
        deadlines = [rows[i]["deadline"] for i in seen[:100]]
        assert deadlines == sorted(deadlines)


def test_keyword_with_filters_counts_only_visible_matches(db):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    jobs.add_jobs(db, [_job("Data Engineer", remote=1, salary_min=90000, salary_max=120000),
                       _job("Data Engineer II", remote=0, salary_min=90000, salary_max=120000),
                       _job("Data Engineer III", remote=1, salary_min=40000, salary_max=50000),
                       _job("Data Engineer IV", remote=1, deadline=yesterday, salary_min=90000, salary_max=99000)])
    r = jobs.search_jobs(db, jobs.JobFilters(query="data engineer", remote=True, salary_min=80000, location="austin"))
    assert r.total == 1 and [j["title"] for j in r.jobs] == ["Data Engineer"]
