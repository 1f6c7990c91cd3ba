"""Search ordering and paging after the speed work (indexes in m110, id-first paging, capped counts)."""
from datetime import date, timedelta

import pytest

from engine import jobs
from engine.datasets.generator import generate_jobs


def _job(title, description="", days_old=0, **kw):
    created = (date.today() - timedelta(days=days_old)).isoformat()
    job = dict(title=title, description=description or f"{title} wanted", company="Acme", location="Austin, TX",
               category="Software Engineering", created_date=created, required_skills=[])
    return {**job, **kw}


def test_title_matches_rank_first(db):
    jobs.add_jobs(db, [_job("Office Manager", "You will report to our Python team lead", days_old=0),
                       _job("Python Developer", "Build services", days_old=5)])
    titles = [j["title"] for j in jobs.search_jobs(db, jobs.JobFilters(query="python")).jobs]
    assert titles == ["Python Developer", "Office Manager"]


@pytest.mark.parametrize("count_cap", [100, 2])
def test_keyword_results_rank_by_relevance_until_the_count_is_capped_then_newest_first(db, monkeypatch, count_cap):
    monkeypatch.setattr(jobs, "COUNT_CAP", count_cap)
    jobs.add_jobs(db, [_job("Office Manager", "Python tooling", days_old=0),
                       _job("Python Developer", "Old posting", days_old=9),
                       _job("Senior Python Developer", "New posting", days_old=1),
                       _job("Nurse", "Patient care", days_old=0)])
    r = jobs.search_jobs(db, jobs.JobFilters(query="python"))
    titles = [j["title"] for j in r.jobs]
    if count_cap > 3:  # every match seen: bm25, title matches first
        assert set(titles[:2]) == {"Python Developer", "Senior Python Developer"} and titles[2] == "Office Manager"
        assert (r.total, r.capped) == (3, False)
    else:  # more matches than counted: no full ranking possible, newest first
        assert titles == ["Office Manager", "Senior Python Developer", "Python Developer"]
        assert (r.total, r.capped) == (2, True)


def test_a_page_past_the_last_still_reports_the_total(db):
    jobs.add_jobs(db, [_job(f"Python Developer {i}") for i in range(3)])
    r = jobs.search_jobs(db, jobs.JobFilters(query="python", page=5, per_page=2))
    assert (r.jobs, r.total, r.pages) == ([], 3, 2)


def test_browsing_without_keyword_counts_up_to_its_cap(db, monkeypatch):
    monkeypatch.setattr(jobs, "BROWSE_COUNT_CAP", 3)
    jobs.add_jobs(db, [_job(f"Nurse {i}", days_old=i) for i in range(5)])
    r = jobs.search_jobs(db, jobs.JobFilters(sort="newest", per_page=2, page=3))
    assert (r.total, r.capped, [j["title"] for j in r.jobs]) == (3, True, ["Nurse 4"])
    r = jobs.search_jobs(db, jobs.JobFilters(sort="newest", location="Chicago"))
    assert (r.total, r.capped) == (0, False)


def test_category_and_location_narrow_the_full_text_query(db):
    jobs.add_jobs(db, [_job("Data Engineer", location="Austin, TX"),
                       _job("Data Analyst", location="Chicago, IL", category="Data Science & Analytics"),
                       _job("Data Scientist", location="Austin, TX", category="Data Science & Analytics")])
    f = jobs.JobFilters(query="data", category="Data Science & Analytics", location="austin")
    assert [j["title"] for j in jobs.search_jobs(db, f).jobs] == ["Data Scientist"]
    f = jobs.JobFilters(category=["Data Science & Analytics", "Software Engineering"], location="ca")
    assert jobs.search_jobs(db, f).total == 0  # "ca" is a word of a place, not part of "Chicago"
    assert jobs.search_jobs(db, jobs.JobFilters(location="Chicago, IL")).total == 1


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


def test_keyword_with_categories_finds_each_categorys_jobs(db):
    # PostgreSQL narrows its index lookup by the categories' words: a name its parser reads as one word
    # ("UX/UI") and one of stop words only ("Other") must still find their jobs, alone and together.
    jobs.add_jobs(db, [_job("Figma Designer", category="Design (UX/UI)"),
                       _job("Figma Trainer", category="Other"),
                       _job("Figma Seller", category="Sales")])

    def titles(category):
        return sorted(j["title"] for j in jobs.search_jobs(db, jobs.JobFilters(query="figma", category=category)).jobs)

    assert titles("Design (UX/UI)") == ["Figma Designer"]
    assert titles("Other") == ["Figma Trainer"]
    assert titles(["Other", "Design (UX/UI)"]) == ["Figma Designer", "Figma Trainer"]
    assert titles(["Sales", "Legal"]) == ["Figma Seller"]
    assert titles("Legal") == []


def test_location_search_counts_to_the_keyword_cap_then_pages_in_the_sorts_order(db, monkeypatch):
    monkeypatch.setattr(jobs, "COUNT_CAP", 3)
    jobs.add_jobs(db, [_job(f"Nurse {i}", days_old=i, location="Denver, CO") for i in range(5)]
                  + [_job("Nurse in Austin", days_old=0)])
    r = jobs.search_jobs(db, jobs.JobFilters(location="denver", sort="newest", per_page=2, page=2))
    assert (r.total, r.capped, [j["title"] for j in r.jobs]) == (3, True, ["Nurse 2", "Nurse 3"])
    r = jobs.search_jobs(db, jobs.JobFilters(location="Denver, C", sort="newest", per_page=10))
    assert (r.total, r.capped, len(r.jobs)) == (3, True, 5)
    monkeypatch.setattr(jobs, "COUNT_CAP", 100)
    r = jobs.search_jobs(db, jobs.JobFilters(location="denver", sort="newest", page=1))
    assert (r.total, r.capped) == (5, False)


def test_a_job_moved_to_a_new_location_is_found_there(db):
    jobs.add_jobs(db, [_job("Welder")])
    db.execute("UPDATE jobs SET location = ? WHERE title = ?", ["Reykjavik, Iceland", "Welder"])
    for f in (jobs.JobFilters(location="reykjavik"), jobs.JobFilters(query="welder", location="Iceland")):
        assert [j["title"] for j in jobs.search_jobs(db, f).jobs] == ["Welder"]
    assert jobs.search_jobs(db, jobs.JobFilters(location="Austin")).total == 0


def test_locations_stored_before_the_location_migration_are_found(db):
    from engine import store

    if not store.is_postgres(db):
        pytest.skip("job_locations (m320) is PostgreSQL's")
    db.execute("DROP FUNCTION job_locations_add() CASCADE")   # its triggers go with it: as before m320
    db.execute("DROP TABLE job_locations")
    db.execute("DROP INDEX idx_jobs_location")
    jobs.add_jobs(db, [_job("Welder", location="Reykjavik, Iceland")])
    db.execute("DELETE FROM _migrations WHERE name = 'm320_search_postgres_locations'")
    assert store.apply_migrations(db) == ["m320_search_postgres_locations"]
    assert [j["title"] for j in jobs.search_jobs(db, jobs.JobFilters(location="reykjavik")).jobs] == ["Welder"]
    jobs.add_jobs(db, [_job("Baker", location="Oslo, Norway")])   # the trigger is back
    assert jobs.search_jobs(db, jobs.JobFilters(location="oslo")).total == 1


@pytest.mark.parametrize("count_cap", [1, 5])
def test_the_last_word_counts_as_a_prefix_up_to_the_cap(db, monkeypatch, count_cap):
    # PostgreSQL counts the words as typed first (a faster lookup): the prefix's other words still count
    monkeypatch.setattr(jobs, "COUNT_CAP", count_cap)
    jobs.add_jobs(db, [_job("Pythonista"), _job("Python Developer"), _job("Nurse")])
    for query in ("python", "pyth", "developer pyth"):
        r = jobs.search_jobs(db, jobs.JobFilters(query=query))
        expected = 1 if query == "developer pyth" else 2
        assert (r.total, r.capped) == ((1, True) if expected > count_cap else (expected, False)), query


def _postgres_only(db):
    from engine import store

    if not store.is_postgres(db):
        pytest.skip("search_words (m323) is PostgreSQL's")


def test_a_prefix_is_looked_up_as_the_stored_words_it_names(db, monkeypatch):
    from engine import jobs_search_postgres as pg

    _postgres_only(db)
    jobs.add_jobs(db, [_job("Pythonista"), _job("Python Developer", location="Boston, MA"), _job("Nurse")])
    (q,), possible = pg.expanded(db, ["'pyth':*"])
    assert (q, possible) == ("( 'python' | 'pythonista' )", True)
    (q, where), _ = pg.expanded(db, ["'develop' & 'python':*", "'bost':*C"])
    assert (q, where) == ("'develop' & ( 'python' | 'pythonista' )", "'boston':C")
    assert pg.expanded(db, ["'develop' & 'pythonx':*"])[1] is False      # names no stored word: no match
    assert [j["title"] for j in jobs.search_jobs(db, jobs.JobFilters(query="developer pyth", location="bost")).jobs] \
        == ["Python Developer"]
    assert jobs.search_jobs(db, jobs.JobFilters(query="pythonx")).total == 0
    assert jobs.search_jobs(db, jobs.JobFilters(query="pytor")).total == 0
    jobs.add_jobs(db, [_job("Pytorch Tooling Lead")])                     # its words are stored as it is
    assert [j["title"] for j in jobs.search_jobs(db, jobs.JobFilters(query="pytor")).jobs] == ["Pytorch Tooling Lead"]
    monkeypatch.setattr(pg, "EXPANSION_LIMIT", 1)                         # too many words: stays a prefix
    assert pg.expanded(db, ["'pyth':*"])[0] == ["'pyth':*"]
    assert jobs.search_jobs(db, jobs.JobFilters(query="pyth")).total == 2


def test_a_phrase_or_a_quoted_word_stays_as_postgresql_parsed_it(db):
    from engine import jobs_search_postgres as pg

    _postgres_only(db)
    jobs.add_jobs(db, [_job("Foo Barista")])
    assert pg.expanded(db, ["'foo':* <-> 'bar':*"])[0] == ["'foo':* <-> 'bar':*"]   # not a plain AND: kept
    assert jobs.search_jobs(db, jobs.JobFilters(query="foo_bar")).total == 1
    db.execute("INSERT INTO search_words (word) VALUES (?), (?)", ["o'neil", "back\\slash"])
    (q, r), _ = pg.expanded(db, ["'o''n':*", "'back\\\\s':*"])
    assert (q, r) == ("'o''neil'", "'back\\\\slash'")
    assert db.execute("SELECT ?::tsquery::text, ?::tsquery::text", [q, r]).fetchone() == (q, r)


def test_words_stored_before_the_words_migration_are_found_by_prefix(db):
    from engine import store

    _postgres_only(db)
    old_sync = store._POSTGRES_JOB_SEARCH.split("CREATE FUNCTION jobs_search_sync()")[1].split("CREATE TRIGGER")[0]
    db.execute("CREATE OR REPLACE FUNCTION jobs_search_sync()" + old_sync)   # as before m323
    db.execute("DROP TABLE search_words")
    jobs.add_jobs(db, [_job("Welder", "Certified welding inspector")])
    db.execute("DELETE FROM _migrations WHERE name = 'm323_search_postgres_words'")
    assert store.apply_migrations(db) == ["m323_search_postgres_words"]
    assert jobs.search_jobs(db, jobs.JobFilters(query="inspect")).total == 1
    jobs.add_jobs(db, [_job("Baker", "Sourdough")])                         # the trigger stores words again
    assert jobs.search_jobs(db, jobs.JobFilters(query="sourd")).total == 1
