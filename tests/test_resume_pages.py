"""The builder and share pages through Streamlit's AppTest (no browser)."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.resume import repository as repo
from engine.resume import share
from engine.resume.samples import sample_resume
from resume_helpers import add_user
from ui.text import safe

pytestmark = pytest.mark.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent


def builder(actor) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/resume_builder.py"), default_timeout=60)
    at.session_state["actor"] = actor
    return at.run()


def button(at, key):
    return next(b for b in at.button if b.key == key)


def test_builder_create_add_experience_generate_and_download(db):
    me = add_user(db, skills='["Python", "SQL"]', headline="Junior Data Analyst",
                  education="BSc Statistics, TU Berlin")
    at = builder(me)
    assert not at.exception
    assert at.radio(key="resume_new_template").options == ["Classic", "Modern", "Compact"]
    at.radio(key="resume_new_template").set_value("classic")
    at.text_input(key="resume_new_title").input("Analyst CV")
    button(at, "resume_create").click()
    at.run()
    assert not at.exception
    [stored] = repo.list_resumes(db, me)
    assert stored.title == "Analyst CV" and stored.template == "classic"
    assert stored.resume.personal.name == "José Müller"

    add = next(b for b in at.button if b.key.endswith("|experience|add"))
    add.click()
    at.run()
    title = next(t for t in at.text_input if t.key.endswith("|experience|0|title"))
    title.input("Data Intern")
    notes = next(t for t in at.text_area if t.key.endswith("|experience|0|bullets"))
    notes.input("i was responsible for building dashboards in SQL used by 12 managers")
    at.run()
    button(at, "resume_gen_summary").click()
    at.run()
    assert not at.exception
    summary = next(t for t in at.text_area if t.key.endswith("|summary"))
    assert summary.value.startswith("Junior Data Analyst with a BSc Statistics, TU Berlin")
    assert any("written offline" in i.value.lower() for i in at.info)
    gen = next(b for b in at.button if b.key.endswith("|experience|0|generate"))
    gen.click()
    at.run()
    notes = next(t for t in at.text_area if t.key.endswith("|experience|0|bullets"))
    assert notes.value == "Built dashboards in SQL used by 12 managers"
    assert next(t for t in at.text_input if t.key.endswith("|experience|0|title")).value == "Data Intern"

    button(at, "resume_save").click()
    at.run()
    assert not at.exception and any("Saved" in s.value for s in at.success)
    saved = repo.get_resume(db, me, stored.id).resume
    assert saved.experience[0].title == "Data Intern" and saved.summary.startswith("Junior Data Analyst")
    assert at.get("download_button"), "PDF download button is shown"


def test_builder_refuses_bad_dates_but_keeps_the_draft(db):
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", resume=sample_resume())
    at = builder(me)
    end = next(t for t in at.text_input if t.key.endswith("|experience|0|end"))
    end.input("2001-01")
    at.run()
    button(at, "resume_save").click()
    at.run()
    assert not at.exception
    assert any("before it begins" in e.value for e in at.error)
    assert next(t for t in at.text_input if t.key.endswith("|experience|0|end")).value == "2001-01"
    assert repo.get_resume(db, me, stored.id).resume.experience[0].end == "2023-12"


def test_builder_is_for_candidates_only(db):
    recruiter = add_user(db, "Rita", "rita@example.com", role="recruiter")
    at = builder(recruiter)
    assert not at.exception and any("candidate" in e.value for e in at.error)


def share_page(token) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/resume_share.py"), default_timeout=60)
    at.query_params["token"] = token
    return at.run()


def test_share_page_valid_forged_and_revoked(db):
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", resume=sample_resume("Zoë Ø'Brien"))
    token = share.create_share(db, me, stored.id)
    at = share_page(token)
    assert not at.exception and at.title[0].value == safe("Zoë Ø'Brien")   # shown as typed
    assert at.get("download_button") and not at.error
    forged = share_page(token[:-2] + "xx")
    assert forged.error and "not found" in forged.error[0].value
    share.revoke_share(db, me, stored.id, token)
    revoked = share_page(token)
    assert revoked.error and "not found" in revoked.error[0].value


def test_tailor_tab_shows_gap_and_tips_for_the_picked_job(db):
    from engine.jobs import add_job

    me = add_user(db)
    add_job(db, {"title": "BI Analyst", "company": "Acme", "required_skills": ["SQL", "Power BI"]})
    repo.create_resume(db, me, "CV", resume=sample_resume())
    at = builder(me)
    assert not at.exception
    assert "Power BI" in " ".join(m.value for m in at.markdown)
    assert [m.label for m in at.metric] == ["Match score", "Skills you show", "Skills missing"]
    assert at.metric[2].value == "1"


def test_builder_survives_a_design_that_no_longer_exists(db):
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", resume=sample_resume())
    db.execute("UPDATE resumes SET template = 'retired' WHERE id = ?", [stored.id])
    at = builder(me)
    assert not at.exception and any("no longer available" in w.value for w in at.warning)
    assert at.get("download_button")


def test_history_restore_and_share_link_from_the_page(db):
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", resume=sample_resume())
    r = stored.resume
    r.summary = "Newer summary"
    repo.save_resume(db, me, stored.id, r)
    at = builder(me)
    button(at, f"resume_restore_{stored.version_id}").click()
    at.run()
    assert not at.exception
    assert next(t for t in at.text_area if t.key.endswith("|summary")).value == sample_resume().summary
    button(at, "resume_share_create").click()
    at.run()
    url = at.code[0].value
    assert "/resume_share?token=" in url
    assert share.resolve_share(db, url.split("token=")[1]).resume.summary == sample_resume().summary
    revoke = next(b for b in at.button if b.key.startswith("resume_revoke_"))
    revoke.click()
    at.run()
    with pytest.raises(Exception, match="not found"):
        share.resolve_share(db, url.split("token=")[1])


def test_saving_clears_the_unsaved_changes_note(db):
    me = add_user(db)
    repo.create_resume(db, me, "CV", resume=sample_resume())
    at = builder(me)
    unsaved = lambda: [c.value for c in at.caption if "unsaved changes" in c.value]  # noqa: E731
    assert not unsaved()
    next(t for t in at.text_input if t.key.endswith("|experience|0|title")).input("Lead Analyst")
    at.run()
    assert unsaved()
    button(at, "resume_save").click()
    at.run()
    assert not at.exception and any(s.value.startswith("Saved.") for s in at.success)
    assert not unsaved()           # never "Saved." beside "You have unsaved changes."
    at.run()
    assert not unsaved()
