"""The worker: the background work of the product (mail delivery, recording clean-up, job index builds),
done by `python -m engine worker` processes, as many as wanted, on any machine that reaches the database.

- Mail: the outbox is a queue of its own. Every worker delivers on each pass (every ``mail_every_s``),
  claiming one message at a time (``engine.mail_claims``), so workers share the load and no message is
  sent by two.
- Periodic jobs (``PERIODIC``) go through the task queue (``engine.tasks``): each has one task chain under
  a dedupe key ``every:<kind>``; whoever claims the due task runs it and queues the next run. A task's
  lease is renewed while it runs; a killed worker's task is claimed again when its lease runs out.

Without a worker process (`make run` on SQLite, the embedded default) the web process starts one in a
thread of its own (``start_in_process``) for mail and recordings, as it sent mail from a thread before;
index builds stay in the separate build process the pages start, since embedding inside the web server
makes every page crawl (engine.recsys.index). Set ``JOBEXPRESSWAY_WORKER=external`` where worker
processes run, and the web process leaves all of this to them. Both at once are still safe (claims).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from engine import config, mail, mail_claims, store, tasks
from engine.tasks import Task

log = logging.getLogger("engine.worker")
JOB_NAMES = ("mail", "recordings", "index")
IN_PROCESS_JOBS = ("mail", "recordings")
MAIL_PASS = 50            # messages per delivery pass; a worker asked to stop does so between passes
REFRESH_PERIODIC_S = 60   # how often a worker re-checks that each periodic job has its task chain


@dataclass
class Periodic:
    job: str              # the job name that switches it on (JOB_NAMES)
    kind: str             # the task kind
    every_s: float
    run: Callable[["Worker", store.Database, Task], str]   # returns the summary for the log line


def _clean_recordings(worker: "Worker", db, task: Task) -> str:
    from engine.meetings import recordings

    settled = recordings.settle_stale(db, data_dir=worker.data_dir)
    days = recordings.retention_days()
    deleted = recordings.purge_old_recordings(db, days, data_dir=worker.data_dir)
    return f"settled {settled} unfinished recording(s), deleted {deleted} older than {days} days"


def _build_index(worker: "Worker", db, task: Task) -> str:
    """A missing or stale index is built here (this process serves no pages); a current one is synced
    with the jobs changed since and saved, so web processes that load it start close to current."""
    from engine.recsys import index as idx

    if idx.index_status(db).needs_build:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.monotonic() - last[0] >= 10 or done == total:
                last[0] = time.monotonic()
                log.info("task #%s index.build: %s/%s jobs embedded", task.id, done, total)

        built = idx.build_index(db, progress_callback=progress)
        return f"built a {built.kind} index of {built.size} jobs"
    index = idx.get_index(db)
    with index.lock:
        changed = idx.sync(db, index)
        if index.unsaved:
            index.save()
    return f"index current: {changed} job(s) synced, {index.size} indexed"


PERIODIC = (
    Periodic("recordings", "recordings.cleanup", 3600, _clean_recordings),
    Periodic("index", "index.build", 300, _build_index),
)


class Worker:
    """One worker: ``run_once`` does what is due now; ``run`` loops until ``stop``."""

    def __init__(self, data_dir: str | Path | None = None, *, jobs: tuple[str, ...] = JOB_NAMES,
                 mail_every_s: float = 15, poll_s: float = 2, lease_s: float = tasks.DEFAULT_LEASE_S,
                 mail_lease_s: float = mail_claims.DEFAULT_LEASE_S, name: str | None = None):
        unknown = set(jobs) - set(JOB_NAMES)
        if unknown:
            raise ValueError(f"Unknown job(s) {', '.join(sorted(unknown))}; the jobs are {', '.join(JOB_NAMES)}.")
        if min(mail_every_s, poll_s, lease_s, mail_lease_s) <= 0:
            raise ValueError("Intervals and leases must be positive.")
        self.data_dir = str(config.data_dir(data_dir))
        self.jobs = tuple(jobs)
        self.periodic = {p.kind: p for p in PERIODIC if p.job in self.jobs}
        self.mail_every_s, self.poll_s = mail_every_s, poll_s
        self.lease_s, self.mail_lease_s = lease_s, mail_lease_s
        self.name = name or mail_claims.deliverer_name()
        self.stopping = threading.Event()
        self._db: store.Database | None = None
        self._next_mail = 0.0
        self._next_refresh = 0.0
        self._mail_skipped: str | None = None

    # --- the loop -------------------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop after the current task or delivery pass (the SIGTERM handler calls this)."""
        self.stopping.set()

    def run(self) -> None:
        log.info("worker %s started: jobs %s, data dir %s, database %s", self.name, ", ".join(self.jobs),
                 self.data_dir, store.describe(self.data_dir))
        failures = 0
        while not self.stopping.is_set():
            try:
                busy = self.tick()
                failures = 0
            except Exception:   # a broken connection or a bug in one pass: logged; a new connection next time
                failures += 1
                log.exception("worker %s: pass failed (%s in a row)", self.name, failures)
                self.close()
                busy = False
            if not busy:   # a database that is down is not asked every poll: 2 s, 4, 8 ... at most a minute
                self.stopping.wait(min(60.0, self.poll_s * 2 ** failures))
        self.close()
        log.info("worker %s stopped", self.name)

    def run_once(self) -> dict:
        """Everything due now: a mail pass, then due tasks until none is left. Returns counts (tests)."""
        self._ensure_periodic(force=True)
        done = {"mail_sent": self._deliver_mail(), "tasks": 0}
        while not self.stopping.is_set() and self._run_next_task():
            done["tasks"] += 1
        return done

    def tick(self) -> bool:
        """One step of the loop; True when it did something (then the loop goes on without sleeping)."""
        busy = False
        self._ensure_periodic()
        if "mail" in self.jobs and time.monotonic() >= self._next_mail:
            busy = self._deliver_mail() > 0
            self._next_mail = time.monotonic() + self.mail_every_s
        if not self.stopping.is_set():
            busy = self._run_next_task() or busy
        return busy

    # --- pieces ---------------------------------------------------------------------------------------
    @property
    def db(self) -> store.Database:
        if self._db is None:
            self._db = store.connect(self.data_dir)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except Exception:
                pass
            self._db = None

    def _ensure_periodic(self, force: bool = False) -> None:
        """Each periodic job has a task chain (the first worker to start creates it, due at once)."""
        if not force and time.monotonic() < self._next_refresh:
            return
        for kind in self.periodic:
            tasks.enqueue(self.db, kind, dedupe_key=f"every:{kind}", max_attempts=None)
        self._next_refresh = time.monotonic() + REFRESH_PERIODIC_S

    def _deliver_mail(self) -> int:
        """Delivery passes until the outbox has nothing due (or the worker is asked to stop)."""
        if "mail" not in self.jobs:
            return 0
        sent = 0
        while True:
            started = time.monotonic()
            report = mail.deliver_outbox(self.db, limit=MAIL_PASS, lease_s=self.mail_lease_s)
            settled = report.sent + report.retry_later + report.failed
            sent += report.sent
            if settled:
                log.info("mail: sent %s, retry later %s, failed %s in %.1f s%s", report.sent, report.retry_later,
                         report.failed, time.monotonic() - started,
                         "".join(f"\n  {e}" for e in report.errors[:10]))
            if report.skipped and report.skipped != self._mail_skipped:   # said once, not every pass
                log.warning("mail: %s", report.skipped)
            self._mail_skipped = report.skipped
            if settled < MAIL_PASS or report.skipped or self.stopping.is_set():
                return sent

    def _run_next_task(self) -> bool:
        if not self.periodic:
            return False
        task = tasks.claim(self.db, self.name, kinds=list(self.periodic), lease_s=self.lease_s)
        if task is None:
            return False
        job = self.periodic[task.kind]
        started = time.monotonic()
        log.info("task #%s %s: started (attempt %s)", task.id, task.kind, task.attempts)
        try:
            with self._lease_kept(task):
                summary = job.run(self, self.db, task)
        except Exception as exc:
            status = tasks.fail(self.db, task, self.name, f"{type(exc).__name__}: {exc}")
            log.exception("task #%s %s: failed after %.1f s (%s)", task.id, task.kind,
                          time.monotonic() - started, status or "lost its lease meanwhile")
            return True
        kept = tasks.finish(self.db, task, self.name, then=tasks.now_utc() + timedelta(seconds=job.every_s))
        log.info("task #%s %s: %s in %.1f s%s", task.id, task.kind, summary, time.monotonic() - started,
                 "" if kept else " (its lease had run out: another worker holds it now)")
        return True

    @contextmanager
    def _lease_kept(self, task: Task) -> Iterator[None]:
        """Renew the task's lease from a thread (its own connection) while the task runs."""
        done = threading.Event()

        def renew() -> None:
            db = None
            try:
                while not done.wait(self.lease_s / 3):
                    db = db or store.connect(self.data_dir)
                    if not tasks.renew(db, task, self.name, self.lease_s):
                        log.warning("task #%s %s: lost its lease", task.id, task.kind)
                        return
            except Exception:
                log.exception("task #%s: renewing its lease failed", task.id)
            finally:
                if db is not None:
                    db.close()

        thread = threading.Thread(target=renew, name=f"lease task #{task.id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join(timeout=30)


# --- in the web process ----------------------------------------------------------------------------
_in_process: dict[str, tuple[threading.Thread, Worker]] = {}
_in_process_lock = threading.Lock()


def external_workers() -> bool:
    """``JOBEXPRESSWAY_WORKER=external``: worker processes do the background work, not the web process."""
    value = os.environ.get("JOBEXPRESSWAY_WORKER", "").strip().lower()
    if value not in ("", "in-process", "external"):
        raise ValueError("JOBEXPRESSWAY_WORKER must be 'external' (worker processes run) or 'in-process' (default).")
    return value == "external"


def start_in_process(data_dir: str | Path | None = None, **options) -> Worker | None:
    """A worker thread inside this process (once per data dir), for mail and recordings; None when worker
    processes do that (``JOBEXPRESSWAY_WORKER=external``)."""
    if external_workers():
        return None
    key = str(config.data_dir(data_dir))
    with _in_process_lock:
        if key in _in_process and _in_process[key][0].is_alive():
            return _in_process[key][1]
        worker = Worker(key, jobs=IN_PROCESS_JOBS, **options)
        thread = threading.Thread(target=worker.run, name="worker", daemon=True)
        _in_process[key] = (thread, worker)
        thread.start()
        return worker


def stop_in_process(data_dir: str | Path | None = None, timeout: float = 30) -> None:
    with _in_process_lock:
        entry = _in_process.pop(str(config.data_dir(data_dir)), None)
    if entry:
        entry[1].stop()
        entry[0].join(timeout)
