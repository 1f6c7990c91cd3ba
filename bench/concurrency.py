"""Many concurrent writers against one SQLite database in WAL mode: throughput, latency, and proof that no
write was lost.

N threads, each with its own connection, each doing M writes mixed from: a candidate applying to a job
(application + event + job event + inbox message + email), a recruiter moving a shared application to a
random legal next status (event + message + email, letters PDF on offer/not-selected) and a private note.
Status changes race on purpose: several threads pick the same applications, so a change that lost the race
is refused as an illegal transition, never half-applied. Afterwards every count is checked against the
successful operations, and every application's event chain must be unbroken.

    .venv/bin/python bench/concurrency.py [--threads 8] [--writes 200]  ->  artifacts/bench/concurrency.json
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import applications as A  # noqa: E402
from engine import config, store  # noqa: E402
from engine.authz import PERMISSIONS, Actor  # noqa: E402
from engine.jobs import add_job  # noqa: E402


def setup(data_dir: Path, threads: int, writes: int, shared_apps: int) -> dict:
    db = store.connect(data_dir)
    now = store.utcnow()
    cid = db.execute("INSERT INTO companies (name, access_status, created_at) VALUES ('Bench Co', 'granted', ?)", [now]).lastrowid
    for p in PERMISSIONS:
        db.execute("INSERT INTO company_permissions (company_id, permission, granted_at) VALUES (?, ?, ?)", [cid, p, now])

    def user(email, role, company=None):
        uid = db.execute("INSERT INTO users (email, password_hash, role, name, company_id, created_at, updated_at) "
                         "VALUES (?, 'x', ?, ?, ?, ?, ?)", [email, role, email.split("@")[0], company, now, now]).lastrowid
        return Actor(uid, role, company, email.split("@")[0], email)

    recruiters = [user(f"rec{i}@bench.test", "recruiter", cid) for i in range(threads)]
    jobs = [add_job(db, dict(title=f"Bench job {j}", description=f"job {j}", company="Bench Co", company_id=cid,
                             location="Remote", category="Engineering")) for j in range(20)]
    # candidates for the applies made during the run: each thread has its own, so applies never collide
    candidates = [[user(f"c{t}_{k}@bench.test", "candidate") for k in range(writes)] for t in range(threads)]
    seed_cands = [user(f"seed{k}@bench.test", "candidate") for k in range(shared_apps)]
    shared = [A.apply(db, c, jobs[k % len(jobs)])["id"] for k, c in enumerate(seed_cands)]
    return {"recruiters": recruiters, "jobs": jobs, "candidates": candidates, "shared": shared}


def counts(db) -> dict:
    tables = ("applications", "application_events", "application_notes", "messages", "outbox", "job_events")
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def worker(data_dir, t, writes, world, results, latencies, seed) -> None:
    rng = random.Random(seed)
    db = store.connect(data_dir)
    rec = world["recruiters"][t]
    applies = iter(world["candidates"][t])
    mine = Counter()
    open_apps = list(world["shared"])
    for i in range(writes):
        op = ("apply", "status", "note")[i % 3]
        start = time.perf_counter()
        try:
            if op == "apply":
                A.apply(db, next(applies), rng.choice(world["jobs"]))
                mine["apply"] += 1
            elif op == "status":
                options: list[str] = []
                while open_apps and not options:  # pick an application still open (closed ones leave the pool)
                    app_id = rng.choice(open_apps)
                    current = A.get_application(db, rec, app_id)["status"]
                    options = [s for s in A.TRANSITIONS.get(current, ()) if s != "withdrawn"]
                    if not options:
                        open_apps.remove(app_id)
                if not options:
                    mine["status_none_open"] += 1
                    continue
                A.change_status(db, rec, app_id, rng.choice(options))
                mine["status"] += 1
            else:
                A.add_note(db, rec, rng.choice(world["shared"]), f"note {t}-{i}")
                mine["note"] += 1
        except A.IllegalTransition:
            mine["status_conflict"] += 1  # another recruiter moved it first: refused whole, nothing half-done
        except A.ApplyRefused:
            mine["apply_refused"] += 1
        finally:
            latencies.setdefault(op, []).append((time.perf_counter() - start) * 1000)
    results[t] = mine


def check_chains(db) -> tuple[int, int]:
    """(applications checked, broken chains): each event must start where the previous one ended, and the
    application's status must be its last event's."""
    broken = checked = 0
    events: dict[int, list] = {}
    for e in db.query("SELECT application_id, from_status, to_status FROM application_events ORDER BY id"):
        events.setdefault(e["application_id"], []).append(e)
    for app in db.query("SELECT id, status FROM applications"):
        chain = events.get(app["id"], [])
        checked += 1
        ok = bool(chain) and chain[0]["from_status"] is None and chain[-1]["to_status"] == app["status"]
        ok = ok and all(b["from_status"] == a["to_status"] for a, b in zip(chain, chain[1:]))
        broken += not ok
    return checked, broken


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else None


def run(threads_n: int, writes: int, shared_apps: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        world = setup(data_dir, threads_n, writes, shared_apps)
        db = store.connect(data_dir)
        before = counts(db)
        results: dict[int, Counter] = {}
        latencies: dict[str, list[float]] = {}
        threads = [threading.Thread(target=worker, args=(data_dir, t, writes, world, results, latencies, 1000 + t))
                   for t in range(threads_n)]
        start = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - start
        after = counts(db)
        total = sum(results.values(), Counter())
        letters = db.execute("SELECT count(*) FROM messages WHERE attachment_path IS NOT NULL").fetchone()[0]
        expected = {
            "applications": before["applications"] + total["apply"],
            "application_events": before["application_events"] + total["apply"] + total["status"],
            "application_notes": before["application_notes"] + total["note"],
            "job_events": before["job_events"] + total["apply"],
        }
        # every apply and every status change except interview_scheduled writes one message and one email
        scheduled = db.execute("SELECT count(*) FROM application_events WHERE to_status = 'interview_scheduled'").fetchone()[0]
        expected["messages"] = before["messages"] + total["apply"] + total["status"] - scheduled
        expected["outbox"] = before["outbox"] + total["apply"] + total["status"] - scheduled
        checked, broken = check_chains(db)
        all_lat = [x for v in latencies.values() for x in v]
        committed = total["apply"] + total["status"] + total["note"]
        report = {
            "what": "concurrent writers on one SQLite WAL database (engine.applications: apply, change_status, add_note)",
            "threads": threads_n, "writes_per_thread": writes, "shared_applications": shared_apps,
            "cpu_count": __import__("os").cpu_count(),
            "wall_s": round(wall, 3),
            "operations": dict(total),
            "committed_writes": committed,
            "committed_writes_per_s": round(committed / wall, 1),
            "operations_per_s": round(sum(len(v) for v in latencies.values()) / wall, 1),
            "latency_ms": {
                op: {"median": round(statistics.median(v), 2), "p95": round(pct(v, 0.95), 2), "n": len(v)}
                for op, v in sorted(latencies.items())
            } | {"all": {"median": round(statistics.median(all_lat), 2), "p95": round(pct(all_lat, 0.95), 2), "n": len(all_lat)}},
            "counts_expected": expected,
            "counts_found": {k: after[k] for k in expected},
            "no_write_lost": all(after[k] == v for k, v in expected.items()),
            "event_chains_checked": checked, "broken_event_chains": broken,
            "letters_written": letters,
        }
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--writes", type=int, default=200, help="writes per thread")
    ap.add_argument("--shared-apps", type=int, default=150, help="applications the recruiters race on")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    concurrent = run(args.threads, args.writes, args.shared_apps)
    # the same total work by one writer, for the ratio
    single = run(1, args.threads * args.writes, args.shared_apps)
    report = dict(concurrent, single_writer_baseline={
        k: single[k] for k in ("wall_s", "committed_writes", "committed_writes_per_s", "latency_ms", "no_write_lost",
                               "broken_event_chains")},
        concurrent_vs_single_throughput=round(concurrent["committed_writes_per_s"] / single["committed_writes_per_s"], 2),
        load_average_at_end=[round(x, 2) for x in __import__("os").getloadavg()])
    out = Path(args.out) if args.out else config.artifacts_dir() / "bench" / "concurrency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    ok = all(r["no_write_lost"] and r["broken_event_chains"] == 0 for r in (concurrent, single))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
