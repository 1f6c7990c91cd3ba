"""Occupations on the pages: job cards, the search facet, the job page's link to its occupation's jobs."""
import pytest

from engine import jobs
from tests.test_pages_accounts import app, sample_jobs, texts

NURSES = "29-1141.00"


@pytest.fixture
def conn(db):
    jobs.add_jobs(db, sample_jobs(30))   # 10 each: Data Engineer, Registered Nurse, Account Executive
    rows = [(r["id"], NURSES if "Nurse" in r["title"] else "15-1243.00", 0.9 if "Nurse" in r["title"] else 0.4, "v")
            for r in db.query("SELECT id, title FROM jobs")]   # data engineers: a guess, below the shown confidence
    db.executemany("INSERT INTO job_occupations VALUES (?, ?, ?, ?)", rows)
    return db


def test_browse_shows_occupations_and_filters_by_one(conn):
    at = app(page="pages/jobs.py")
    facet = at.selectbox(key="browse_occupation")
    assert facet.options == ["All occupations", f"Registered Nurses ({NURSES}) · 10"]
    nurses_shown = sum("Nurse" in e.label for e in at.main.get("page_link") if e.label.split()[-1].isdigit())
    assert nurses_shown and texts(at, "caption").count("Registered Nurses \\(O\\*NET 29\\-1141\\.00\\)") == nurses_shown
    facet.set_value(NURSES).run()
    assert texts(at, "caption").startswith("10 jobs")
    assert all("Nurse" in e.label for e in at.main.get("page_link") if e.label.split()[-1].isdigit())


def test_job_page_links_to_all_jobs_of_its_occupation(conn):
    nurse = next(conn.query("SELECT id FROM jobs WHERE title LIKE 'Registered Nurse%' LIMIT 1"))["id"]
    at = app(page="pages/job.py", id=str(nurse))
    link = next(e for e in at.main.get("page_link") if "all Registered Nurses jobs" in e.label)
    assert link.label.startswith(f"Registered Nurses (O*NET {NURSES})")
    engineer = next(conn.query("SELECT id FROM jobs WHERE title LIKE 'Data Engineer%' LIMIT 1"))["id"]
    at = app(page="pages/job.py", id=str(engineer))   # its occupation is only a guess: not shown
    assert not any("O*NET" in e.label for e in at.main.get("page_link"))
    at = app(page="pages/jobs.py", occupation=NURSES)  # the link's target: the facet set from the URL
    assert texts(at, "caption").startswith("10 jobs")


def test_a_forged_occupation_in_the_url_is_ignored(conn):
    at = app(page="pages/jobs.py", occupation="'; DROP TABLE jobs; --")
    assert texts(at, "caption").startswith("30 jobs") and not at.exception


def test_model_lab_credits_onet_and_shows_the_occupation_evaluation(data_dir, tmp_path, monkeypatch):
    import json
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    lab = str(Path(__file__).resolve().parent.parent / "pages" / "model_lab.py")
    at = AppTest.from_file(lab, default_timeout=60).run()
    assert "python -m engine eval occupations --json" in " ".join(i.value for i in at.info)
    assert any("CC BY 4.0" in c.value and "O*NET 29.2" in c.value for c in at.caption)
    metrics = tmp_path / "artifacts" / "metrics"
    metrics.mkdir(parents=True)
    (metrics / "eval_occupations.json").write_text(json.dumps(
        {"queries": 50, "results": {"BM25": {"acc@1": 0.5, "acc@5": 0.7, "MRR@10": 0.6, "seconds": 1}}}))
    at = AppTest.from_file(lab, default_timeout=60).run()
    assert not at.exception
    assert at.dataframe[-1].value.to_dict("records") == [{"model": "BM25", "acc@1": 0.5, "acc@5": 0.7, "MRR@10": 0.6}]
