"""Jobs commands: init, stats (import-jobs and export-jobs live beside them)."""
from __future__ import annotations

from engine import store


def register(sub, common) -> None:
    p = sub.add_parser("stats", parents=[common], help="counts of jobs, users, companies, applications")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)


def stats(db) -> dict:
    count = lambda t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: E731
    return {t: count(t) for t in ("jobs", "users", "companies", "applications")}


def cmd_stats(args) -> int:
    from engine.cli import print_json

    result = stats(store.connect(args.data_dir))
    if args.json:
        print_json(result)
    else:
        for k, v in result.items():
            print(f"{k:>14}: {v}")
    return 0
