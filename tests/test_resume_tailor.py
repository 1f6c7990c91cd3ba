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
    def broken(resume, job):
        raise RuntimeError("encoder unavailable")
    monkeypatch.setattr(tailor, "match_score", broken)
    report = tailor.tailor(sample_resume(), JOB)
    assert report.score is None and "could not be computed" in report.score_note and report.missing == ["Power BI"]


@pytest.mark.slow
def test_score_is_the_recruiter_fit_score():
    from engine.recsys import fit

    r = sample_resume()
    report = tailor.tailor(r, JOB)
    expected = fit.fit_score(fit.resume_text(r.to_dict()), JOB, skills=r.to_dict()["skills"])
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


@pytest.mark.slow
def test_builder_score_equals_the_score_in_the_recruiters_ranking(db):
    """The candidate tailoring a resume and the recruiter ranking the application see one number."""
    from applications_fixtures import World, make_job

    from engine import applications
    from engine import jobs
    from engine.recsys.fit import rank_applicants
    from engine.resume import repository

    w = World(db)
    job_id = make_job(db, w.company_a, title="Data Analyst", required_skills=JOB["required_skills"],
                      description=JOB["description"])
    resume_id = repository.create_resume(db, w.cand, title="Analyst CV").id
    repository.save_resume(db, w.cand, resume_id, sample_resume())
    applications.apply(db, w.cand, job_id, resume_id=resume_id)
    job = jobs.get_job(db, job_id)
    builder = tailor.tailor(repository.get_resume(db, w.cand, resume_id).resume, job).score
    ranked = rank_applicants(db, w.rec_a, job_id)
    assert ranked[0]["score"] == pytest.approx(builder, abs=1e-4)
