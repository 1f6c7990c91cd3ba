import pytest

from engine.resume import tailor
from engine.resume.samples import sample_resume

JOB = {"title": "Data Analyst", "company": "Acme", "required_skills": ["SQL", "Tableau", "Power BI", "Flask", "Excel"],
       "description": "Dashboards in Tableau and Power BI."}


def test_skills_gap_matched_missing_and_to_list():
    r = sample_resume()   # Flask only appears in a project bullet, not in Skills
    matched, missing, to_list = tailor.skills_gap(r, JOB)
    assert matched == ["SQL", "Tableau", "Flask", "Excel"]
    assert missing == ["Power BI"]
    assert to_list == ["Flask"]


def test_report_gives_concrete_tips():
    r = sample_resume()
    r.summary = "I like numbers."
    r.experience[0].bullets = ["Presented findings to the sales team"]
    report = tailor.tailor(r, JOB)
    text = "\n".join(t.text for t in report.tips)
    assert "The job asks for Power BI" in text
    assert "mention Tableau in the bullet" in text and "mention Excel" in text
    assert "Your entries mention Flask" in text
    assert "Name the role ('Data Analyst') in your summary" in text
    assert "Add a figure to a bullet of 'Data Analytics Intern'" in text


def test_suggests_moving_the_section_with_more_evidence_up():
    r = sample_resume()
    r.experience[0].bullets = ["Answered customer emails"]
    r.projects[0].bullets = ["Built a Tableau dashboard with SQL and Excel exports"]
    report = tailor.tailor(r, JOB, "modern")   # modern: experience before projects
    assert report.suggested_order.index("projects") < report.suggested_order.index("experience")
    assert any(t.section == "order" and t.text.startswith("Move Projects above Experience") for t in report.tips)
    r.order = report.suggested_order
    assert not any(t.section == "order" for t in tailor.tailor(r, JOB).tips)   # applied: no more tip


def test_score_missing_recommender_still_gives_the_rest(monkeypatch):
    def no_recsys(resume, job):
        raise ImportError("engine.recsys")
    monkeypatch.setattr(tailor, "match_score", no_recsys)
    report = tailor.tailor(sample_resume(), JOB)
    assert report.score is None and "recommender" in report.score_note and report.missing == ["Power BI"]


@pytest.mark.slow
def test_score_is_the_recruiter_fit_score():
    fit = pytest.importorskip("engine.recsys.fit")
    text = pytest.importorskip("engine.recsys.text")
    r = sample_resume()
    report = tailor.tailor(r, JOB)
    expected = fit.fit_score(text.resume_text(r.to_dict()), JOB)
    assert report.score == pytest.approx(float(expected.score))


def test_job_picker_lists_saved_jobs_first_then_search(db):
    from engine.jobs import add_job, save_job
    from resume_helpers import add_user

    me = add_user(db)
    older = add_job(db, {"title": "Warehouse Assistant", "company": "Depot", "created_date": "2020-01-01"})
    add_job(db, {"title": "Data Analyst", "company": "Acme", "required_skills": ["SQL"]})
    add_job(db, {"title": "Data Engineer", "company": "Beta", "required_skills": ["Spark"]})
    save_job(db, me, older)
    jobs = tailor.jobs_to_tailor_for(db, me)
    assert jobs[0]["id"] == older and jobs[0]["picked_because"] == "saved"
    assert len({j["id"] for j in jobs}) == len(jobs) == 3
    found = tailor.jobs_to_tailor_for(db, me, "data")
    assert [j["title"] for j in found] and all("Data" in j["title"] for j in found)
