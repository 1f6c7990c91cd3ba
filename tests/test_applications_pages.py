"""Pages of the applications feature, driven with Streamlit's AppTest against a tmp data dir."""
import pytest
from conftest import open_page
from applications_fixtures import World, make_resume
from streamlit.testing.v1 import AppTest

from engine import applications as A

from pathlib import Path

TIMEOUT = 60
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def w(db):
    return World(db)


def page(path, actor, **query):
    return open_page(path, actor, timeout=TIMEOUT, **query)


def by_label(widgets, label):
    return next(x for x in widgets if x.label == label)


def texts(at):
    return " ".join(str(x.value) for kind in (at.markdown, at.caption, at.success, at.error, at.warning, at.info)
                    for x in kind)


def test_my_applications_timeline_inbox_letters_and_withdraw(w):
    offered = A.apply(w.db, w.cand, w.job_a)["id"]
    for s in ["under_review", "accepted", "interview_scheduled", "interviewed", "offered"]:
        A.change_status(w.db, w.rec_a, offered, s)
    pending = A.apply(w.db, w.cand, w.job_b)["id"]
    at = page("pages/my_applications.py", w.cand)
    assert not at.exception
    assert "Offered" in texts(at) and "Shortlisted" in texts(at)
    history = at.dataframe[0].value
    assert set(history["Job title"]) == {"Data Engineer", "Nurse"} and set(history["Company"]) == {"Acme", "Globex"}
    assert any(b.label == "Download offer letter (PDF)" for b in at.get("download_button"))
    # withdrawing needs the confirmation first
    button = at.button(key=f"withdraw_{pending}")
    assert button.disabled
    at.checkbox(key=f"confirm_withdraw_{pending}").check().run()
    at.button(key=f"withdraw_{pending}").click().run()
    assert not at.exception
    assert A.get_application(w.db, w.cand, pending)["status"] == "withdrawn"


def test_my_applications_needs_a_candidate(w):
    at = page("pages/my_applications.py", w.rec_a)
    assert [e.value for e in at.error] == ["This page is for candidate accounts."]
    assert page("pages/my_applications.py", None).info[0].value.startswith("Please sign in")


def test_recruiter_post_job_validation_then_success(w):
    at = page("pages/recruiter.py", w.rec_a)
    assert not at.exception
    # the post form is the second form on the page (the first edits an existing job)
    by_label(at.text_input, "Title *")  # exists
    post_title = [t for t in at.text_input if t.label == "Title *"][-1]
    post_title.set_value("")
    [n for n in at.number_input if n.label == "Minimum salary (yearly)"][-1].set_value(-10)
    [b for b in at.button if b.label == "Post job"][0].click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Title is required" in errors and "Description is required" in errors and "cannot be negative" in errors
    [t for t in at.text_input if t.label == "Title *"][-1].set_value("Platform Engineer")
    [t for t in at.text_input if t.label == "Location *"][-1].set_value("Lisbon")
    [t for t in at.text_area if t.label == "Description *"][-1].set_value("Run our platform")
    [n for n in at.number_input if n.label == "Minimum salary (yearly)"][-1].set_value(50000)
    [b for b in at.button if b.label == "Post job"][0].click().run()
    assert not at.exception and "is live" in texts(at)
    row = w.db.execute("SELECT company_id, status FROM jobs WHERE title = 'Platform Engineer'").fetchone()
    assert row == (w.company_a, "open")


def test_recruiter_changes_status_and_adds_note(w):
    app_id = A.apply(w.db, w.cand, w.job_a)["id"]
    at = page("pages/recruiter.py", w.rec_a, job=w.job_a)
    assert not at.exception and "José Müller" in texts(at)
    at.selectbox(key=f"next_{app_id}").set_value("under_review")
    at.button(key=f"change_{app_id}").click().run()
    assert not at.exception
    assert A.get_application(w.db, w.admin, app_id)["status"] == "under_review"
    at.text_input(key=f"new_note_{app_id}").set_value("Call back Tuesday")
    at.button(key=f"save_note_{app_id}").click().run()
    assert [n["body"] for n in A.notes(w.db, w.rec_a, app_id)] == ["Call back Tuesday"]


def test_recruiter_page_never_shows_other_company(w):
    A.apply(w.db, w.cand, w.job_a)
    at = page("pages/recruiter.py", w.rec_b)
    assert not at.exception
    assert "Data Engineer" not in texts(at) and "José" not in texts(at)
    assert all("Data Engineer" not in str(df.value) for df in at.dataframe)


def test_admin_applications_refuses_non_admin_and_lists_for_admin(w):
    A.apply(w.db, w.cand, w.job_a)
    for who in (w.cand, w.rec_a):
        at = page("pages/admin_applications.py", who)
        assert [e.value for e in at.error] == ["This page is for admin accounts."] and not at.dataframe
    at = page("pages/admin_applications.py", w.admin)
    assert not at.exception
    assert list(at.dataframe[0].value["Candidate"]) == ["José Müller"]
    at.text_input[0].set_value("abc").run()
    assert "The job id is a number." in [e.value for e in at.error]


def test_pipeline_page_renders_for_recruiter(w):
    app_id = A.apply(w.db, w.cand, w.job_a)["id"]
    A.change_status(w.db, w.rec_a, app_id, "under_review")
    at = page("pages/pipeline.py", w.rec_a)
    assert not at.exception
    assert at.metric[0].value == "1"


def test_pipeline_chart_keeps_same_titled_jobs_apart(w):
    import base64
    import json

    import numpy as np

    def values(v):   # plotly sends numbers as {"dtype", "bdata"} (base64)
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist() if isinstance(v, dict) else v

    from applications_fixtures import future, make_job

    munich = make_job(w.db, w.company_a, "Data Engineer", "Acme", location="Munich", deadline=future())
    A.apply(w.db, w.cand, w.job_a)
    A.apply(w.db, w.cand2, w.job_a)
    A.apply(w.db, w.cand, munich)
    at = page("pages/pipeline.py", w.rec_a)
    assert not at.exception
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if "Data Engineer" in c.proto.spec and "applicants" in c.proto.spec]
    (bars,) = [t for t in chart["data"] if t["name"] == "applicants"]
    assert dict(zip(values(bars["x"]), values(bars["y"]))) == {"Data Engineer · Berlin": 2, "Data Engineer · Munich": 1}


def test_recruiter_sees_a_builder_resume_as_pdf_and_json(w):
    from engine.resume import model, repository

    draft = model.Resume(personal=model.Personal(name="José Müller"), summary="Ships pipelines.")
    stored = repository.create_resume(w.db, w.cand, "Data CV", template="classic", resume=draft)
    A.apply(w.db, w.cand, w.job_a, resume_id=stored.id)
    at = page("pages/recruiter.py", w.rec_a, job=w.job_a)
    assert not at.exception
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert {"Download resume (PDF)", "Download resume data (JSON)"} <= set(buttons), buttons
    assert buttons["Download resume (PDF)"].deferred_file_id   # rendered on the click (A.builder_resume_pdf)


def test_candidate_is_told_when_nobody_here_reviews_a_catalogue_job(w):
    from applications_fixtures import make_job

    catalogue = make_job(w.db, None, "Data Engineer", "Generated GmbH")   # no company account, no recruiter
    note = "no recruiter on JobExpressway"
    at = page("pages/job.py", w.cand, id=catalogue)
    assert not at.exception and note in " ".join(i.value for i in at.info)
    at = page("pages/job.py", w.cand, id=w.job_a)
    assert note not in " ".join(i.value for i in at.info)
    A.apply(w.db, w.cand, catalogue)
    A.apply(w.db, w.cand, w.job_a)
    at = page("pages/my_applications.py", w.cand)
    notes = [i.value for i in at.info if note in i.value]
    assert not at.exception and len(notes) == 1 and notes[0].startswith("Generated GmbH")


def test_apply_panel_with_builder_resume(w):
    rid, vid = make_resume(w.db, w.cand.user_id, "Data CV")
    at = page("pages/job.py", w.cand, id=w.job_a)
    assert not at.exception
    at.radio[0].set_value("Data CV (builder, #%d)" % rid)
    at.text_area[0].set_value("I love data")
    by_label(at.button, "Apply").click().run()
    assert not at.exception and "Application sent" in texts(at)
    app = A.list_for_candidate(w.db, w.cand)[0]
    assert (app["resume_id"], app["resume_version_id"], app["cover_letter"]) == (rid, vid, "I love data")
    again = page("pages/job.py", w.cand, id=w.job_a)
    assert "You applied on" in texts(again)


def test_pages_reachable_through_the_app_menu(w):
    at = page("Home.py", w.admin)
    assert not at.exception
    for path in ("pages/recruiter.py", "pages/pipeline.py", "pages/admin_applications.py"):
        at.switch_page(path).run()
        assert not at.exception, path


def test_inbox_shows_interview_date_and_time(w):
    from engine.store import utcnow

    app_id = A.apply(w.db, w.cand, w.job_a)["id"]
    iv = w.db.execute(
        "INSERT INTO interviews (application_id, company_id, created_by, title, starts_at, timezone, duration_min, "
        "room_token_hash, room_code, expires_at, created_at) VALUES (?, ?, ?, 'Interview', '2030-05-06T14:30:00+00:00', "
        "'Europe/Berlin', 45, 'h', 'c', '2030-05-07T00:00:00+00:00', ?) RETURNING id",
        [app_id, w.company_a, w.rec_a.user_id, utcnow()]).fetchone()[0]
    w.db.execute("INSERT INTO messages (user_id, kind, subject, body, link, interview_id, created_at) VALUES "
                 "(?, 'interview_invitation', 'Interview invitation', 'See you', 'http://x/room', ?, ?)",
                 [w.cand.user_id, iv, utcnow()])
    at = page("pages/my_applications.py", w.cand)
    assert not at.exception
    assert "**Time:** 16:30 (Europe/Berlin)" in texts(at) and "Monday 06 May 2030" in texts(at)
    assert any(b.label == "Join the interview room" for b in at.get("link_button"))


def test_apply_panel_upload_refuses_renamed_file_then_accepts_pdf(w):
    from applications_fixtures import pdf_bytes

    at = page("pages/job.py", w.cand2, id=w.job_a)
    at.radio[0].set_value("Upload a PDF")
    at.get("file_uploader")[0].upload("resume.pdf", b"GIF89a definitely an image", "application/pdf")
    by_label(at.button, "Apply").click().run()
    assert not at.exception
    assert any("not a PDF" in e.value for e in at.error)
    assert A.list_for_candidate(w.db, w.cand2) == []
    at.get("file_uploader")[0].upload("resume.pdf", pdf_bytes(), "application/pdf")
    by_label(at.button, "Apply").click().run()
    assert not at.exception and "Application sent" in texts(at)
    assert A.list_for_candidate(w.db, w.cand2)[0]["resume_pdf_path"].startswith("uploads/")


def test_recruiter_bulk_status_change_reports_each(w):
    a1 = A.apply(w.db, w.cand, w.job_a)["id"]
    a2 = A.apply(w.db, w.cand2, w.job_a)["id"]
    A.change_status(w.db, w.rec_a, a2, "under_review")
    at = page("pages/recruiter.py", w.rec_a, job=w.job_a)
    by_label(at.multiselect, "Applications").set_value([a1, a2])
    at.selectbox(key="bulk_target").set_value("under_review")
    by_label(at.button, "Apply to selected").click().run()
    assert not at.exception
    assert "1 of 2 changed." in [x.value for x in at.warning]
    assert any(f"#{a2}:" in e.value and "Allowed next" in e.value for e in at.error)
    assert A.get_application(w.db, w.admin, a1)["status"] == "under_review"
