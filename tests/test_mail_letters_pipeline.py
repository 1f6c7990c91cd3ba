"""Email delivery to a real local SMTP server (aiosmtpd), the letter PDFs, and the pipeline figures."""
import email
import io
import socket
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller
from applications_fixtures import World, pdf_bytes
from pypdf import PdfReader

from engine import applications as A
from engine import letters, mail, notify, pipeline
from engine.authz import AccessDenied
from engine.config import SmtpSettings
from engine.store import transaction


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def w(db):
    return World(db)


def _settings(port):
    return SmtpSettings(host="127.0.0.1", port=port, user=None, password=None, sender="JX <no-reply@jx.test>", use_tls=False)


def test_delivery_with_ics_and_pdf_attachments(w):
    app_id = A.apply(w.db, w.cand, w.job_a, pdf_bytes=pdf_bytes(), pdf_name="cv.pdf")["id"]
    for s in ["under_review", "accepted", "interview_scheduled", "interviewed", "offered"]:
        A.change_status(w.db, w.rec_a, app_id, s)
    invite = notify.interview_invitation_email("José Müller", "Data Engineer", "Acme",
                                               datetime(2030, 5, 6, 14, 30, tzinfo=timezone.utc), 45,
                                               "http://127.0.0.1:8501/room?code=abc", timezone_name="Europe/Berlin",
                                               attendee_email="jose@cand.test")
    with transaction(w.db):
        notify.notify_user(w.db, w.cand.user_id, invite, link="http://127.0.0.1:8501/room?code=abc")
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        report = mail.deliver_outbox(w.db, _settings(controller.port))
    finally:
        controller.stop()
    assert report.sent == 6 and report.failed == 0
    assert {r["status"] for r in w.db.query("SELECT status FROM outbox")} == {"sent"}
    by_subject = {m["Subject"]: m for m in received.messages}
    inv = by_subject["Interview invitation: Data Engineer at Acme"]
    parts = {p.get_content_type(): p for p in inv.walk()}
    ics = parts["text/calendar"].get_payload(decode=True).decode()
    assert "BEGIN:VEVENT" in ics and "DTSTART:20300506T143000Z" in ics and "room?code=abc" in ics
    assert "16:30 (Europe/Berlin)" in parts["text/plain"].get_payload(decode=True).decode()
    offer = by_subject["Offer: Data Engineer at Acme"]
    pdf = next(p for p in offer.walk() if p.get_content_type() == "application/pdf")
    assert "Offer of employment" in PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages[0].extract_text()


def test_server_down_keeps_mail_queued_and_a_retry_delivers(w):
    A.apply(w.db, w.cand, w.job_a)
    port = free_port()  # nothing listens here yet
    report = mail.deliver_outbox(w.db, _settings(port))
    assert report.sent == 0 and "unavailable" in report.skipped
    row = w.db.execute("SELECT status, attempts, last_error FROM outbox").fetchone()
    assert row[0] == "queued" and row[1] == 0 and "unavailable" in row[2]
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mail.deliver_outbox(w.db, _settings(port)).sent == 1
        assert mail.deliver_outbox(w.db, _settings(port)).sent == 0  # nothing sent twice
    finally:
        controller.stop()
    assert [m["To"] for m in received.messages] == ["jose@cand.test"]
    assert w.db.execute("SELECT status, attempts FROM outbox").fetchone() == ("sent", 1)


class Refusing:
    async def handle_DATA(self, server, session, envelope):
        return "451 Try again later"


def test_refused_message_backs_off_then_fails_after_max_attempts(w):
    A.apply(w.db, w.cand, w.job_a)
    controller = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        first = mail.deliver_outbox(w.db, _settings(controller.port), max_attempts=2)
        assert first.retry_later == 1
        assert mail.deliver_outbox(w.db, _settings(controller.port), max_attempts=2).retry_later == 0  # backing off
        w.db.execute("UPDATE outbox SET next_attempt_at = NULL")
        assert mail.deliver_outbox(w.db, _settings(controller.port), max_attempts=2).failed == 1
        assert w.db.execute("SELECT status, attempts FROM outbox").fetchone() == ("failed", 2)
        with pytest.raises(AccessDenied):
            mail.retry_delivery(w.db, w.rec_a)
    finally:
        controller.stop()
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        assert mail.retry_delivery(w.db, w.admin, settings=_settings(controller.port)).sent == 1
    finally:
        controller.stop()
    assert [r["status"] for r in mail.outbox(w.db, w.admin)] == ["sent"]


def test_no_smtp_configured_leaves_outbox_alone(w, monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    A.apply(w.db, w.cand, w.job_a)
    assert "not configured" in mail.deliver_outbox(w.db).skipped
    assert w.db.execute("SELECT status FROM outbox").fetchone()[0] == "queued"


@pytest.mark.parametrize("kind, heading, name", [
    ("offer", "Offer of employment", "Zoë Øster-Müller"),       # Latin-1: built-in font
    ("thank_you", "Thank you", "Zoë Øster-Müller"),
    ("offer", "Offer of employment", "Łukasz Wałęsa"),          # beyond Latin-1: DejaVu embedded
])
def test_letters_render_unicode_names(db, data_dir, kind, heading, name):
    info = letters.LetterInfo(name, "Data Engineer", "Acmé GmbH", "Berlin", 60000, 80000, "EUR")
    rel = letters.save_letter(db, kind, info)
    assert rel.startswith("letters/") and rel.endswith(f"-{kind}.pdf")
    text = PdfReader(data_dir / rel).pages[0].extract_text()
    assert heading in text and name in text and "Acmé GmbH" in text
    if kind == "offer":
        assert "60,000 to 80,000 EUR" in text


def _set_events(db, app_id, times):
    rows = list(db.query("SELECT id FROM application_events WHERE application_id = ? ORDER BY id", [app_id]))
    for row, at in zip(rows, times):
        db.execute("UPDATE application_events SET at = ? WHERE id = ?", [at, row["id"]])
    db.execute("UPDATE applications SET created_at = ? WHERE id = ?", [times[0], app_id])


def test_pipeline_figures_on_a_small_dataset(w):
    # job A: app1 goes to offer, app2 rejected after review; job B: app3 only applied
    a1 = A.apply(w.db, w.cand, w.job_a)["id"]
    a2 = A.apply(w.db, w.cand2, w.job_a)["id"]
    a3 = A.apply(w.db, w.cand, w.job_b)["id"]
    for s in ["under_review", "accepted", "interview_scheduled", "interviewed", "offered"]:
        A.change_status(w.db, w.rec_a, a1, s)
    A.change_status(w.db, w.rec_a, a2, "under_review")
    A.change_status(w.db, w.rec_a, a2, "rejected", reason="Position filled")
    _set_events(w.db, a1, ["2026-01-01T00:00:00+00:00", "2026-01-01T10:00:00+00:00", "2026-01-02T10:00:00+00:00",
                           "2026-01-03T10:00:00+00:00", "2026-01-04T10:00:00+00:00", "2026-01-05T10:00:00+00:00"])
    _set_events(w.db, a2, ["2026-01-01T00:00:00+00:00", "2026-01-01T20:00:00+00:00", "2026-01-02T00:00:00+00:00"])
    _set_events(w.db, a3, ["2026-01-03T00:00:00+00:00"])

    admin = pipeline.funnel(w.db, w.admin)
    assert dict(zip(admin["stage"], admin["count"])) == {"applied": 3, "under_review": 2, "accepted": 1,
                                                        "interview_scheduled": 1, "interviewed": 1, "offered": 1}
    rec = pipeline.funnel(w.db, w.rec_a)
    assert rec["count"].tolist() == [2, 2, 1, 1, 1, 1] and rec["share_of_applied"].tolist()[2] == 0.5
    assert pipeline.funnel(w.db, w.rec_b)["count"].tolist() == [1, 0, 0, 0, 0, 0]

    over = pipeline.over_time(w.db, w.admin)
    assert over["applications"].tolist() == [2, 0, 1]  # Jan 1, Jan 2 (none), Jan 3

    stay = pipeline.time_in_stage(w.db, w.rec_a).set_index("stage")
    assert stay.loc["applied", "stays"] == 2 and stay.loc["applied", "mean_hours"] == 15.0  # 10 h and 20 h
    assert stay.loc["under_review", "median_hours"] == 14.0  # 24 h and 4 h
    assert stay.loc["accepted", "mean_hours"] == 24.0 and "offered" not in stay.index

    conv = pipeline.conversion_per_job(w.db, w.admin)
    assert conv[["job_id", "applicants", "shortlisted", "offered"]].values.tolist() == [[w.job_a, 2, 1, 1], [w.job_b, 1, 0, 0]]
    assert conv["offer_rate"].tolist() == [0.5, 0.0]
    status = pipeline.status_counts(w.db, w.admin).set_index("status")["count"]
    assert (status["offered"], status["rejected"], status["applied"]) == (1, 1, 1)
    with pytest.raises(AccessDenied):
        pipeline.dashboard(w.db, w.cand)


def test_pipeline_empty_company(w):
    figures = pipeline.dashboard(w.db, w.rec_b)
    assert figures["funnel"]["count"].sum() == 0 and figures["over_time"].empty and figures["conversion"].empty


def test_background_sender_delivers_what_is_queued(w, data_dir, monkeypatch):
    import time

    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    try:
        assert mail.start_background_sender(str(data_dir), interval_s=0.2) is not None
        A.apply(w.db, w.cand, w.job_a)
        deadline = time.time() + 20
        while not received.messages and time.time() < deadline:
            time.sleep(0.1)
    finally:
        mail.stop_background_sender(str(data_dir))
        controller.stop()
    assert [m["Subject"] for m in received.messages] == ["Application received: Data Engineer at Acme"]


def test_schedule_by_hand_sends_invitation_with_ics(w):
    from datetime import timedelta

    app_id = A.apply(w.db, w.cand, w.job_a)["id"]
    A.change_status(w.db, w.rec_a, app_id, "under_review")
    with pytest.raises(A.IllegalTransition):  # not shortlisted yet
        A.schedule_by_hand(w.db, w.rec_a, app_id, datetime.now() + timedelta(days=2), 30, "https://meet.example/x")
    A.change_status(w.db, w.rec_a, app_id, "accepted")
    with pytest.raises(ValueError, match="interview time is in the past"):
        A.schedule_by_hand(w.db, w.rec_a, app_id, datetime(2020, 1, 1, 10, 0), 30, "https://meet.example/x")
    with pytest.raises(ValueError, match="http"):
        A.schedule_by_hand(w.db, w.rec_a, app_id, datetime.now() + timedelta(days=2), 30, "meet.example/x")
    when = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
    A.schedule_by_hand(w.db, w.rec_a, app_id, when, 45, "https://meet.example/room-1")
    assert A.get_application(w.db, w.cand, app_id)["status"] == "interview_scheduled"
    msg = A.inbox(w.db, w.cand)[0]
    assert msg["kind"] == "interview_invitation" and msg["link"] == "https://meet.example/room-1"
    ics = w.db.execute("SELECT ics FROM outbox WHERE kind = 'interview_invitation'").fetchone()[0]
    assert f"DTSTART:{when:%Y%m%dT%H%M%S}Z" in ics and "meet.example/room-1" in ics


def test_login_when_credentials_are_configured(w):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"mailer", b"s3cret")
        return AuthResult(success=ok)

    A.apply(w.db, w.cand, w.job_a)
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        wrong = SmtpSettings("127.0.0.1", controller.port, "mailer", "nope", "JX <no-reply@jx.test>", False)
        assert "unavailable" in mail.deliver_outbox(w.db, wrong).skipped  # login refused: nothing lost, stays queued
        right = SmtpSettings("127.0.0.1", controller.port, "mailer", "s3cret", "JX <no-reply@jx.test>", False)
        assert mail.deliver_outbox(w.db, right).sent == 1
    finally:
        controller.stop()
    assert len(received.messages) == 1


# --- one bad message never stops the others; 4xx is retried; the admin sees failures ------------------

class Recording(Inbox):
    """Keeps who each message was really sent to (the envelope), not only what its headers say."""

    def __init__(self):
        super().__init__()
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients += envelope.rcpt_tos
        return await super().handle_DATA(server, session, envelope)


def _poison(db, subject="Access request from Acme\r\nBcc: victim@x.test", to_email="admin@jx.test") -> int:
    """An outbox row as an older version queued it from a stored company name with a line break."""
    return db.execute("INSERT INTO outbox (to_email, subject, body, kind, status, attempts, created_at) "
                      "VALUES (?, ?, 'body', 'access_request', 'queued', 0, '2030-01-01T00:00:00') RETURNING id",
                      [to_email, subject]).fetchone()[0]


def _deliver(handler, db, **kw):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        return mail.deliver_outbox(db, _settings(controller.port), **kw)
    finally:
        controller.stop()


def test_a_poisoned_message_fails_alone_and_the_others_are_sent(w):
    A.apply(w.db, w.cand, w.job_a)                      # queues the candidate's confirmation
    poisoned = _poison(w.db)
    A.apply(w.db, w.cand2, w.job_a)                     # and one more after the poisoned row
    received = Recording()
    report = _deliver(received, w.db)
    assert (report.sent, report.failed, report.retry_later) == (2, 1, 0)
    assert sorted(received.recipients) == ["jose@cand.test", "zoe@cand.test"]   # nobody Bcc'd
    row = w.db.execute("SELECT status, attempts, last_error FROM outbox WHERE id = ?", [poisoned]).fetchone()
    assert row[0] == "failed" and row[1] == 1 and "cannot be built" in row[2] and "linefeed" in row[2]
    assert [m["id"] for m in mail.failed_mail(w.db, w.admin)] == [poisoned]
    with pytest.raises(AccessDenied):
        mail.failed_mail(w.db, w.rec_a)


def test_a_company_name_with_a_line_break_cannot_forge_a_header(w):
    """A name stored before names were validated still reaches the admin, as one subject line."""
    from engine import companies

    w.db.execute("UPDATE companies SET name = ? WHERE id = ?", ["Acme\r\nBcc: victim@x.test", w.company_a])
    companies.request_access(w.db, w.rec_a, "Please")
    received = Recording()
    assert _deliver(received, w.db).sent == 1
    assert received.recipients == ["admin@jx.test"]
    assert received.messages[0]["Subject"] == "Access request from Acme Bcc: victim@x.test"
    assert received.messages[0]["Bcc"] is None


class Greylisting(Recording):
    """Refuses each recipient once with 450 (greylisting), then accepts it."""

    def __init__(self):
        super().__init__()
        self.seen: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address not in self.seen:
            self.seen.add(address)
            return "450 4.2.0 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_4xx_recipient_refusal_is_retried_after_the_backoff(w):
    A.apply(w.db, w.cand, w.job_a)
    server = Greylisting()
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        first = mail.deliver_outbox(w.db, _settings(controller.port))
        assert (first.sent, first.retry_later, first.failed) == (0, 1, 0)
        status, attempts, error, due = w.db.execute(
            "SELECT status, attempts, last_error, next_attempt_at FROM outbox").fetchone()
        assert (status, attempts) == ("queued", 1) and "450" in error and due > datetime.now(timezone.utc).isoformat()
        assert mail.deliver_outbox(w.db, _settings(controller.port)).sent == 0      # still backing off
        w.db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00+00:00'")  # the backoff has passed
        assert mail.deliver_outbox(w.db, _settings(controller.port)).sent == 1
    finally:
        controller.stop()
    assert server.recipients == ["jose@cand.test"]
    assert w.db.execute("SELECT status, attempts, last_error FROM outbox").fetchone() == ("sent", 2, None)


class RefusingForGood(Recording):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("jose@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_5xx_refusal_fails_that_message_at_once_with_the_reason(w):
    A.apply(w.db, w.cand, w.job_a)
    A.apply(w.db, w.cand2, w.job_a)
    server = RefusingForGood()
    report = _deliver(server, w.db)
    assert (report.sent, report.failed) == (1, 1) and server.recipients == ["zoe@cand.test"]
    (failed,) = mail.failed_mail(w.db, w.admin)
    assert failed["to_email"] == "jose@cand.test" and "550" in failed["last_error"]


def test_admin_page_lists_failed_mail_with_its_reason(w):
    from conftest import open_page

    _poison(w.db)
    A.apply(w.db, w.cand, w.job_a)
    _deliver(Recording(), w.db)
    at = open_page("pages/admin_applications.py", w.admin)
    assert not at.exception
    assert any("1 email(s) could not be delivered" in e.value for e in at.error)
    failed = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert list(failed["To"]) == ["admin@jx.test"] and "cannot be built" in failed["Reason"][0]


class ClosingOnce(Recording):
    """Closes the connection on the first message: by hanging up in DATA (a crash) or by answering its
    recipient 421 (a server shedding load; smtplib then closes its side)."""

    def __init__(self, how: str):
        super().__init__()
        self.how, self.closed = how, False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.how == "421" and not self.closed:
            self.closed = True
            return "421 4.3.2 Too busy, closing"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.how == "hang up" and not self.closed:
            self.closed = True
            server.transport.close()
            return "421 closing"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("how, error", [("hang up", "SMTPServerDisconnected"), ("421", "421")])
def test_a_closed_connection_delays_that_message_only_and_the_run_reconnects(w, how, error):
    A.apply(w.db, w.cand, w.job_a)
    A.apply(w.db, w.cand2, w.job_a)
    server = ClosingOnce(how)
    report = _deliver(server, w.db)
    assert (report.sent, report.retry_later, report.failed) == (1, 1, 0)
    assert server.recipients == ["zoe@cand.test"]
    row = w.db.execute("SELECT status, attempts, last_error FROM outbox WHERE to_email = 'jose@cand.test'").fetchone()
    assert row[:2] == ("queued", 1) and error in row[2]


def test_conversion_labels_tell_same_titled_jobs_apart():
    import pandas as pd

    jobs = pd.DataFrame({"job_id": [1, 2, 3, 4, 5, 6], "job_title": ["Nurse", "Nurse", "Chef", "Chef", "Chef", "Cook"],
                         "job_company": ["Acme", "Globex", "Acme", "Acme", "Acme", "Acme"],
                         "job_location": ["Paris", "Paris", "Lyon", "Nice", "Lyon", "Lyon"]})
    assert pipeline.job_labels(jobs).tolist() == ["Nurse · Acme", "Nurse · Globex", "Chef · job 3", "Chef · job 4",
                                                  "Chef · job 5", "Cook"]
