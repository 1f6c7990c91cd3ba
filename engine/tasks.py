"""A small task queue in the database, for the worker (``engine.worker``): background work (recording
clean-up, index builds) that any of several worker processes may run, each task by exactly one at a time.

A task is a row of ``tasks``: a kind, a JSON payload, when it may run (``run_after``) and an optional
dedupe key (one queued-or-running task per key: a periodic job is enqueued by every worker, held once).
A worker *claims* a due task with a lease (``lease_until``): on PostgreSQL with ``SELECT ... FOR UPDATE
SKIP LOCKED`` in a short transaction of its own, so workers claim different rows without waiting on each
other; on SQLite under ``BEGIN IMMEDIATE`` (one writer at a time anyway). It then runs the task and marks
it done, or failed with a retry after a backoff. A worker that is killed never finishes its task: the lease
runs out and another worker claims it again (``attempts`` counts each claim, so a task that kills its
worker every time ends up dead instead of looping). While a task runs, the worker renews its lease.

Why not procrastinate: it is PostgreSQL only (SQLite must stay the embedded default), async at heart
(our engine code is synchronous) and brings its own schema and migrations; the few statements here do
what we need on both databases.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from engine import store
from engine.store import Database, is_postgres

DEFAULT_LEASE_S = 300
DEFAULT_MAX_ATTEMPTS = 5


def iso(when: datetime) -> str:
    """The stored time format (``store.utcnow``'s): whole seconds, so stored times compare as strings."""
    return when.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def backoff_s(attempts: int) -> int:
    """10 s, 20, 40 ... capped at one hour between tries of a failing task."""
    return min(3600, 10 * 2 ** max(0, attempts - 1))


@dataclass
class Task:
    id: int
    kind: str
    payload: dict
    attempts: int
    max_attempts: int | None
    dedupe_key: str | None
    lease_until: str


@contextmanager
def claim_transaction(db: Database) -> Iterator[Database]:
    """A transaction for claiming rows. PostgreSQL: a plain one, without the engine's global write lock
    (``store.transaction``), since ``FOR UPDATE SKIP LOCKED`` row locks keep claimers apart and a claim
    must not wait for unrelated writers. SQLite: ``store.transaction`` (BEGIN IMMEDIATE)."""
    if not is_postgres(db):
        with store.transaction(db):
            yield db
        return
    if db.in_transaction:
        raise RuntimeError("a claim must run in a transaction of its own")
    db.execute("BEGIN")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


def lock_clause(db: Database) -> str:
    """What a claiming SELECT ends with: skip rows another claimer holds (PostgreSQL); SQLite's
    BEGIN IMMEDIATE already lets one claimer in at a time."""
    return " FOR UPDATE SKIP LOCKED" if is_postgres(db) else ""


def enqueue(db: Database, kind: str, payload: dict | None = None, *, run_after: datetime | None = None,
            dedupe_key: str | None = None, max_attempts: int | None = DEFAULT_MAX_ATTEMPTS) -> int | None:
    """Queue a task. With a dedupe key, nothing is added while a task with that key is queued or running
    (returns None then). ``max_attempts=None``: retried for good (periodic jobs)."""
    if not kind:
        raise ValueError("A task needs a kind.")
    row = db.execute(
        "INSERT INTO tasks (kind, payload, dedupe_key, status, run_after, attempts, max_attempts, created_at) "
        "VALUES (?, ?, ?, 'queued', ?, 0, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        [kind, json.dumps(payload or {}), dedupe_key, iso(run_after or now_utc()), max_attempts,
         store.utcnow()]).fetchone()
    return row[0] if row else None


def claim(db: Database, worker: str, *, kinds: list[str] | None = None, lease_s: float = DEFAULT_LEASE_S,
          now: datetime | None = None) -> Task | None:
    """The next due task for ``worker`` (queued and due, or running under a lease that ran out), or None.
    A task whose claims reached ``max_attempts`` without finishing is marked dead instead."""
    now = now or now_utc()
    stamp = iso(now)
    kind_filter, params = "", [stamp, stamp]
    if kinds:
        kind_filter = f" AND kind IN ({', '.join('?' for _ in kinds)})"
        params += list(kinds)
    due = ("WHERE ((status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_until < ?))"
           f"{kind_filter}")
    if store.one(db, f"SELECT 1 AS x FROM tasks {due} LIMIT 1", params) is None:
        return None   # the usual case when idle: a plain read, no write lock taken
    while True:
        with claim_transaction(db):
            row = store.one(db, (
                "SELECT id, kind, payload, attempts, max_attempts, dedupe_key, status, locked_by FROM tasks "
                f"{due} ORDER BY run_after, id LIMIT 1{lock_clause(db)}"), params)
            if row is None:
                return None
            attempts = row["attempts"] + 1
            if row["max_attempts"] is not None and attempts > row["max_attempts"]:
                # its earlier claims all ended without a word (the worker died each time): stop trying
                db.execute("UPDATE tasks SET status = 'dead', dedupe_key = NULL, locked_by = NULL, "
                           "lease_until = NULL, finished_at = ?, last_error = ? WHERE id = ?",
                           [stamp, f"gave up after {row['attempts']} attempt(s); the last worker "
                                   f"({row['locked_by']}) stopped without finishing", row["id"]])
                continue
            lease_until = iso(now + timedelta(seconds=lease_s))
            note = (f"the lease of {row['locked_by']} ran out (stopped mid-task); claimed again"
                    if row["status"] == "running" else None)
            db.execute("UPDATE tasks SET status = 'running', locked_by = ?, lease_until = ?, attempts = ?, "
                       "last_error = COALESCE(?, last_error) WHERE id = ?",
                       [worker, lease_until, attempts, note, row["id"]])
        return Task(row["id"], row["kind"], json.loads(row["payload"] or "{}"), attempts, row["max_attempts"],
                    row["dedupe_key"], lease_until)


def renew(db: Database, task: Task, worker: str, lease_s: float = DEFAULT_LEASE_S) -> bool:
    """Extend a running task's lease; False when the worker no longer holds it."""
    lease_until = iso(now_utc() + timedelta(seconds=lease_s))
    cur = db.execute("UPDATE tasks SET lease_until = ? WHERE id = ? AND status = 'running' AND locked_by = ?",
                     [lease_until, task.id, worker])
    if cur.rowcount == 1:
        task.lease_until = lease_until
    return cur.rowcount == 1


def finish(db: Database, task: Task, worker: str, *, then: datetime | None = None) -> bool:
    """Mark the task done; with ``then``, queue its next run (same kind, payload and key) in the same
    transaction, so a periodic job's key is never free for a second copy. False when the worker had lost
    the task (its lease ran out and another worker holds it): nothing is changed then."""
    with store.transaction(db):
        cur = db.execute("UPDATE tasks SET status = 'done', dedupe_key = NULL, locked_by = NULL, "
                         "lease_until = NULL, finished_at = ? WHERE id = ? AND status = 'running' AND locked_by = ?",
                         [store.utcnow(), task.id, worker])
        if cur.rowcount != 1:
            return False
        if then is not None:
            enqueue(db, task.kind, task.payload, run_after=then, dedupe_key=task.dedupe_key,
                    max_attempts=task.max_attempts)
    return True


def fail(db: Database, task: Task, worker: str, error: str, *, now: datetime | None = None) -> str | None:
    """Record a failed attempt: queued again after ``backoff_s(attempts)``, or dead after ``max_attempts``.
    Returns the new status (None when the worker had lost the task)."""
    now = now or now_utc()
    dead = task.max_attempts is not None and task.attempts >= task.max_attempts
    status = "dead" if dead else "queued"
    cur = db.execute(
        "UPDATE tasks SET status = ?, run_after = ?, last_error = ?, locked_by = NULL, lease_until = NULL, "
        "finished_at = ?, dedupe_key = ? "
        "WHERE id = ? AND status = 'running' AND locked_by = ?",
        [status, iso(now + timedelta(seconds=backoff_s(task.attempts))), error[:1000],
         iso(now) if dead else None, None if dead else task.dedupe_key, task.id, worker])
    return status if cur.rowcount == 1 else None


def tasks(db: Database, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Tasks newest first (for the command line and tests)."""
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    return list(db.query(f"SELECT * FROM tasks {where} ORDER BY id DESC LIMIT ?", [*params, limit]))
