"""Scale benchmark, PostgreSQL and SQLite side by side, on N jobs (default 1,000,000):

- search: median/p95 of `search_jobs` over bench/jobs.py's query mix (filters + keywords + deep pages);
- replica load: a replica with no index files builds its FAISS index from the vectors stored in job_vectors
  (no encoder: it is made to refuse), timed at 100k jobs and at N (the jobs past the size are closed for
  the 100k load, their updated_at kept, then reopened);
- recommend: median/p95 of `recommend_placed` on that index (sync + FAISS search + visibility + place and
  level re-ranking + skills), profile vectors drawn at random: the encoder's own forward pass is left out
  (bench/recsys.py measures it);
- writers: W threads (default 32), each with its own connection, applying (a new candidate each time),
  moving applications along the status map (the shared ones racing on purpose, and the writer's own new
  ones) and adding notes for S seconds (default 60): committed writes/s, latency, every row counted afterwards (none lost) and every application's event
  chain checked whole.

Jobs are bench/jobs.py's generated postings: a pool of up to 20,000 made by engine.datasets.generator,
repeated (new fingerprint, spread creation dates) to N and bulk-inserted (SQLite: executemany in one
transaction, its FTS trigger filling jobs_fts; PostgreSQL: COPY, its trigger filling jobs_search). Job
vectors are SYNTHETIC random unit vectors (384-d, float32), stored with the current vector version: they
cost what real ones cost to store, read and search, but their neighbours mean nothing.

    .venv/bin/python bench/scale.py --postgres "postgresql://user@/postgres?host=/tmp/jx-pg&port=55432"
    .venv/bin/python bench/scale.py --jobs 20000 --seconds 10 --postgres URL --out artifacts/bench/scale-small.json

The PostgreSQL URL names a server (any database on it): the benchmark creates a database of its own there
and drops it afterwards. Without --postgres (or DATABASE_URL) only SQLite runs. Writes
artifacts/bench/scale.json (a run smaller than the defaults is labelled "small_run" in it). Each database
gets its own temporary data dir (never ./data). Memory: at 1M jobs the vectors alone are 1.5 GB, held about
three times over while an index is built; inserts take minutes, and an IVF build at 1M took 570 s on 2 cores
(docs/recsys.md, Speed): each database trains one at 1M and a smaller one at 100k (both past FLAT_LIMIT).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from engine import applications as A  # noqa: E402
from engine import config, store  # noqa: E402
from engine.authz import PERMISSIONS, Actor  # noqa: E402
from engine.recsys import encoder as enc  # noqa: E402
from engine.recsys import index as idx  # noqa: E402

POOL = 20_000          # distinct generated postings; the catalogue repeats them
INSERT_BATCH = 5_000
DIM = enc.DIM
PROFILES = ("Python developer, Django and PostgreSQL, 4 years, in Austin", "Registered nurse in Denver, BLS",
            "Senior accountant, GAAP, month-end close, remote", "Warehouse supervisor, forklift, Chicago",
            "Junior UX designer, Figma, user research, Seattle", "Data scientist, pandas, SQL, New York")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


jobs_bench = _load("jobs")         # query_mix, summary
concurrency_bench = _load("concurrency")   # check_chains


# --- databases -------------------------------------------------------------------------------------
class Target:
    """One database under test, with a data dir of its own; ``open`` connects the way the app does."""

    def __init__(self, kind: str, workdir: Path, server_url: str | None):
        self.kind, self.data_dir, self.url, self.dbname = kind, workdir / kind, None, None
        self.data_dir.mkdir(parents=True)
        if kind == "postgresql":
            import psycopg
            from urllib.parse import urlsplit, urlunsplit

            self.dbname = f"jx_scale_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {self.dbname}")
            self.server_url = server_url
            self.url = urlunsplit(urlsplit(server_url)._replace(path="/" + self.dbname))

    def __enter__(self):
        if self.url:
            os.environ["DATABASE_URL"] = self.url
        else:
            os.environ.pop("DATABASE_URL", None)
        store._migrated.clear()
        return self

    def __exit__(self, *exc):
        os.environ.pop("DATABASE_URL", None)
        idx.forget_indexes()

    def open(self, data_dir: Path | None = None):
        return store.connect(data_dir or self.data_dir)

    def drop(self) -> None:
        if self.dbname:
            import psycopg

            with psycopg.connect(self.server_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {self.dbname} WITH (FORCE)")


def _timed(fn):
    started = time.perf_counter()
    out = fn()
    return out, round(time.perf_counter() - started, 2)


# --- catalogue -------------------------------------------------------------------------------------
def generate_pool(n: int, seed: int = 42) -> list[dict]:
    from engine.datasets.generator import generate_jobs
    from engine.jobs import _row_for_db

    return [_row_for_db(p) for p in tqdm(generate_jobs(min(n, POOL), seed=seed), total=min(n, POOL), unit="job",
                                         desc="generating postings", mininterval=1)]


def generated_rows(pool: list[dict], n: int, seed: int = 42):
    """n job rows ready for INSERT: the pool of generated postings repeated with a new fingerprint each and
    creation dates spread over the last 60 days (newest-first paging then has real work to do)."""
    columns = list(pool[0])
    today = date.today()
    rng = random.Random(seed)
    for i in range(n):
        row = dict(pool[i % len(pool)])
        row["fingerprint"] = f"scale-{i}"
        if i >= len(pool):
            row["created_date"] = (today - timedelta(days=rng.randrange(60))).isoformat()
        yield columns, [row[c] for c in columns]


def insert_jobs(db, pool: list[dict], n: int) -> None:
    rows = generated_rows(pool, n)
    bar = tqdm(total=n, unit="job", desc=f"inserting jobs ({db.dialect})", mininterval=1)
    if store.is_postgres(db):
        first_cols, first = next(rows)
        # COPY: the row trigger fills jobs_search as it goes (a bench may use the driver directly)
        with db.conn.cursor() as cur, cur.copy(f"COPY jobs ({', '.join(first_cols)}) FROM STDIN") as copy:
            copy.write_row(first)
            bar.update(1)
            for _, values in rows:
                copy.write_row(values)
                bar.update(1)
        # a deployment's autovacuum passes over a table soon after a bulk load; until then the visibility
        # map is empty and index-only scans (the covering search indexes) read every heap page as well
        db.execute("VACUUM ANALYZE jobs")
        db.execute("VACUUM ANALYZE jobs_search")
        db.execute("ANALYZE")
    else:
        with store.transaction(db):
            batch: list[list] = []
            cols = None
            for cols, values in rows:
                batch.append(values)
                if len(batch) >= INSERT_BATCH:
                    db.executemany(f"INSERT INTO jobs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", batch)
                    bar.update(len(batch))
                    batch.clear()
            if batch:
                db.executemany(f"INSERT INTO jobs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", batch)
                bar.update(len(batch))
        db.execute("INSERT INTO jobs_fts(jobs_fts) VALUES ('optimize')")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("ANALYZE")
    bar.close()


def store_vectors(db, version: str, seed: int = 0) -> int:
    """A synthetic unit vector for every job, stored as the index build would store it."""
    rng = np.random.default_rng(seed)
    stamps = db.execute("SELECT id, updated_at FROM jobs ORDER BY id").fetchall()
    bar = tqdm(total=len(stamps), unit="vector", desc=f"storing vectors ({db.dialect})", mininterval=1)
    for start in range(0, len(stamps), INSERT_BATCH):
        chunk = stamps[start:start + INSERT_BATCH]
        vectors = rng.normal(size=(len(chunk), DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        rows = [(job_id, updated, version, v.tobytes()) for (job_id, updated), v in zip(chunk, vectors)]
        if store.is_postgres(db):
            with db.conn.cursor() as cur, cur.copy("COPY job_vectors (job_id, updated_at, version, vec) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            with store.transaction(db):
                db.executemany("INSERT INTO job_vectors (job_id, updated_at, version, vec) VALUES (?, ?, ?, ?)", rows)
        bar.update(len(chunk))
    bar.close()
    return len(stamps)


# --- measurements ----------------------------------------------------------------------------------
def bench_search(db, queries: int) -> dict:
    from engine.jobs import search_jobs

    mix = jobs_bench.query_mix(queries)
    for _, f in tqdm(mix, desc=f"search warm-up ({db.dialect})", mininterval=1):
        search_jobs(db, f)
    times: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    for kind, f in tqdm(mix, desc=f"search ({db.dialect})", mininterval=1):
        started = time.perf_counter()
        found = search_jobs(db, f)
        times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        totals.setdefault(kind, []).append(found.total)
    return {"all": jobs_bench.summary([t for ts in times.values() for t in ts]),
            "by_kind": {k: {**jobs_bench.summary(v), "median_total": int(statistics.median(totals[k]))}
                        for k, v in times.items()}}


class refuse_encoder:
    """A replica loading its index from stored vectors must not need the encoder: loading it fails."""

    def __enter__(self):
        self.saved = enc.load_encoder

        def refuse(*_a, **_k):
            raise AssertionError("the encoder was loaded during a load from stored vectors")

        enc.load_encoder = refuse

    def __exit__(self, *exc):
        enc.load_encoder = self.saved


def replica_load(target: Target, size: int, total: int) -> dict:
    """Build a fresh replica's index (its own data dir: no index files) from the stored vectors of the
    first ``size`` jobs, timed; the read of the vectors alone is timed first."""
    db = target.open()
    closed = total > size
    if closed:   # only the first `size` jobs indexable for this load (updated_at kept: vectors stay current)
        cut = db.execute("SELECT id FROM jobs ORDER BY id LIMIT 1 OFFSET ?", [size]).fetchone()[0]
        db.execute("UPDATE jobs SET status = 'closed' WHERE id >= ? AND status = 'open'", [cut])
    try:
        replica_dir = target.data_dir.parent / f"{target.kind}-replica-{size}"
        replica = target.open(replica_dir) if store.is_postgres(db) else db
        if not store.is_postgres(db):   # SQLite: the data dir is the database's; drop its index files
            for name in ("jobs.faiss", "meta.json"):
                (idx.index_dir_of(db) / name).unlink(missing_ok=True)
        idx.forget_indexes()
        version = idx.vector_version(enc.model_version())
        ids = [r[0] for r in db.execute(f"SELECT id FROM jobs WHERE status IN ({idx._indexed_sql()}) ORDER BY id").fetchall()]
        cache = idx.EmbeddingCache.of(replica)
        (got, _), read_s = _timed(lambda: cache.get(ids, version))
        cache.close()
        with refuse_encoder():
            index, build_s = _timed(lambda: idx.build_index(replica))
        return {"jobs": len(ids), "vectors_read": len(got), "read_vectors_s": read_s,
                "build_index_s": build_s, "kind": index.kind,
                "nlist": getattr(index.faiss_index, "nlist", None), "encoder_loaded": False}
    finally:
        if closed:
            db.execute("UPDATE jobs SET status = 'open' WHERE id >= ? AND status = 'closed'", [cut])
        idx.forget_indexes()


def bench_recommend(target: Target, n: int, size: int) -> dict:
    """recommend_placed on the index the replica load of all ``size`` jobs saved (loaded from its files, then
    synced on every call as in the app); profile vectors are random unit vectors."""
    from engine.recsys import recommend as rec

    db = target.open(target.data_dir.parent / f"{target.kind}-replica-{size}") if target.url else target.open()
    rng = np.random.default_rng(1)

    def vector(_text: str) -> np.ndarray:
        v = rng.normal(size=DIM).astype(np.float32)
        return v / np.linalg.norm(v)

    saved = rec._text_vector
    rec._text_vector = vector
    try:
        with refuse_encoder():
            _, load_s = _timed(lambda: idx.get_index(db, inline_limit=0, load_limit=10**9))
            for i in range(10):   # warm-up
                rec.recommend_placed(db, PROFILES[i % len(PROFILES)], k=10)
            ms = []
            for i in tqdm(range(n), desc=f"recommend ({db.dialect})", mininterval=1):
                started = time.perf_counter()
                rec.recommend_placed(db, PROFILES[i % len(PROFILES)], k=10)
                ms.append((time.perf_counter() - started) * 1000)
    finally:
        rec._text_vector = saved
    return {"index_files_load_s": load_s, "k": 10, **jobs_bench.summary(ms),
            "note": "profile vectors random (the encoder's forward pass is not included)"}


def writers_setup(db, writers: int, shared_apps: int) -> dict:
    now = store.utcnow()
    with store.transaction(db):
        company = store.insert_row(db, "companies", {"name": "Scale Co", "access_status": "granted", "created_at": now})
        for p in PERMISSIONS:
            db.execute("INSERT INTO company_permissions (company_id, permission, granted_at) VALUES (?, ?, ?)", [company, p, now])
    from engine.jobs import visible_to_candidates_sql

    jobs = [r[0] for r in db.execute(f"SELECT j.id FROM jobs j WHERE {visible_to_candidates_sql()} ORDER BY j.id LIMIT 200").fetchall()]
    db.execute(f"UPDATE jobs SET company_id = ? WHERE id IN ({','.join('?' * len(jobs))})", [company, *jobs])
    recruiters = [_user(db, f"rec{i}@scale.test", "recruiter", company) for i in range(writers)]
    shared = [A.apply(db, _user(db, f"seed{k}@scale.test", "candidate"), jobs[k % len(jobs)])["id"] for k in range(shared_apps)]
    return {"jobs": jobs, "recruiters": recruiters, "shared": shared}


def _user(db, email: str, role: str, company: int | None = None) -> Actor:
    now = store.utcnow()
    with store.transaction(db):
        uid = store.insert_row(db, "users", {"email": email, "password_hash": "x", "role": role, "name": email.split("@")[0],
                                             "company_id": company, "created_at": now, "updated_at": now})
    return Actor(uid, role, company, email.split("@")[0], email)


def writer(target: Target, t: int, seconds: float, world: dict, results: dict, latencies: dict, errors: Counter) -> None:
    from engine import oversight

    rng = random.Random(1000 + t)
    db = target.open()
    rec = world["recruiters"][t]
    open_apps = list(world["shared"])
    mine: Counter = Counter()
    lat: dict[str, list[float]] = {}
    stop = time.monotonic() + seconds
    i = 0
    while time.monotonic() < stop:
        op = ("apply", "status", "note")[i % 3]
        i += 1
        started = time.perf_counter()
        try:
            if op == "apply":
                candidate = _user(db, f"c{t}_{i}_{uuid.uuid4().hex[:6]}@scale.test", "candidate")
                mine["candidates"] += 1
                # the recruiter moves it along later too, so status changes never run out of open applications
                open_apps.append(A.apply(db, candidate, rng.choice(world["jobs"]))["id"])
                mine["apply"] += 1
            elif op == "status":
                options: list[str] = []
                while open_apps and not options:
                    app_id = rng.choice(open_apps)
                    current = A.get_application(db, rec, app_id)["status"]
                    options = [s for s in A.TRANSITIONS.get(current, ()) if s != "withdrawn"]
                    if not options:
                        open_apps.remove(app_id)
                if not options:
                    mine["status_none_open"] += 1
                    continue
                new = rng.choice(options)
                A.change_status(db, rec, app_id, new, reason=oversight.DEFAULT_REASONS[0][0] if new == "rejected" else None)
                mine["status"] += 1
            else:
                A.add_note(db, rec, rng.choice(world["shared"]), f"note {t}-{i}")
                mine["note"] += 1
        except A.IllegalTransition:
            mine["status_conflict"] += 1   # another recruiter moved it first: refused whole
        except Exception as exc:   # counted and shown, never retried: the run then fails
            errors[f"{op}: {type(exc).__name__}: {str(exc)[:200]}"] += 1
        finally:
            lat.setdefault(op, []).append((time.perf_counter() - started) * 1000)
    db.close()
    results[t] = mine
    latencies[t] = lat


def bench_writers(target: Target, writers: int, seconds: float, shared_apps: int) -> dict:
    db = target.open()
    world = writers_setup(db, writers, shared_apps)
    tables = ("users", "applications", "application_events", "application_notes", "messages", "outbox", "job_events")
    before = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    results: dict[int, Counter] = {}
    latencies: dict[int, dict] = {}
    errors: Counter = Counter()
    threads = [threading.Thread(target=writer, args=(target, t, seconds, world, results, latencies, errors))
               for t in range(writers)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for _ in tqdm(range(int(seconds)), desc=f"{writers} writers ({db.dialect})", unit="s"):
        time.sleep(1)
    for th in threads:
        th.join(timeout=seconds + 600)
    wall = time.perf_counter() - started
    hung = sum(th.is_alive() for th in threads)
    total = sum(results.values(), Counter())
    after = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    scheduled = db.execute("SELECT count(*) FROM application_events WHERE to_status = 'interview_scheduled' "
                           "AND actor_id IN (SELECT id FROM users WHERE email LIKE 'rec%@scale.test')").fetchone()[0]
    expected = {
        "users": before["users"] + total["candidates"],
        "applications": before["applications"] + total["apply"],
        "application_events": before["application_events"] + total["apply"] + total["status"],
        "application_notes": before["application_notes"] + total["note"],
        "job_events": before["job_events"] + total["apply"],
        "messages": before["messages"] + total["apply"] + total["status"] - scheduled,
        "outbox": before["outbox"] + total["apply"] + total["status"] - scheduled,
    }
    checked, broken = concurrency_bench.check_chains(db)
    committed = total["candidates"] + total["apply"] + total["status"] + total["note"]
    all_lat = [x for lat in latencies.values() for v in lat.values() for x in v]
    by_op: dict[str, list[float]] = {}
    for lat in latencies.values():
        for op, v in lat.items():
            by_op.setdefault(op, []).extend(v)
    return {"writers": writers, "seconds": seconds, "wall_s": round(wall, 2), "threads_still_running": hung,
            "operations": dict(total), "committed_writes": committed,
            "committed_writes_per_s": round(committed / wall, 1),
            "latency_ms": {op: jobs_bench.summary(v) for op, v in sorted(by_op.items())}
                          | ({"all": jobs_bench.summary(all_lat)} if all_lat else {}),
            "counts_expected": expected, "counts_found": {k: after[k] for k in expected},
            "no_write_lost": all(after[k] == v for k, v in expected.items()),
            "event_chains_checked": checked, "broken_event_chains": broken,
            "errors": dict(errors)}


def bench_database(target: Target, args, pool: list[dict]) -> dict:
    out: dict = {"database": target.kind}
    with target:
        db = target.open()
        out["server"] = (db.execute("SHOW server_version").fetchone()[0] if store.is_postgres(db)
                         else db.execute("SELECT sqlite_version()").fetchone()[0])
        _, out["insert_jobs_s"] = _timed(lambda: insert_jobs(db, pool, args.jobs))
        out["jobs"] = db.execute("SELECT count(*) FROM jobs").fetchone()[0]
        version = idx.vector_version(enc.model_version())
        _, out["store_vectors_s"] = _timed(lambda: store_vectors(db, version))
        out["search"] = bench_search(db, args.queries)
        sizes = sorted({s for s in args.load_sizes if s < out["jobs"]} | {out["jobs"]})
        out["replica_load"] = [replica_load(target, s, out["jobs"]) for s in sizes]
        out["recommend"] = bench_recommend(target, args.recommends, out["jobs"])
        out["writes"] = bench_writers(target, args.writers, args.seconds, args.shared_apps)
        db.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1_000_000)
    ap.add_argument("--writers", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--queries", type=int, default=200, help="search queries (after one warm-up pass)")
    ap.add_argument("--recommends", type=int, default=200)
    ap.add_argument("--shared-apps", type=int, default=300, help="applications the recruiters race on")
    ap.add_argument("--load-sizes", default="100000", help="also time a replica load at these sizes (and at --jobs)")
    ap.add_argument("--databases", default="postgresql,sqlite")
    ap.add_argument("--postgres", default=os.environ.get("DATABASE_URL"), help="a PostgreSQL server URL")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    args.load_sizes = [int(s) for s in args.load_sizes.split(",") if s.strip()]
    os.environ.pop("DATABASE_URL", None)
    report = {"benchmark": "scale", "jobs": args.jobs, "writers": args.writers, "seconds": args.seconds,
              "small_run": args.jobs < 1_000_000 or args.seconds < 60 or args.writers < 32,
              "command": " ".join("<postgres-url>" if a == args.postgres else a for a in sys.argv),
              "vectors": "synthetic random unit vectors (384-d float32) in job_vectors; profiles random too",
              "cpu_count": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
              "databases": {}}
    ok = True
    pool, report["generate_pool_s"] = _timed(lambda: generate_pool(args.jobs))
    report["distinct_postings"] = len(pool)
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
            if kind == "postgresql" and not args.postgres:
                report["databases"][kind] = {"skipped": "no --postgres URL (or DATABASE_URL) given"}
                continue
            print(f"--- {kind}: {args.jobs:,} jobs", file=sys.stderr, flush=True)
            target = Target(kind, Path(tmp), args.postgres)
            try:
                result = bench_database(target, args, pool)
            finally:
                target.drop()
            report["databases"][kind] = result
            w = result["writes"]
            ok = ok and w["no_write_lost"] and not w["broken_event_chains"] and not w["errors"] and not w["threads_still_running"]
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if report["small_run"]:
        report["label"] = (f"SMALL RUN ({args.jobs:,} jobs, {args.writers} writers for {args.seconds:g} s): it proves the "
                           "benchmark works; it is not the 1M-job measurement")
    out = Path(args.out) if args.out else config.artifacts_dir() / "bench" / "scale.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"written to {out}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
