"""Job query benchmark: median and p95 of filtered + keyword-searched + paginated `search_jobs` calls at
10,000 and 100,000 generated jobs, plus the time of `init`. Writes artifacts/bench/jobs.json.

    nice -n 10 .venv/bin/python bench/jobs.py            # both sizes (100k takes a few minutes to build)
    .venv/bin/python bench/jobs.py --sizes 10000 --queries 100

Each size gets its own temporary data dir (never ./data). The query mix is fixed by a seed: keyword only,
keyword + category, location + salary + remote, newest first without keyword, and page 1 as well as deep
pages. Each query runs once after a warm-up pass over the whole mix (what a running app sees). Wall time
and this process's CPU time are both recorded: on a shared machine the wall time includes waiting for a core.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import config, store  # noqa: E402
from engine.commands.jobs import init_database  # noqa: E402
from engine.datasets.vocabulary import CATEGORY_NAMES  # noqa: E402
from engine.jobs import JobFilters, search_jobs  # noqa: E402

KEYWORDS = ("python", "nurse", "data engineer", "sales", "warehouse", "sql", "teacher", "react developer",
            "senior", "customer service", "kubernetes", "accountant", "chef", "remote", "marketing manager",
            "spark", "security analyst", "electrician", "figma", "payroll", "java spring", "patient care")
LOCATIONS = ("New York", "Austin", "Seattle", "Chicago", "Denver", "Boston", "CA", "TX")


def query_mix(n: int, seed: int = 7) -> list[tuple[str, JobFilters]]:
    rng = random.Random(seed)
    kinds = ("keyword", "keyword+category", "location+salary+remote", "newest", "keyword deep page",
             "filters deep page")
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "keyword":
            f = JobFilters(query=rng.choice(KEYWORDS), page=rng.choice((1, 1, 2, 3)))
        elif kind == "keyword+category":
            f = JobFilters(query=rng.choice(KEYWORDS), category=rng.choice(CATEGORY_NAMES), page=1)
        elif kind == "location+salary+remote":
            f = JobFilters(location=rng.choice(LOCATIONS), salary_min=rng.choice((40000, 60000, 90000)),
                           remote=rng.choice((True, False, None)), sort=rng.choice(("newest", "salary")))
        elif kind == "newest":
            f = JobFilters(sort="newest", category=rng.choice((None, rng.choice(CATEGORY_NAMES))),
                           posted_since=rng.choice((None, (date.today() - timedelta(days=14)).isoformat())), page=rng.choice((1, 2)))
        elif kind == "keyword deep page":
            f = JobFilters(query=rng.choice(("engineer", "manager", "senior", "python")), page=rng.choice((10, 25, 50)))
        else:
            f = JobFilters(sort=rng.choice(("newest", "salary", "deadline")), remote=rng.choice((None, False)),
                           page=rng.choice((50, 100, 250)))
        out.append((kind, f))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 0.95), 2),
            "max_ms": round(max(ms), 2)}


def bench_size(size: int, queries: int, workdir: Path) -> dict:
    data_dir = workdir / f"jobs-{size}"
    result: dict = {"jobs": size}
    if size <= 20_000:  # the real command, as `make run` calls it: a fresh process, progress bar off
        env = dict(os.environ, JOBEXPRESSWAY_DATA_DIR=str(data_dir))
        for label in ("init_s", "init_again_s"):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "engine", "init", "--jobs", str(size), "--data-dir", str(data_dir)],
                           cwd=ROOT, env=env, check=True, capture_output=True)
            result[label] = round(time.perf_counter() - started, 2)
        db = store.connect(data_dir)
    else:
        db = store.connect(data_dir)
        started = time.perf_counter()
        init_database(db, size, progress=False)
        result["init_s"] = round(time.perf_counter() - started, 2)
        db.close()
        db = store.connect(data_dir)  # query as the app does: a fresh connection
    mix = query_mix(queries)
    for _, f in mix:  # warm-up: page cache and SQLite's statement cache, as in a running app
        search_jobs(db, f)
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    for kind, f in mix:
        started, started_cpu = time.perf_counter(), time.process_time()
        r = search_jobs(db, f)
        times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        cpu.setdefault(kind, []).append((time.process_time() - started_cpu) * 1000)
        totals.setdefault(kind, []).append(r.total)
    result["all"] = summary([t for ts in times.values() for t in ts])
    # CPU time of this process: what the query costs when the machine's 2 cores are shared with others
    result["all_cpu"] = summary([t for ts in cpu.values() for t in ts])
    result["by_kind"] = {k: {**summary(v), "cpu": summary(cpu[k]), "median_total": int(statistics.median(totals[k]))}
                         for k, v in times.items()}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    import sqlite3

    report = {"benchmark": "jobs", "queries_per_size": args.queries, "target": "p95 < 30 ms at 100,000 jobs",
              "sqlite": sqlite3.sqlite_version, "cpu_count": os.cpu_count(),
              "load_average_at_start": os.getloadavg()[0], "sizes": []}
    with tempfile.TemporaryDirectory(prefix="jobs-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"building and querying {size:,} jobs ...", file=sys.stderr, flush=True)
            report["sizes"].append(bench_size(size, args.queries, Path(tmp)))
    report["load_average_at_end"] = os.getloadavg()[0]
    out = config.artifacts_dir() / "bench" / "jobs.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
