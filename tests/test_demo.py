"""The demo world: every status present, every dashboard and list shows something, safe to run twice."""
from __future__ import annotations

import pytest

from engine import accounts, applications, companies, demo, jobs, pipeline, recruiting
from engine.commands.jobs import init_database


def _actor(db, email):
    return demo._actor_by_email(db, email)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from engine import store

    db = store.connect(tmp_path_factory.mktemp("demo"))
    init_database(db, 80, progress=False)
    report = demo.build_demo(db, candidates=5, progress=False, log=lambda *_: None)
    return db, report


def test_every_status_of_the_machine_is_present(world):
    db, report = world
    present = {r["status"] for r in db.query("SELECT DISTINCT status FROM applications")}
    assert present == set(applications.STATUS_LABELS)
    assert report.applications == db.execute("SELECT count(*) FROM applications").fetchone()[0]


def test_histories_spread_over_weeks_and_follow_the_machine(world):
    db, _ = world
    days = db.execute("SELECT count(DISTINCT substr(created_at, 1, 10)) FROM applications").fetchone()[0]
    assert days >= 5
    for app_id, in db.execute("SELECT id FROM applications").fetchall():
        events = list(db.query("SELECT from_status, to_status, at FROM application_events WHERE application_id = ? "
                               "ORDER BY id", [app_id]))
        assert events[0]["to_status"] == "applied"
        for before, after in zip(events, events[1:]):
            assert after["from_status"] == before["to_status"]
            assert after["to_status"] in applications.TRANSITIONS[before["to_status"]]
            assert after["at"] >= before["at"]


def test_recruiter_dashboards_show_content(world):
    db, _ = world
    recruiter = _actor(db, accounts.DEMO_RECRUITER[0])
    board = pipeline.dashboard(db, recruiter)
    assert all(board["funnel"]["count"] > 0)  # every forward stage reached by someone
    assert board["over_time"]["applications"].sum() > 0
    assert len(board["time_in_stage"]) >= 4 and len(board["conversion"]) >= 3
    company_jobs = recruiting.list_company_jobs(db, recruiter)
    assert company_jobs and sum(j["applicants"] for j in company_jobs) >= 9
    listed = applications.list_for_job(db, recruiter, company_jobs[0]["id"])
    assert listed
    noted = [a for j in company_jobs for a in applications.list_for_job(db, recruiter, j["id"]) if a["note_count"]]
    assert noted and applications.notes(db, recruiter, noted[0]["id"])


def test_candidate_sees_applications_inbox_letters_and_saved_jobs(world):
    db, _ = world
    dana = _actor(db, accounts.DEMO_CANDIDATE[0])
    mine = applications.list_for_candidate(db, dana)
    assert {a["status"] for a in mine} >= {"offered", "interview_scheduled", "under_review", "applied", "rejected"}
    inbox = applications.inbox(db, dana)
    offer = next(m for m in inbox if m["kind"] == "offer")
    name, pdf = applications.message_attachment(db, dana, offer["id"])
    assert pdf.startswith(b"%PDF")
    assert any(m["read_at"] is None for m in inbox) and any(m["read_at"] for m in inbox)
    assert jobs.saved_jobs(db, dana)
    profile = accounts.get_profile(db, _actor(db, f"candidate01@{demo.DEMO_DOMAIN}"))
    assert profile["skills"] and profile["experience"] and profile["education"] and profile["headline"]


def test_candidates_have_builder_resumes_sent_with_their_applications(world):
    db, _ = world
    from engine.resume import repository

    dana = _actor(db, accounts.DEMO_CANDIDATE[0])
    resumes = repository.list_resumes(db, dana)
    assert resumes and resumes[0].resume.summary and resumes[0].resume.personal.name == dana.name
    assert db.execute("SELECT count(*) FROM applications WHERE resume_id IS NULL").fetchone()[0] == 0
    sent = applications.resume_for_application(db, dana, applications.list_for_candidate(db, dana)[0]["id"])
    assert sent["kind"] == "builder" and sent["data"]


def test_interviews_upcoming_and_past_with_notes_and_decisions(world):
    db, _ = world
    from engine.meetings import schedule

    dana = _actor(db, accounts.DEMO_CANDIDATE[0])
    recruiter = _actor(db, accounts.DEMO_RECRUITER[0])
    assert schedule.upcoming(db, dana)  # her next interview, with a room to join
    past = schedule.history(db, recruiter)
    assert past and all(iv["status"] == "held" and iv["notes"] for iv in past)
    assert {"offered", "not_selected"} <= {iv["decision"] for iv in past}
    for iv in past:  # held before the application moved on
        app = applications.get_application(db, recruiter, iv["application_id"])
        assert iv["starts_at"] < app["updated_at"]


def test_mock_interview_history_improves_over_weeks(world):
    db, _ = world
    from engine.coach import sessions

    history = sessions.history(db, _actor(db, accounts.DEMO_CANDIDATE[0]))
    assert len(history) == 3
    assert history[0]["finished_at"] < history[-1]["finished_at"]
    assert history[-1]["score"] > history[0]["score"]


def test_admin_sees_companies_a_pending_request_and_all_applications(world):
    db, _ = world
    admin = _actor(db, accounts.DEMO_ADMIN[0])
    listed = companies.list_companies(db, admin)
    statuses = {c["name"]: c["access_status"] for c in listed}
    assert statuses["Lumen Fintech"] == "pending" and statuses["Northwind Software"] == "granted"
    assert companies.list_access_requests(db, admin)
    assert len(applications.list_all(db, admin)) == db.execute("SELECT count(*) FROM applications").fetchone()[0]
    assert pipeline.funnel(db, admin)["count"].iloc[0] > 0


def test_second_run_adds_nothing(world):
    db, _ = world
    tables = ("users", "companies", "jobs", "applications", "application_events", "messages", "saved_jobs")
    before = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    again = demo.build_demo(db, candidates=5, progress=False, log=lambda *_: None)
    assert not again.created_anything
    assert {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables} == before


def test_demo_needs_the_catalogue_first(db):
    with pytest.raises(ValueError, match="init"):
        demo.build_demo(db, candidates=3, progress=False, log=lambda *_: None)
