"""The builder's import review through AppTest (the upload itself is covered by the browser test)."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.resume import repository as repo
from engine.resume.importing import read_resume
from engine.resume.render import render_pdf
from engine.resume.samples import sample_resume
from resume_helpers import add_user

pytestmark = pytest.mark.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent


def builder_with_pending_import(actor, target=None) -> AppTest:
    result = read_resume(render_pdf(sample_resume(), "compact"), "cv.pdf")
    at = AppTest.from_file(str(ROOT / "pages/resume_builder.py"), default_timeout=60)
    at.session_state["actor"] = actor
    if target is not None:
        at.session_state["resume_selected"] = target
    at.session_state["resume_import"] = {"resume": result.resume.to_dict(), "format": "pdf", "notes": result.notes,
                                         "filename": "cv.pdf", "target": target, "gen": 1}
    return at.run()


def test_new_resume_from_a_read_file_with_one_field_corrected(db):
    me = add_user(db, location="Berlin")
    at = builder_with_pending_import(me)
    assert not at.exception
    assert any("applicant-tracking system reads" in h.value for h in at.subheader)
    at.text_input(key="resume_import|1|experience.0.title").input("Data Analyst Intern")
    next(b for b in at.button if b.label == "Create a resume from it").click()
    at.run()
    assert not at.exception
    [stored] = repo.list_resumes(db, me)
    assert stored.title == "Imported from cv.pdf"
    assert stored.resume.experience[0].title == "Data Analyst Intern"
    assert stored.resume.personal.email == "jose.muller@example.com"


def test_a_correction_that_breaks_the_email_saves_nothing_and_says_why(db):
    me = add_user(db, location="Berlin")
    stored = repo.create_resume(db, me, "CV", resume=sample_resume())
    at = builder_with_pending_import(me, stored.id)
    at.text_input(key="resume_import|1|personal.email").input("jose at example")
    next(b for b in at.button if b.label == "Save as a new version of this resume").click()
    at.run()
    assert not at.exception
    assert any("does not look like an email address" in e.value for e in at.error)
    assert len(repo.list_versions(db, me, stored.id)) == 1
