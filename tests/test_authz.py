"""Who may call what: every engine entry point as a recruiter whose company's access was revoked, and as
nobody (signed out); a cancelled room takes nothing more. The tables name every entry point, and a test
checks that no public engine function taking an actor is left out of them."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import engine
from applications_fixtures import make_company, make_job, make_user
from engine import (accounts, anonymise, applications, companies, data_rights, decisions, email_confirmation, jobs, mail,
                    oversight, pipeline, recruiting, sign_in_sessions, transparency)
from engine.authz import AccessDenied, NotFound
from engine.coach import sessions
from engine.meetings import pad, recordings, rooms, schedule
from engine.recsys import fit
from engine.resume import repository, share, tailor
from engine.resume.importing import review
from engine.resume.model import Resume
from engine.store import insert_row, utcnow

TOMORROW = datetime.now().replace(microsecond=0, second=0) + timedelta(days=1)


class World:
    """One granted company (Acme) with a recruiter, its jobs, applications in several states, a note, a
    scheduled interview with chat and a recording; a candidate with a resume; an admin."""

    def __init__(self, db, data_dir: Path) -> None:
        self.db = db
        self.company = make_company(db, "Acme")
        self.admin = make_user(db, "admin@jx.test", "admin", "Ada Admin")
        self.rec = make_user(db, "rec@acme.test", "recruiter", "Rita Acme", self.company)
        self.cand = make_user(db, "cand@mail.test", "candidate", "Carl Candidate")
        self.job = make_job(db, self.company, "Data Engineer")
        self.quiet_job = make_job(db, self.company, "Analyst")   # no applicants: fit ranking needs no model
        self.app = applications.apply(db, self.cand, self.job, cover_letter="Hello")["id"]
        self.shortlisted = self._applied("short@mail.test", "accepted")
        self.interviewed = self._applied("iv@mail.test", "accepted")
        applications.add_note(db, self.rec, self.app, "Strong SQL")
        booked = schedule.schedule_interview(db, self.rec, self.interviewed, TOMORROW, "UTC", 30, "Interview")
        self.interview, self.code = booked.interview["id"], booked.interview["room_code"]
        pad.post_chat(db, self.rec, self.interview, "Welcome")
        folder = data_dir / "recordings" / str(self.interview)
        folder.mkdir(parents=True)
        (folder / "a.webm").write_bytes(b"webm")
        self.recording = insert_row(db, "recordings", {
            "interview_id": self.interview, "path": f"recordings/{self.interview}/a.webm", "status": "ready",
            "started_at": utcnow(), "ended_at": utcnow(), "duration_s": 1.0})
        self.resume = repository.create_resume(db, self.cand, "CV").id
        self.message = applications.inbox(db, self.cand)[0]["id"]

    def _applied(self, email: str, status: str) -> int:
        candidate = make_user(self.db, email, "candidate")
        app_id = applications.apply(self.db, candidate, self.job)["id"]
        for step in ("under_review", status):
            applications.change_status(self.db, self.admin, app_id, step)
        return app_id


@pytest.fixture
def w(db, data_dir):
    return World(db, data_dir)


# Every engine entry point a recruiter calls for their company's work: (name, call(world, actor)).
COMPANY_WORK = {
    "applications.get_application": lambda w, a: applications.get_application(w.db, a, w.app),
    "applications.timeline": lambda w, a: applications.timeline(w.db, a, w.app),
    "applications.history": lambda w, a: applications.history(w.db, a, w.app),
    "applications.resume_for_application": lambda w, a: applications.resume_for_application(w.db, a, w.app),
    "applications.notes": lambda w, a: applications.notes(w.db, a, w.app),
    "applications.add_note": lambda w, a: applications.add_note(w.db, a, w.app, "note"),
    "applications.change_status": lambda w, a: applications.change_status(w.db, a, w.app, "under_review"),
    "applications.bulk_change_status": lambda w, a: applications.bulk_change_status(w.db, a, [w.app], "under_review"),
    "applications.list_for_job": lambda w, a: applications.list_for_job(w.db, a, w.job),
    "applications.schedule_by_hand": lambda w, a: applications.schedule_by_hand(
        w.db, a, w.shortlisted, TOMORROW, 30, "https://meet.example.com/x"),
    "recruiting.list_company_jobs": lambda w, a: recruiting.list_company_jobs(w.db, a),
    "recruiting.post_job": lambda w, a: recruiting.post_job(w.db, a, {
        "title": "New role", "description": "Build things", "location": "Berlin", "category": "Software Engineering"}),
    "recruiting.edit_job": lambda w, a: recruiting.edit_job(w.db, a, w.job, {"title": "Renamed"}),
    "recruiting.close_job": lambda w, a: recruiting.close_job(w.db, a, w.job),
    "fit.rank_applicants": lambda w, a: fit.rank_applicants(w.db, a, w.quiet_job),
    "pipeline.dashboard": lambda w, a: pipeline.dashboard(w.db, a),
    "schedule.schedule_interview": lambda w, a: schedule.schedule_interview(
        w.db, a, w.shortlisted, TOMORROW + timedelta(hours=3), "UTC", 30, "Second"),
    "schedule.upcoming": lambda w, a: schedule.upcoming(w.db, a),
    "schedule.history": lambda w, a: schedule.history(w.db, a),
    "schedule.get_interview": lambda w, a: schedule.get_interview(w.db, a, w.interview),
    "schedule.interviews_for_application": lambda w, a: schedule.interviews_for_application(w.db, a, w.interviewed),
    "schedule.schedulable_applications": lambda w, a: schedule.schedulable_applications(w.db, a),
    "schedule.record_decision": lambda w, a: schedule.record_decision(w.db, a, w.interview, "offered", "Great"),
    "rooms.get_room": lambda w, a: rooms.get_room(w.db, a, w.interview),
    "rooms.find_interview": lambda w, a: rooms.find_interview(w.db, a, w.interview),
    "rooms.resolve_room": lambda w, a: rooms.resolve_room(w.db, a, w.code),
    "rooms.new_call": lambda w, a: rooms.new_call(w.db, a, "Quick call"),
    "pad.get_pad": lambda w, a: pad.get_pad(w.db, a, w.interview),
    "pad.save_pad": lambda w, a: pad.save_pad(w.db, a, w.interview, "print(1)", "python", 0),
    "pad.set_question": lambda w, a: pad.set_question(w.db, a, w.interview, "Reverse a list"),
    "pad.get_question": lambda w, a: pad.get_question(w.db, a, w.interview),
    "pad.post_chat": lambda w, a: pad.post_chat(w.db, a, w.interview, "hello"),
    "pad.chat": lambda w, a: pad.chat(w.db, a, w.interview),
    "pad.heartbeat": lambda w, a: pad.heartbeat(w.db, a, w.interview),
    "pad.present": lambda w, a: pad.present(w.db, a, w.interview),
    "recordings.recordings_for": lambda w, a: recordings.recordings_for(w.db, a, w.interview),
    "recordings.recording_file": lambda w, a: recordings.recording_file(w.db, a, w.recording),
    "companies.add_recruiter": lambda w, a: companies.add_recruiter(w.db, a, w.company, "Col", "col@acme.test",
                                                                    "Sunny-ledger-42"),
    "decisions.records": lambda w, a: decisions.records(w.db, a, job_id=w.job),
    "decisions.export_records": lambda w, a: decisions.export_records(w.db, a, "csv", job_id=w.job),
    "decisions.record_category_suggestion": lambda w, a: decisions.record_category_suggestion(
        w.db, a, {"id": w.job, "title": "Data Engineer"}, [("Engineering", 0.9)]),
    "oversight.rejection_reasons": lambda w, a: oversight.rejection_reasons(w.db, a),
    "oversight.set_rejection_reasons": lambda w, a: oversight.set_rejection_reasons(w.db, a, [("Filled", "Filled.")]),
    "oversight.override_ranking": lambda w, a: oversight.override_ranking(w.db, a, w.app),
    "oversight.pinned_applications": lambda w, a: oversight.pinned_applications(w.db, a, w.job),
    "anonymise.set_anonymised_review": lambda w, a: anonymise.set_anonymised_review(w.db, a, w.job, True),
}

# A recruiter of a company without access keeps these: their account, inbox, and the access workflow.
OWN_ACCOUNT = {
    "companies.get_company": lambda w, a: companies.get_company(w.db, a),
    "companies.company_permissions": lambda w, a: companies.company_permissions(w.db, a),
    "companies.update_company": lambda w, a: companies.update_company(w.db, a, {"industry": "Robots"}),
    "companies.request_access": lambda w, a: companies.request_access(w.db, a, "Please restore"),
    "applications.inbox": lambda w, a: applications.inbox(w.db, a),
    "accounts.get_profile": lambda w, a: accounts.get_profile(w.db, a),
    "email_confirmation.request_email_confirmation":
        lambda w, a: email_confirmation.request_email_confirmation(w.db, a, "rita@newmail.test"),
    "sign_in_sessions.end_all_sessions": lambda w, a: sign_in_sessions.end_all_sessions(w.db, a),
}

# The rest of the engine's entry points (candidate's, admin's, everyone's), for the signed-out test.
OTHERS = {
    "accounts.refresh_actor": lambda w, a: accounts.refresh_actor(w.db, a),
    "accounts.change_password": lambda w, a: accounts.change_password(w.db, a, "old-pass-1", "new-pass-1"),
    "accounts.update_profile": lambda w, a: accounts.update_profile(w.db, a, {"name": "X"}),
    "applications.apply": lambda w, a: applications.apply(w.db, a, w.quiet_job),
    "applications.withdraw": lambda w, a: applications.withdraw(w.db, a, w.app),
    "applications.list_for_candidate": lambda w, a: applications.list_for_candidate(w.db, a),
    "applications.list_all": lambda w, a: applications.list_all(w.db, a),
    "applications.mark_read": lambda w, a: applications.mark_read(w.db, a, w.message),
    "applications.message_attachment": lambda w, a: applications.message_attachment(w.db, a, w.message),
    "applications.my_resumes": lambda w, a: applications.my_resumes(w.db, a),
    "applications.applied_on": lambda w, a: applications.applied_on(w.db, a, w.job),
    "mail.outbox": lambda w, a: mail.outbox(w.db, a),
    "mail.retry_delivery": lambda w, a: mail.retry_delivery(w.db, a),
    "mail.failed_mail": lambda w, a: mail.failed_mail(w.db, a),
    "jobs.save_job": lambda w, a: jobs.save_job(w.db, a, w.job),
    "jobs.unsave_job": lambda w, a: jobs.unsave_job(w.db, a, w.job),
    "jobs.is_saved": lambda w, a: jobs.is_saved(w.db, a, w.job),
    "jobs.saved_jobs": lambda w, a: jobs.saved_jobs(w.db, a),
    "recruiting.pending_jobs": lambda w, a: recruiting.pending_jobs(w.db, a),
    "recruiting.review_pending_job": lambda w, a: recruiting.review_pending_job(w.db, a, w.job, "approve"),
    "recruiting.companies_with_jobs": lambda w, a: recruiting.companies_with_jobs(w.db, a),
    "companies.list_companies": lambda w, a: companies.list_companies(w.db, a),
    "companies.list_access_requests": lambda w, a: companies.list_access_requests(w.db, a),
    "companies.grant_access": lambda w, a: companies.grant_access(w.db, a, w.company, ["post_jobs"]),
    "companies.deny_access": lambda w, a: companies.deny_access(w.db, a, w.company),
    "companies.revoke_access": lambda w, a: companies.revoke_access(w.db, a, w.company),
    "pipeline.funnel": lambda w, a: pipeline.funnel(w.db, a),
    "pipeline.status_counts": lambda w, a: pipeline.status_counts(w.db, a),
    "pipeline.over_time": lambda w, a: pipeline.over_time(w.db, a),
    "pipeline.time_in_stage": lambda w, a: pipeline.time_in_stage(w.db, a),
    "pipeline.conversion_per_job": lambda w, a: pipeline.conversion_per_job(w.db, a),
    "schedule.respond": lambda w, a: schedule.respond(w.db, a, w.interview, "accept"),
    "pad.leave": lambda w, a: pad.leave(w.db, a, w.interview),
    "sessions.applied_jobs": lambda w, a: sessions.applied_jobs(w.db, a),
    "sessions.save_report": lambda w, a: sessions.save_report(w.db, a, None),
    "sessions.history": lambda w, a: sessions.history(w.db, a),
    "sessions.get_report": lambda w, a: sessions.get_report(w.db, a, 1),
    "repository.create_resume": lambda w, a: repository.create_resume(w.db, a, "CV"),
    "repository.list_resumes": lambda w, a: repository.list_resumes(w.db, a),
    "repository.get_resume": lambda w, a: repository.get_resume(w.db, a, w.resume),
    "repository.save_resume": lambda w, a: repository.save_resume(w.db, a, w.resume, None),
    "repository.set_template": lambda w, a: repository.set_template(w.db, a, w.resume, "classic"),
    "repository.rename_resume": lambda w, a: repository.rename_resume(w.db, a, w.resume, "New"),
    "repository.delete_resume": lambda w, a: repository.delete_resume(w.db, a, w.resume),
    "repository.duplicate_resume": lambda w, a: repository.duplicate_resume(w.db, a, w.resume),
    "repository.list_versions": lambda w, a: repository.list_versions(w.db, a, w.resume),
    "repository.get_version": lambda w, a: repository.get_version(w.db, a, w.resume, 1),
    "repository.restore_version": lambda w, a: repository.restore_version(w.db, a, w.resume, 1),
    "repository.profile_draft": lambda w, a: repository.profile_draft(w.db, a),
    "tailor.jobs_to_tailor_for": lambda w, a: tailor.jobs_to_tailor_for(w.db, a),
    "share.create_share": lambda w, a: share.create_share(w.db, a, w.resume),
    "share.list_shares": lambda w, a: share.list_shares(w.db, a, w.resume),
    "share.revoke_share": lambda w, a: share.revoke_share(w.db, a, w.resume, "x"),
    "review.read_for_review": lambda w, a: review.read_for_review(a, b"%PDF-1.4", "cv.pdf"),
    "review.save_import": lambda w, a: review.save_import(w.db, a, Resume()),
    "decisions.purge_expired": lambda w, a: decisions.purge_expired(w.db, a),
    "transparency.my_fit": lambda w, a: transparency.my_fit(w.db, a, w.app),
    "data_rights.my_data": lambda w, a: data_rights.my_data(w.db, a),
    "data_rights.export_my_data": lambda w, a: data_rights.export_my_data(w.db, a),
    "data_rights.delete_my_account": lambda w, a: data_rights.delete_my_account(w.db, a, "cand@mail.test"),
    "data_rights.anonymise_closed_applications": lambda w, a: data_rights.anonymise_closed_applications(w.db, a),
}

# Open to visitors by design: public jobs, the landing page's counts, a visit's trace (kept for candidates
# only), and a yes/no question.
PUBLIC = {"jobs.get_job", "jobs.record_event", "accounts.home_summary", "rooms.can_enter"}


def _revoked(w: World):
    companies.revoke_access(w.db, w.admin, w.company, "Contract ended")
    return w.rec


@pytest.mark.parametrize("name", sorted(COMPANY_WORK))
def test_recruiter_does_company_work_while_access_stands(w, name):
    """The control for the next test: each call works for the same recruiter before the revocation."""
    COMPANY_WORK[name](w, w.rec)


@pytest.mark.parametrize("name", sorted(COMPANY_WORK))
def test_revoked_recruiter_is_refused_at_every_entry_point(w, name):
    rec = _revoked(w)
    with pytest.raises(AccessDenied, match="does not have access"):
        COMPANY_WORK[name](w, rec)


@pytest.mark.parametrize("name", sorted(OWN_ACCOUNT))
def test_revoked_recruiter_keeps_their_account_and_the_access_workflow(w, name):
    OWN_ACCOUNT[name](w, _revoked(w))


def test_revoked_recruiter_sees_no_company_figures_on_the_home_page(w):
    summary = accounts.home_summary(w.db, _revoked(w))
    assert summary["access_status"] == "revoked" and "new_applicants" not in summary
    assert "company_jobs" not in summary


def test_never_granted_company_is_refused_too(w):
    newcomer = make_company(w.db, "Newco", permissions=(), access="none")
    rec = make_user(w.db, "hr@newco.test", "recruiter", "Nina New", newcomer)
    for call in (lambda: recruiting.list_company_jobs(w.db, rec), lambda: rooms.new_call(w.db, rec),
                 lambda: companies.add_recruiter(w.db, rec, newcomer, "Col", "col@newco.test", "Sunny-ledger-42")):
        with pytest.raises(AccessDenied, match="does not have access"):
            call()


@pytest.mark.parametrize("name", sorted({**COMPANY_WORK, **OWN_ACCOUNT, **OTHERS}))
def test_signed_out_caller_is_asked_to_sign_in(w, name):
    call = {**COMPANY_WORK, **OWN_ACCOUNT, **OTHERS}[name]
    with pytest.raises(AccessDenied, match="(?i)sign in"):
        call(w, None)


def _engine_entry_points() -> set[str]:
    """module.function for every public engine function that takes an ``actor`` or ``admin``."""
    found = set()
    for info in pkgutil.walk_packages(engine.__path__, "engine."):
        if info.ispkg or info.name.endswith(".authz"):
            continue
        source = Path(importlib.util.find_spec(info.name).origin).read_text(encoding="utf-8")
        if "actor" not in source and "admin" not in source:
            continue
        module = importlib.import_module(info.name)
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == info.name and not fname.startswith("_") and \
                    {"actor", "admin"} & set(inspect.signature(fn).parameters):
                found.add(f"{info.name.rsplit('.', 1)[1]}.{fname}")
    return found


def test_every_entry_point_is_in_a_table():
    tables = set(COMPANY_WORK) | set(OWN_ACCOUNT) | set(OTHERS) | PUBLIC
    found = _engine_entry_points()
    assert found - tables == set(), "new entry points: add them to a table (and check who they let in)"
    assert tables - found == set(), "the tables name functions that do not exist"


def test_cancelled_room_takes_no_more_chat_pad_or_presence(w):
    host = make_user(w.db, "host@mail.test", "candidate", "Hana Host")
    guest = make_user(w.db, "guest@mail.test", "candidate", "Gil Guest")
    call = rooms.new_call(w.db, host, "Pairing")
    iid = call.interview["id"]
    rooms.resolve_room(w.db, guest, call.token)   # joins as a guest
    pad.post_chat(w.db, guest, iid, "before")
    pad.save_pad(w.db, guest, iid, "x = 1", "python", 0)
    w.db.execute("UPDATE interviews SET status = 'cancelled' WHERE id = ?", [iid])
    for act in (lambda: pad.post_chat(w.db, guest, iid, "after"),
                lambda: pad.save_pad(w.db, guest, iid, "x = 2", "python", 1),
                lambda: pad.heartbeat(w.db, guest, iid), lambda: pad.chat(w.db, guest, iid)):
        with pytest.raises(rooms.RoomRefused, match="cancelled"):
            act()
    assert [m["body"] for m in w.db.query("SELECT body FROM room_chat WHERE interview_id = ?", [iid])] == ["before"]
    assert w.db.execute("SELECT code FROM code_pads WHERE interview_id = ?", [iid]).fetchone()[0] == "x = 1"


def test_other_company_records_stay_not_found(w):
    other = make_company(w.db, "Globex")
    mole = make_user(w.db, "mole@globex.test", "recruiter", "Mo Le", other)
    for name in ("applications.get_application", "schedule.get_interview", "recordings.recording_file",
                 "companies.add_recruiter", "pad.post_chat"):
        with pytest.raises(NotFound):
            COMPANY_WORK[name](w, mole)
