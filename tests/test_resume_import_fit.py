"""Recruiters' fit reads the PDF a candidate applied with, and says which text it scored."""
import pytest
from fpdf import FPDF

from applications_fixtures import World, make_job
from engine import applications
from engine.recsys.fit import SOURCES, applicant_text, match_skills
from engine.resume.render import render_pdf
from engine.resume.samples import sample_resume


def cv_with(skill: str) -> bytes:
    r = sample_resume()
    r.skills = [*r.skills, skill]
    return render_pdf(r, "modern")


def test_uploaded_pdf_text_and_skills_are_what_the_fit_reads(db):
    w = World(db)   # the candidate's profile lists Python and SQL only
    job = make_job(db, w.company_a, "Platform Engineer", required_skills=["Kubernetes", "Tableau", "Rust"])
    app = applications.apply(db, w.cand, job, pdf_bytes=cv_with("Kubernetes"), pdf_name="cv.pdf")
    text, skills, source = applicant_text(db, app)
    assert source == "uploaded_pdf" and "uploaded" in SOURCES[source]
    assert "Zoë Ø'Brien Consulting" in text and "Kubernetes" in skills
    assert match_skills(["Kubernetes", "Tableau", "Rust"], skills, text) == (["Kubernetes", "Tableau"], ["Rust"])


def test_a_scanned_upload_falls_back_to_the_profile_and_says_so(db):
    w = World(db)
    job = make_job(db, w.company_a, "Analyst")
    scan = FPDF()
    scan.add_page()
    scan.rect(10, 10, 100, 100, style="F")
    app = applications.apply(db, w.cand, job, pdf_bytes=bytes(scan.output()), pdf_name="scan.pdf")
    text, skills, source = applicant_text(db, app)
    assert source == "profile_unreadable_pdf" and skills == ["Python", "SQL"]


@pytest.mark.slow
def test_ranking_scores_the_uploaded_resume(db):
    from engine.recsys.fit import rank_applicants

    w = World(db)
    job = make_job(db, w.company_a, "Platform Engineer", required_skills=["Kubernetes"])
    applications.apply(db, w.cand, job, pdf_bytes=cv_with("Kubernetes"), pdf_name="cv.pdf")
    [row] = rank_applicants(db, w.rec_a, job)
    assert row["source"] == "uploaded_pdf" and row["matched_skills"] == ["Kubernetes"]
    assert row["source_label"] == "the PDF resume uploaded with the application"
