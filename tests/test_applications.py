"""Applications: applying, the status machine and its side effects, notes, listings and who may see what."""
import threading

import pytest
from applications_fixtures import World, make_company, make_job, make_resume, make_user, past, pdf_bytes

from engine import applications as A
from engine import store
from engine.authz import AccessDenied, NotFound
from engine.uploads import UploadRejected

FORWARD = ["under_review", "accepted", "interview_scheduled", "interviewed"]


@pytest.fixture
def w(db):
    return World(db)


def _applied(w, who=None, job=None):
    return A.apply(w.db, who or w.cand, job or w.job_a, pdf_bytes=pdf_bytes(), pdf_name="cv.pdf")["id"]


# --- apply -----------------------------------------------------------------------------------------

def test_apply_records_everything_in_one_go(w, data_dir):
    app = A.apply(w.db, w.cand, w.job_a, pdf_bytes=pdf_bytes(), pdf_name="cv.pdf", cover_letter=" Hello ")
    assert app["status"] == "applied" and app["cover_letter"] == "Hello"
    assert app["resume_pdf_path"].startswith("uploads/") and (data_dir / app["resume_pdf_path"]).is_file()
    assert [(e["from_status"], e["to_status"], e["actor_id"]) for e in A.history(w.db, w.cand, app["id"])] == [
        (None, "applied", w.cand.user_id)]
    assert [r["kind"] for r in w.db.query("SELECT kind FROM job_events WHERE user_id = ?", [w.cand.user_id])] == ["apply"]
    assert [m["subject"] for m in A.inbox(w.db, w.cand)] == ["Application received: Data Engineer at Acme"]
    assert [(o["to_email"], o["status"]) for o in w.db.query("SELECT * FROM outbox")] == [("jose@cand.test", "queued")]


def test_apply_twice_is_refused_politely(w):
    _applied(w)
    with pytest.raises(A.ApplyRefused, match=r"You already applied to this job on \d{4}-\d\d-\d\d"):
        A.apply(w.db, w.cand, w.job_a)
    assert w.db.execute("SELECT count(*) FROM applications").fetchone()[0] == 1


def test_apply_after_deadline_and_to_hidden_jobs(w):
    late = make_job(w.db, w.company_a, "Old role", deadline=past())
    with pytest.raises(A.ApplyRefused, match="closed on"):
        A.apply(w.db, w.cand, late)
    held = make_job(w.db, w.company_a, "Held role", status="pending_review")
    for job in (held, 999, "abc"):
        with pytest.raises(NotFound):
            A.apply(w.db, w.cand, job)
    assert w.db.execute("SELECT count(*) FROM applications").fetchone()[0] == 0


@pytest.mark.parametrize("data, message", [
    (b"PK\x03\x04 this is a zip renamed to .pdf", "not a PDF"),
    (b"%PDF-1.7\nthis is not really a pdf at all", "could not be read as a PDF"),
    (b"", "empty"),
])
def test_apply_refuses_files_that_are_not_pdfs(w, data_dir, data, message):
    with pytest.raises(UploadRejected, match=message):
        A.apply(w.db, w.cand, w.job_a, pdf_bytes=data, pdf_name="resume.pdf")
    assert w.db.execute("SELECT count(*) FROM applications").fetchone()[0] == 0
    assert not (data_dir / "uploads").exists() or list((data_dir / "uploads").iterdir()) == []


def test_apply_refuses_oversized_pdf(w):
    big = pdf_bytes() + b"%" + b"x" * (5 * 1024 * 1024)
    with pytest.raises(UploadRejected, match="limit is 5 MB"):
        A.apply(w.db, w.cand, w.job_a, pdf_bytes=big, pdf_name="big.pdf")


def test_apply_with_builder_resume_stores_latest_version(w):
    rid, latest = make_resume(w.db, w.cand.user_id, versions=3)
    app = A.apply(w.db, w.cand, w.job_a, resume_id=rid)
    assert (app["resume_id"], app["resume_version_id"], app["resume_pdf_path"]) == (rid, latest, None)
    got = A.resume_for_application(w.db, w.rec_a, app["id"])
    assert got["kind"] == "builder" and got["version_id"] == latest and got["data"]["v"] == 2


def test_apply_with_someone_elses_resume_is_not_found(w):
    other_rid, _ = make_resume(w.db, w.cand2.user_id)
    with pytest.raises(NotFound, match="among yours"):
        A.apply(w.db, w.cand, w.job_a, resume_id=other_rid)


def test_only_candidates_apply(w):
    for actor in (w.rec_a, w.admin):
        with pytest.raises(AccessDenied):
            A.apply(w.db, actor, w.job_a)


# --- the status machine ----------------------------------------------------------------------------

def test_whole_forward_path_with_events_letters_and_mail(w, data_dir):
    app_id = _applied(w)
    for status in FORWARD + ["offered"]:
        A.change_status(w.db, w.rec_a, app_id, status, note=f"to {status}")
    events = A.history(w.db, w.admin, app_id)
    path = [None, "applied", *FORWARD, "offered"]
    assert [(e["from_status"], e["to_status"]) for e in events] == list(zip(path, path[1:]))
    assert all(e["at"] and e["actor_id"] for e in events)
    assert {e["actor_id"] for e in events[1:]} == {w.rec_a.user_id}
    kinds = [m["kind"] for m in A.inbox(w.db, w.cand)]
    # no message for interview_scheduled: the meetings feature sends that invitation
    assert kinds == ["offer", "status", "status", "status", "application"]
    offer = A.inbox(w.db, w.cand)[0]
    assert offer["attachment_path"].startswith("letters/") and (data_dir / offer["attachment_path"]).is_file()
    mail = list(w.db.query("SELECT kind, attachment_path FROM outbox ORDER BY id"))
    assert [m["kind"] for m in mail] == ["application", "status", "status", "status", "offer"]
    assert mail[-1]["attachment_path"] == offer["attachment_path"]


@pytest.mark.parametrize("end, kind", [("not_selected", "thank_you")])
def test_not_selected_sends_thank_you_note(w, end, kind):
    app_id = _applied(w)
    for status in FORWARD + [end]:
        A.change_status(w.db, w.rec_a, app_id, status)
    assert A.inbox(w.db, w.cand)[0]["kind"] == kind and A.inbox(w.db, w.cand)[0]["attachment_path"]


def test_rejection_sends_rejection_email(w):
    app_id = _applied(w)
    A.change_status(w.db, w.rec_a, app_id, "under_review")
    A.change_status(w.db, w.rec_a, app_id, "rejected", reason="Position filled")
    assert w.db.execute("SELECT kind FROM outbox ORDER BY id DESC LIMIT 1").fetchone()[0] == "rejection"


@pytest.mark.parametrize("path, illegal", [
    ([], "accepted"),                               # skip review
    ([], "offered"),
    (["under_review"], "interviewed"),
    (["under_review", "rejected"], "accepted"),     # closed
    (["under_review", "accepted"], "rejected"),
    (FORWARD + ["offered"], "not_selected"),
])
def test_illegal_transitions_are_refused_with_allowed_states(w, path, illegal):
    app_id = _applied(w)
    for status in path:
        A.change_status(w.db, w.rec_a, app_id, status, reason="Position filled")
    before = len(A.history(w.db, w.admin, app_id))
    with pytest.raises(A.IllegalTransition, match="Allowed next") as err:
        A.change_status(w.db, w.rec_a, app_id, illegal)
    assert err.value.allowed == A.TRANSITIONS.get(path[-1] if path else "applied", ())
    assert len(A.history(w.db, w.admin, app_id)) == before


def test_unknown_status_and_forged_ids(w):
    app_id = _applied(w)
    with pytest.raises(A.IllegalTransition, match="Unknown status"):
        A.change_status(w.db, w.rec_a, app_id, "hired")
    for bad in (9999, "1 OR 1=1", None):
        with pytest.raises(NotFound):
            A.change_status(w.db, w.rec_a, bad, "under_review")


def test_withdraw_from_every_open_state_and_only_by_candidate(w):
    for i, status in enumerate(["applied", *FORWARD]):
        job = make_job(w.db, w.company_a, f"Role {i}")
        app_id = _applied(w, job=job)
        path = FORWARD[:FORWARD.index(status) + 1] if status != "applied" else []
        for s in path:
            A.change_status(w.db, w.rec_a, app_id, s)
        with pytest.raises(AccessDenied):
            A.change_status(w.db, w.rec_a, app_id, "withdrawn")
        assert A.withdraw(w.db, w.cand, app_id)["status"] == "withdrawn"
        assert A.inbox(w.db, w.cand)[0]["subject"].startswith("Application withdrawn")
    with pytest.raises(A.IllegalTransition):
        A.withdraw(w.db, w.cand, app_id)


def test_candidate_cannot_move_own_application_forward(w):
    app_id = _applied(w)
    with pytest.raises(AccessDenied):
        A.change_status(w.db, w.cand, app_id, "under_review")


def test_permissions_granted_by_admin_are_enforced(w):
    limited = make_company(w.db, "Initech", permissions=("view_applicants",))
    rec = make_user(w.db, "rec@initech.test", "recruiter", company_id=limited)
    job = make_job(w.db, limited, "Tester", "Initech")
    app_id = _applied(w, job=job)
    assert len(A.list_for_job(w.db, rec, job)) == 1
    with pytest.raises(AccessDenied, match="change application status"):
        A.change_status(w.db, rec, app_id, "under_review")


def test_bulk_change_reports_each_id(w):
    a1, a2 = _applied(w), _applied(w, who=w.cand2)
    A.change_status(w.db, w.rec_a, a2, "under_review")
    b_app = _applied(w, job=w.job_b)
    result = A.bulk_change_status(w.db, w.rec_a, [a1, a2, b_app, 424242], "under_review")
    assert [(r["id"], r["ok"]) for r in result] == [(a1, True), (a2, False), (b_app, False), (424242, False)]
    assert "Allowed next" in result[1]["error"] and "no application" in result[2]["error"]
    assert A.get_application(w.db, w.admin, b_app)["status"] == "applied"


# --- scoping at every entry point ------------------------------------------------------------------

def test_recruiter_of_b_cannot_see_or_touch_a(w):
    app_id = _applied(w)
    A.add_note(w.db, w.rec_a, app_id, "Strong SQL")
    calls = [
        lambda: A.get_application(w.db, w.rec_b, app_id),
        lambda: A.change_status(w.db, w.rec_b, app_id, "under_review"),
        lambda: A.bulk_change_status(w.db, w.rec_b, [app_id], "under_review")[0]["ok"] or (_ for _ in ()).throw(NotFound()),
        lambda: A.add_note(w.db, w.rec_b, app_id, "sneaky"),
        lambda: A.notes(w.db, w.rec_b, app_id),
        lambda: A.list_for_job(w.db, w.rec_b, w.job_a),
        lambda: A.timeline(w.db, w.rec_b, app_id),
        lambda: A.history(w.db, w.rec_b, app_id),
        lambda: A.resume_for_application(w.db, w.rec_b, app_id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    with pytest.raises(AccessDenied):
        A.list_all(w.db, w.rec_b)
    assert A.get_application(w.db, w.admin, app_id)["status"] == "applied"
    assert [n["body"] for n in A.notes(w.db, w.rec_a2, app_id)] == ["Strong SQL"]


def test_candidate_sees_only_own_records_and_never_notes(w):
    mine, theirs = _applied(w), _applied(w, who=w.cand2)
    A.add_note(w.db, w.rec_a, mine, "private opinion")
    A.change_status(w.db, w.rec_a, mine, "under_review", note="internal reason")
    assert [a["id"] for a in A.list_for_candidate(w.db, w.cand)] == [mine]
    for call in (lambda: A.get_application(w.db, w.cand, theirs), lambda: A.timeline(w.db, w.cand, theirs),
                 lambda: A.withdraw(w.db, w.cand, theirs), lambda: A.resume_for_application(w.db, w.cand, theirs)):
        with pytest.raises(NotFound):
            call()
    for call in (lambda: A.notes(w.db, w.cand, mine), lambda: A.add_note(w.db, w.cand, mine, "x"),
                 lambda: A.list_for_job(w.db, w.cand, w.job_a), lambda: A.list_all(w.db, w.cand)):
        with pytest.raises(AccessDenied):
            call()
    timeline = A.timeline(w.db, w.cand, mine)
    assert [t["by"] for t in timeline] == ["You", "Acme"] and all("note" not in t for t in timeline)
    other_msg = A.inbox(w.db, w.cand2)[0]["id"]
    with pytest.raises(NotFound):
        A.mark_read(w.db, w.cand, other_msg)
    with pytest.raises(NotFound):
        A.message_attachment(w.db, w.cand, other_msg)
    assert all(m["user_id"] == w.cand.user_id for m in A.inbox(w.db, w.cand))


def test_list_for_job_has_profile_and_resume_ranked_by_fit(w):
    a1, a2 = _applied(w), _applied(w, who=w.cand2)
    w.db.execute("UPDATE applications SET fit_score = CASE id WHEN ? THEN 0.2 ELSE 0.9 END", [a1])
    rows = A.list_for_job(w.db, w.rec_a, w.job_a)
    assert [r["id"] for r in rows] == [a2, a1]
    assert rows[1]["candidate_skills"] == ["Python", "SQL"] and rows[1]["candidate_name"] == "José Müller"
    assert A.resume_for_application(w.db, w.rec_a, a1)["data"].startswith(b"%PDF-")


def test_list_all_filters(w):
    a1, a2 = _applied(w), _applied(w, job=w.job_b)
    A.change_status(w.db, w.rec_a, a1, "under_review")
    w.db.execute("UPDATE applications SET created_at = '2020-01-15T10:00:00+00:00' WHERE id = ?", [a2])
    assert {a["id"] for a in A.list_all(w.db, w.admin)} == {a1, a2}
    assert [a["id"] for a in A.list_all(w.db, w.admin, job_id=w.job_b)] == [a2]
    assert [a["id"] for a in A.list_all(w.db, w.admin, status="under_review")] == [a1]
    assert [a["id"] for a in A.list_all(w.db, w.admin, date_from="2020-01-01", date_to="2020-01-31")] == [a2]
    with pytest.raises(ValueError):
        A.list_all(w.db, w.admin, status="hired")


def test_mark_read(w):
    _applied(w)
    msg = A.inbox(w.db, w.cand)[0]
    A.mark_read(w.db, w.cand, msg["id"])
    assert A.inbox(w.db, w.cand, unread_only=True) == []


# --- concurrency -----------------------------------------------------------------------------------

def test_two_recruiters_at_once_lose_no_event(w, data_dir):
    """Both try every step from separate connections; each step succeeds exactly once, the rest are refused."""
    app_id = _applied(w)
    barrier = threading.Barrier(2)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def worker(actor):
        db = store.connect(data_dir)
        for status in FORWARD + ["offered"]:
            barrier.wait()
            try:
                A.change_status(db, actor, app_id, status)
                result = "ok"
            except A.IllegalTransition:
                result = "refused"
            with lock:
                outcomes.append((status, result))

    threads = [threading.Thread(target=worker, args=(r,)) for r in (w.rec_a, w.rec_a2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    oks = [s for s, r in outcomes if r == "ok"]
    assert sorted(oks) == sorted(FORWARD + ["offered"])  # each step once, none lost, none doubled
    events = A.history(w.db, w.admin, app_id)
    assert [e["to_status"] for e in events] == ["applied", *FORWARD, "offered"]
    assert all(e["from_status"] == prev["to_status"] for prev, e in zip(events, events[1:]))
    assert A.get_application(w.db, w.admin, app_id)["status"] == "offered"


def test_concurrent_double_apply_makes_one_application(w, data_dir):
    errors = []

    def go():
        try:
            A.apply(store.connect(data_dir), w.cand, w.job_a)
        except A.ApplyRefused as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert w.db.execute("SELECT count(*) FROM applications").fetchone()[0] == 1
    assert len(errors) == 3 and all("already applied" in e for e in errors)


def test_recruiter_gets_a_builder_resume_as_pdf_in_its_template(w):
    import io

    from pypdf import PdfReader

    from engine.resume import model, repository

    draft = model.Resume(personal=model.Personal(name="José Müller", email="jose@cand.test"),
                         summary="Data engineer who ships reliable pipelines.", skills=["Python", "SQL"])
    stored = repository.create_resume(w.db, w.cand, "Data CV", template="classic", resume=draft)
    app = A.apply(w.db, w.cand, w.job_a, resume_id=stored.id)
    sent = A.resume_for_application(w.db, w.rec_a, app["id"])
    page = PdfReader(io.BytesIO(A.builder_resume_pdf(sent))).pages[0]
    text = page.extract_text()
    assert "José Müller" in text and "reliable pipelines" in text
    assert sent["filename"].endswith(f"_{app['id']}.pdf")
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert all("Serif" in f for f in fonts)   # the Classic template's serif type, not the default's sans


@pytest.mark.parametrize("data, template", [("not a dict", "classic"), ({"personal": 5}, "no-such-template")])
def test_builder_resume_pdf_survives_damaged_stored_data(data, template):
    assert A.builder_resume_pdf({"data": data, "template": template}).startswith(b"%PDF")
