"""`python -m engine demo`: the demo world (companies, recruiters, candidates, applications in every stage)."""
from __future__ import annotations

import time

from engine import store


def register(sub, common) -> None:
    p = sub.add_parser("demo", parents=[common],
                       help="add a demo world on top of init: companies, recruiters, candidates, applications "
                            "in every stage (safe to run again: only adds what is missing)")
    p.add_argument("--candidates", type=int, default=16, help="demo candidates, the demo account included (default 16)")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from engine.demo import build_demo, demo_accounts

    started = time.perf_counter()
    db = store.connect(args.data_dir)
    report = build_demo(db, candidates=args.candidates, seed=args.seed)
    for line in report.messages:
        print(line)
    if report.created_anything:
        print(f"Demo world ready in {time.perf_counter() - started:.1f} s: {report.companies} companies, "
              f"{report.recruiters} recruiters, {report.candidates} candidates, {report.jobs} jobs, "
              f"{report.applications} applications, {report.notes} notes, {report.mock_interviews} mock interviews.")
    else:
        print("The demo world is already complete: nothing added.")
    print("Sign in with:")
    for role, email, password in demo_accounts():
        print(f"  {role:<10} {email} / {password}")
    return 0
