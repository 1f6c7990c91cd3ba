"""The worker (engine.worker), its task queue (engine.tasks) and claimed mail delivery (engine.mail_claims):
claims are exclusive, a lapsed lease hands a task or a message to another worker, worker processes
deliver one outbox to a real SMTP server (aiosmtpd) each message once, and a worker killed mid-message
loses nothing. Runs on SQLite and, with JOBEXPRESSWAY_TEST_POSTGRES, on PostgreSQL."""
from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from engine import mail, mail_claims, store, tasks
from engine.store import insert_row, is_postgres, one
from waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
START_S = 120     # a worker process's start (imports) on a loaded 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queue_mail(db, n: int) -> list[int]:
    with store.transaction(db):
        return [insert_row(db, "outbox", {"to_email": f"person{i}@jx.test", "subject": f"Message {i}", "body": "Hello",
                                          "kind": "info", "status": "queued", "attempts": 0,
                                          "created_at": store.utcnow()}) for i in range(n)]


def later(seconds: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=seconds)


# --- the task queue ----------------------------------------------------------------------------------

def test_a_task_is_claimed_by_one_worker_and_again_after_its_lease_runs_out(db, data_dir):
    other = store.connect(data_dir)
    task_id = tasks.enqueue(db, "recordings.cleanup", {"why": "test"}, dedupe_key="every:recordings.cleanup",
                            max_attempts=None)
    assert tasks.enqueue(db, "recordings.cleanup", dedupe_key="every:recordings.cleanup") is None  # held once
    first = tasks.claim(db, "worker-a", lease_s=60)
    assert first.id == task_id and first.payload == {"why": "test"} and first.attempts == 1
    assert tasks.claim(other, "worker-b", lease_s=60) is None                 # held by worker-a
    assert tasks.claim(other, "worker-b", lease_s=60, now=later(30)) is None  # lease still running
    # worker-a died: once its lease has run out, worker-b takes the task over
    second = tasks.claim(other, "worker-b", lease_s=60, now=later(61))
    assert second.id == task_id and second.attempts == 2
    row = one(db, "SELECT status, locked_by, last_error FROM tasks WHERE id = ?", [task_id])
    assert row["status"] == "running" and row["locked_by"] == "worker-b" and "worker-a" in row["last_error"]
    assert tasks.finish(db, first, "worker-a") is False    # a worker that lost its task changes nothing
    assert tasks.renew(db, first, "worker-a") is False
    assert tasks.renew(other, second, "worker-b") is True
    next_run = later(3600)
    assert tasks.finish(other, second, "worker-b", then=next_run) is True
    rows = tasks.tasks(db)
    assert [(r["status"], r["dedupe_key"]) for r in rows] == [("queued", "every:recordings.cleanup"), ("done", None)]
    assert rows[0]["run_after"] == tasks.iso(next_run)
    assert tasks.claim(db, "worker-a") is None            # the next run is not due yet
    assert tasks.claim(db, "worker-a", now=later(3601)).kind == "recordings.cleanup"


def test_a_failing_task_backs_off_then_dies_and_frees_its_key(db):
    tasks.enqueue(db, "index.build", dedupe_key="k", max_attempts=2)
    task = tasks.claim(db, "w")
    assert tasks.fail(db, task, "w", "RuntimeError: boom") == "queued"
    assert tasks.claim(db, "w") is None                                   # backing off (10 s)
    task = tasks.claim(db, "w", now=later(tasks.backoff_s(1) + 1))
    assert task.attempts == 2
    assert tasks.fail(db, task, "w", "RuntimeError: boom again") == "dead"
    row = tasks.tasks(db)[0]
    assert row["status"] == "dead" and row["dedupe_key"] is None and row["last_error"] == "RuntimeError: boom again"
    assert tasks.enqueue(db, "index.build", dedupe_key="k") is not None   # the key is free again
    with pytest.raises(ValueError, match="kind"):
        tasks.enqueue(db, "")


def test_a_task_that_kills_its_worker_every_time_ends_dead(db):
    tasks.enqueue(db, "index.build", max_attempts=2)
    assert tasks.claim(db, "w1", lease_s=10).attempts == 1
    assert tasks.claim(db, "w2", lease_s=10, now=later(11)).attempts == 2
    assert tasks.claim(db, "w3", lease_s=10, now=later(22)) is None      # two claims died: no third
    row = tasks.tasks(db)[0]
    assert row["status"] == "dead" and "gave up after 2 attempt(s)" in row["last_error"] and "w2" in row["last_error"]


@pytest.mark.skipif(not os.environ.get("JOBEXPRESSWAY_TEST_POSTGRES"), reason="SKIP LOCKED is PostgreSQL's")
def test_postgres_claimers_skip_a_row_another_holds_instead_of_waiting(db, data_dir):
    assert is_postgres(db)
    first = tasks.enqueue(db, "recordings.cleanup")
    second = tasks.enqueue(db, "recordings.cleanup")
    holder = store.connect(data_dir)
    holder.execute("BEGIN")
    holder.execute("SELECT id FROM tasks WHERE id = ? FOR UPDATE", [first])   # a claim in progress elsewhere
    try:
        started = time.monotonic()
        got = tasks.claim(db, "w")
        assert got.id == second and time.monotonic() - started < 5
    finally:
        holder.execute("ROLLBACK")
    assert tasks.claim(db, "w").id == first


# --- claimed mail --------------------------------------------------------------------------------------

def test_a_claimed_message_goes_to_no_other_deliverer_until_its_lease_runs_out(db, data_dir):
    other = store.connect(data_dir)
    first_id, second_id = queue_mail(db, 2)
    a = mail_claims.claim_message(db, "a", lease_s=60)
    b = mail_claims.claim_message(other, "b", lease_s=60)
    assert (a["id"], b["id"]) == (first_id, second_id)
    assert a["message_id"].startswith("<") and a["message_id"] != b["message_id"]
    assert mail_claims.claim_message(other, "b", lease_s=60) is None
    # "a" died before it began to send: taken over, the same Message-ID, no doubt about a copy
    again = mail_claims.claim_message(other, "b", lease_s=60, now=later(61))
    assert again["id"] == first_id and again["message_id"] == a["message_id"] and again["attempts"] == 1
    assert again["unsure_resends"] == 0 and "stopped before sending" in again["last_error"]
    assert mail_claims.mark_sending(db, a, "a") is False        # "a" lost it: it must not send
    # "b" began the SMTP exchange, then died: the server may have it, so the resend is counted as unsure
    assert mail_claims.mark_sending(other, again, "b") is True
    third = mail_claims.claim_message(db, "c", lease_s=60, now=later(122))
    assert third["id"] == first_id and third["message_id"] == a["message_id"] and third["attempts"] == 2
    assert third["unsure_resends"] == 1 and "may have the message" in third["last_error"]
    built = mail.build_message(db, third, "JX <no-reply@jx.test>")
    assert built["Message-ID"] == a["message_id"]


def test_a_message_whose_deliverers_keep_dying_is_failed(db):
    (msg_id,) = queue_mail(db, 1)
    for i in range(2):
        assert mail_claims.claim_message(db, f"d{i}", lease_s=10, max_attempts=2, now=later(11 * i))["id"] == msg_id
    assert mail_claims.claim_message(db, "d2", lease_s=10, max_attempts=2, now=later(22)) is None
    row = one(db, "SELECT status, attempts, last_error FROM outbox WHERE id = ?", [msg_id])
    assert row["status"] == "failed" and row["attempts"] == 2 and "gave up after 2" in row["last_error"]


def test_admin_retry_leaves_a_message_being_sent_alone(db):
    from engine.authz import Actor

    sending, failed = queue_mail(db, 2)
    db.execute("UPDATE outbox SET status = 'failed' WHERE id = ?", [failed])
    mail_claims.claim_message(db, "busy", lease_s=600)
    admin = Actor(user_id=1, role="admin")
    report = mail.retry_delivery(db, admin, settings=None)   # no SMTP here: only the re-queueing is looked at
    assert report.skipped
    states = {r["id"]: r["status"] for r in db.query("SELECT id, status FROM outbox")}
    assert states == {sending: "sending", failed: "queued"}


# --- worker processes against a real SMTP server ----------------------------------------------------------

class GatedInbox:
    """Holds the first message until a second client has sent one too, so two deliverers are provably at
    work at the same time; then accepts everything, a little slowly."""

    def __init__(self, clients: int):
        self.clients = clients
        self.peers: set = set()
        self.received: list[tuple[str, email.message.Message]] = []

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        deadline = time.monotonic() + START_S
        while len(self.peers) < self.clients and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.02)
        self.received.append((session.peer, email.message_from_bytes(envelope.content)))
        return "250 OK"


def start_worker(*args: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "engine", "worker", "--jobs", "mail", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen, timeout: float = START_S) -> str:
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate(timeout=30)
        raise AssertionError(f"worker did not exit within {timeout} s:\n{out}")
    return out


def test_two_worker_processes_deliver_each_message_exactly_once(db):
    ids = queue_mail(db, 20)
    inbox = GatedInbox(clients=2)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        workers = [start_worker("--once", port=controller.port) for _ in range(2)]
        outputs = [finish(w, timeout=2 * START_S) for w in workers]
    finally:
        controller.stop()
    assert [w.returncode for w in workers] == [0, 0], outputs
    rows = {r["id"]: r for r in db.query("SELECT id, status, attempts, message_id FROM outbox")}
    assert {r["status"] for r in rows.values()} == {"sent"} and {r["attempts"] for r in rows.values()} == {1}
    got = [m["Message-ID"] for _, m in inbox.received]
    assert sorted(got) == sorted(rows[i]["message_id"] for i in ids)          # each message exactly once
    assert sorted(m["Subject"] for _, m in inbox.received) == sorted(f"Message {i}" for i in range(20))
    assert len({peer for peer, _ in inbox.received}) == 2                     # both workers delivered
    assert sum(int(o.rsplit("sent ", 1)[1].split()[0]) for o in outputs) == 20, outputs


class StallingInbox:
    """Stalls on the first message without replying; when its client goes away that copy is dropped
    (this server accepts a message only with its reply). Accepts everything else."""

    def __init__(self):
        self.stalled = threading.Event()
        self.abandoned: list[email.message.Message] = []
        self.accepted: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        if not self.stalled.is_set():
            self.stalled.set()
            try:
                await asyncio.sleep(START_S)
            except asyncio.CancelledError:   # the client's connection closed (aiosmtpd cancels the handler)
                self.abandoned.append(message)
                raise
        self.accepted.append(message)
        return "250 OK"


def test_a_worker_killed_mid_delivery_loses_nothing(db):
    ids = queue_mail(db, 3)
    inbox = StallingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    second = None
    try:
        first = start_worker("--mail-every", "0.2", "--poll", "0.2", "--mail-lease", "3", port=controller.port)
        try:
            assert inbox.stalled.wait(START_S), "the first worker never began to send"
            row = one(db, "SELECT id, status, claimed_by, send_started_at, message_id FROM outbox WHERE status = 'sending'")
            assert row["id"] == ids[0] and row["send_started_at"] and f":{first.pid}:" in row["claimed_by"]
        finally:
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=30)
        wait_for(lambda: inbox.abandoned, 30, "the SMTP server to notice the dead client")
        second = start_worker("--mail-every", "0.2", "--poll", "0.2", "--mail-lease", "3", port=controller.port)
        wait_for(lambda: one(db, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'")["n"] == 3,
                 START_S, "the second worker to send all three after the lease ran out", step=0.25)
        second.send_signal(signal.SIGTERM)   # a graceful stop
        out = finish(second, timeout=60)
    finally:
        if second is not None and second.poll() is None:
            second.kill()
        controller.stop()
    assert second.returncode == 0 and "stopped" in out.splitlines()[-1], out
    rows = {r["id"]: r for r in db.query("SELECT id, attempts, unsure_resends, message_id FROM outbox")}
    assert sorted(m["Message-ID"] for m in inbox.accepted) == sorted(r["message_id"] for r in rows.values())
    assert inbox.abandoned[0]["Message-ID"] == rows[ids[0]]["message_id"]   # the resend is the same message
    assert rows[ids[0]]["attempts"] == 2 and rows[ids[0]]["unsure_resends"] == 1
    assert [rows[i]["attempts"] for i in ids[1:]] == [1, 1]
    assert "may have the message" in out


# --- the periodic jobs and the in-process worker -----------------------------------------------------------

def test_the_worker_deletes_recordings_past_retention(db, data_dir, monkeypatch):
    from engine.worker import Worker

    monkeypatch.setenv("RECORDING_RETENTION_DAYS", "30")
    creator = insert_row(db, "users", {"email": "r@jx.test", "password_hash": "x", "role": "recruiter", "name": "R",
                                       "created_at": store.utcnow(), "updated_at": store.utcnow()})
    interview = insert_row(db, "interviews", {"created_by": creator, "title": "Talk", "starts_at": store.utcnow(),
                                              "room_token_hash": "h", "room_code": "c", "expires_at": store.utcnow(),
                                              "created_at": store.utcnow()})
    files = {}
    for name, age_days in (("old", 40), ("new", 1)):
        path = data_dir / "recordings" / str(interview) / f"{name}.webm"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        files[name] = (insert_row(db, "recordings", {"interview_id": interview, "path": path.relative_to(data_dir).as_posix(),
                                                     "status": "ready", "started_at": store.utc_ago(days=age_days)}), path)
    worker = Worker(data_dir, jobs=("recordings",))
    assert worker.run_once() == {"mail_sent": 0, "tasks": 1}
    worker.close()
    status = {r["id"]: r["status"] for r in db.query("SELECT id, status FROM recordings")}
    assert status == {files["old"][0]: "deleted", files["new"][0]: "ready"}
    assert not files["old"][1].exists() and files["new"][1].exists()
    assert [(t["kind"], t["status"]) for t in tasks.tasks(db)] == [("recordings.cleanup", "queued"),
                                                                    ("recordings.cleanup", "done")]
    assert Worker(data_dir, jobs=("recordings",)).run_once()["tasks"] == 0    # next run in an hour


def test_without_worker_processes_the_web_process_runs_one_in_a_thread(db, data_dir, monkeypatch):
    from engine import worker

    (msg_id,) = queue_mail(db, 1)
    inbox = StallingInbox()
    inbox.stalled.set()   # no stalling here
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    try:
        monkeypatch.setenv("JOBEXPRESSWAY_WORKER", "external")
        assert worker.start_in_process(data_dir) is None
        monkeypatch.setenv("JOBEXPRESSWAY_WORKER", "in-process")
        started = worker.start_in_process(data_dir, mail_every_s=0.2, poll_s=0.2)
        assert started.jobs == ("mail", "recordings") and worker.start_in_process(data_dir) is started
        wait_for(lambda: inbox.accepted, 60, "the in-process worker to send the queued message")
    finally:
        worker.stop_in_process(data_dir)
        controller.stop()
    assert one(db, "SELECT status FROM outbox WHERE id = ?", [msg_id])["status"] == "sent"
    monkeypatch.setenv("JOBEXPRESSWAY_WORKER", "sometimes")
    with pytest.raises(ValueError, match="JOBEXPRESSWAY_WORKER"):
        worker.start_in_process(data_dir)
    with pytest.raises(ValueError, match="Unknown job"):
        worker.Worker(data_dir, jobs=("mail", "laundry"))


@pytest.mark.slow
def test_the_worker_builds_the_job_index_then_keeps_it_current(db, data_dir):
    from recsys_data import tiny_jobs

    from engine.recsys import index as idx
    from engine.worker import Worker

    def add(postings):   # plain rows: this test is about the worker, not the importer
        with store.transaction(db):
            for posting in postings:
                insert_row(db, "jobs", dict(posting, updated_at=store.utcnow()))

    add(tiny_jobs(2))
    idx.forget_indexes()
    worker = Worker(data_dir, jobs=("index",))
    try:
        assert worker.run_once()["tasks"] == 1
        assert idx.index_status(db).needs_build is False
        built = tasks.tasks(db, status="done")[0]
        assert built["kind"] == "index.build" and built["attempts"] == 1
        add(tiny_jobs(3)[-1:])                               # a new posting
        tasks.enqueue(db, "index.build")                     # asked for now, beside the periodic run
        assert worker.run_once()["tasks"] == 1
        assert idx.get_index(db).size == 17
    finally:
        worker.close()
        idx.forget_indexes()


def test_a_running_task_keeps_its_lease_however_long_it_takes(db, data_dir):
    from engine.worker import Periodic, Worker

    seen = {}

    def slow(worker, task_db, task):
        time.sleep(7)   # longer than the lease: the worker renews it meanwhile (every lease / 3)
        other = store.connect(data_dir)
        seen["other"] = tasks.claim(other, "other-worker", lease_s=3)
        other.close()
        return "slept"

    worker = Worker(data_dir, jobs=("recordings",), lease_s=3)
    worker.periodic = {"test.slow": Periodic("recordings", "test.slow", 3600, slow)}
    assert worker.run_once()["tasks"] == 1
    worker.close()
    assert seen["other"] is None
    assert [(t["status"], t["attempts"]) for t in tasks.tasks(db)] == [("queued", 0), ("done", 1)]


def test_worker_command_line(db, data_dir, capsys):
    from engine.cli import main

    assert main(["worker", "--once", "--jobs", "mail,laundry"]) == 2
    assert "Unknown job(s) laundry" in capsys.readouterr().err
    assert main(["worker", "--once", "--jobs", "recordings"]) == 0
    assert "ran 1 task(s)" in capsys.readouterr().out
    assert main(["worker", "--show-tasks"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert "recordings.cleanup" in listing[0] and "queued" in listing[0] and "done" in listing[1]
