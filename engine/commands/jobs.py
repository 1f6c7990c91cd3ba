"""Jobs commands: init, import-jobs, export-jobs, stats."""
from __future__ import annotations

import time
from pathlib import Path

from engine import accounts, config, store

DEFAULT_JOBS = 10_000


def register(sub, common) -> None:
    p = sub.add_parser("init", parents=[common],
                       help="create the database, generate jobs (once) and the admin/demo accounts")
    p.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help=f"jobs to generate (default {DEFAULT_JOBS:,})")
    p.add_argument("--seed", type=int, default=42, help="random seed of the generator (default 42)")
    p.add_argument("--build-index", action="store_true",
                   help="start building the job index in a background process (`make run` does), so the first "
                        "recommendations need not wait for it")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import-jobs", parents=[common],
                       help="import postings from a CSV (EMSCAD, this project's export format, or --map)")
    p.add_argument("file", help="CSV file")
    p.add_argument("--map", dest="mapping", default=None,
                   help="column mapping for other CSVs: title=Title,description=Responsibilities,... "
                        "(join columns with +; 'salary' takes a range like 40000-60000)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export-jobs", parents=[common], help="write every stored job to a CSV in this project's format")
    p.add_argument("file", help="CSV file to write")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", parents=[common], help="counts of jobs, users, companies, applications")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)


def stats(db) -> dict:
    count = lambda t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: E731
    return {t: count(t) for t in ("jobs", "users", "companies", "applications")}


def init_database(db, jobs: int = DEFAULT_JOBS, seed: int = 42, progress: bool = True) -> int:
    """Generate ``jobs`` postings into an empty jobs table, all in one transaction (an interrupted init
    leaves no half catalogue behind). Returns how many were stored; 0 when jobs were already there."""
    if jobs < 0:
        raise ValueError("--jobs cannot be negative.")
    if db.execute("SELECT count(*) FROM jobs").fetchone()[0] or not jobs:
        return 0
    from tqdm import tqdm

    from engine.datasets.generator import generate_jobs
    from engine.jobs import add_jobs

    postings = tqdm(generate_jobs(jobs, seed=seed), total=jobs, unit="job", desc="Generating jobs",
                    disable=not progress, mininterval=0.5)
    with store.transaction(db):
        inserted, _ = add_jobs(db, postings)
    if store.is_postgres(db):
        # fresh statistics, or the planner guesses its way through the first searches of a bulk load
        db.execute("ANALYZE jobs")
        db.execute("ANALYZE jobs_search")
    else:
        # A bulk load leaves the full-text index in many segments and every page in the WAL file: merge the
        # one and fold the other into the database, or the first searches read through both.
        db.execute("INSERT INTO jobs_fts(jobs_fts) VALUES ('optimize')")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return inserted


def cmd_init(args) -> int:
    started = time.perf_counter()
    db = store.connect(args.data_dir)
    existing = db.execute("SELECT count(*) FROM jobs").fetchone()[0]
    if existing:
        print(f"The database at {store.describe(args.data_dir)} already holds {existing:,} jobs: nothing generated.")
    else:
        inserted = init_database(db, args.jobs, args.seed)
        print(f"Generated {inserted:,} jobs into {store.describe(args.data_dir)} "
              f"in {time.perf_counter() - started:.1f} s.")
    for line in accounts.ensure_bootstrap_accounts(db):
        print(line)
    if args.build_index:
        from engine.recsys.index import index_status, spawn_build

        if index_status(db).needs_build:   # (a build already running holds the lock: this one then reuses it)
            spawn_build(args.data_dir)
            print(f"Building the job index in the background (log: {config.data_dir(args.data_dir) / 'index' / 'build.log'}).")
    return 0


def cmd_import(args) -> int:
    from tqdm import tqdm

    from engine.cli import print_json
    from engine.datasets.importers import import_csv

    path = Path(args.file)
    db = store.connect(args.data_dir)
    report = import_csv(db, path, args.mapping,
                        progress=lambda rows: tqdm(rows, unit="row", desc=f"Importing {path.name}",
                                                   disable=args.json, mininterval=0.5))
    if args.json:
        print_json(report.as_dict())
        return 0
    print(f"{path.name} ({report.layout} layout): {report.rows:,} rows read, {report.taken:,} jobs taken, "
          f"{report.skipped:,} skipped, {report.duplicates:,} duplicates.")
    for reason, n in report.reasons.most_common():
        print(f"  skipped {n:,} x {reason}")
    for message in report.messages[:20]:
        print(f"    {message}")
    if len(report.messages) > 20:
        print(f"    ... and {report.skipped - 20:,} more (use --json for the list)")
    return 0


def cmd_export(args) -> int:
    from engine.datasets.importers import export_csv

    written = export_csv(store.connect(args.data_dir), args.file)
    print(f"Wrote {written:,} jobs to {args.file}.")
    return 0


def cmd_stats(args) -> int:
    from engine.cli import print_json

    result = stats(store.connect(args.data_dir))
    if args.json:
        print_json(result)
    else:
        for k, v in result.items():
            print(f"{k:>14}: {v}")
    return 0
