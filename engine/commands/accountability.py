"""Accountability commands: the decision log's export and purge, a candidate's data export and deletion,
the scheduled anonymisation of old closed applications, and `eval fairness` (the bias audit)."""
from __future__ import annotations

import sys
from pathlib import Path

from engine import data_rights, decisions, store
from engine.commands import register_evaluator
from engine.commands.applications import actor_for_email


def register(sub, common) -> None:
    p = sub.add_parser("decisions", parents=[common], help="the decision log: export (CSV/JSON) or purge expired")
    p.add_argument("action", choices=("export", "purge"))
    p.add_argument("--actor", required=True, help="email of the admin or of a recruiter (their company's jobs)")
    p.add_argument("--job", type=int)
    p.add_argument("--candidate", type=int, help="candidate user id")
    p.add_argument("--format", choices=decisions.FORMATS, default="csv")
    p.add_argument("--out", type=Path, help="file to write (default: standard output)")
    p.set_defaults(func=cmd_decisions)

    p = sub.add_parser("data", parents=[common], help="data rights: export or delete a candidate, anonymise old applications")
    p.add_argument("action", choices=("export", "delete", "anonymise-closed"))
    p.add_argument("--candidate", help="the candidate's email (export, delete)")
    p.add_argument("--confirm", help="delete: the candidate's email again")
    p.add_argument("--actor", help="anonymise-closed: the admin's email")
    p.add_argument("--days", type=int, help=f"anonymise-closed: older than this (default "
                                            f"{data_rights.DEFAULT_ANONYMISE_AFTER_DAYS}, env JOBEXPRESSWAY_ANONYMISE_AFTER_DAYS)")
    p.add_argument("--out", type=Path, help="export: the zip to write")
    p.set_defaults(func=cmd_data)
    register_evaluator("fairness", cmd_fairness, "bias audit: counterfactual name/gender swaps, selection rates",
                       _fairness_arguments)


def cmd_decisions(args) -> int:
    db = store.connect(args.data_dir)
    actor = actor_for_email(db, args.actor)
    if args.action == "purge":
        print(f"removed {decisions.purge_expired(db, actor)} records older than {decisions.retention_days()} days")
        return 0
    text = decisions.export_records(db, actor, args.format, job_id=args.job, candidate_id=args.candidate)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_data(args) -> int:
    db = store.connect(args.data_dir)
    if args.action == "anonymise-closed":
        count = data_rights.anonymise_closed_applications(db, actor_for_email(db, args.actor or ""), args.days)
        print(f"anonymised {count} closed applications")
        return 0
    if not args.candidate:
        raise ValueError("--candidate EMAIL is required")
    actor = actor_for_email(db, args.candidate)
    if args.action == "export":
        out = args.out or Path(f"my-data-{actor.user_id}.zip")
        out.write_bytes(data_rights.export_my_data(db, actor))
        print(f"wrote {out}")
        return 0
    result = data_rights.delete_my_account(db, actor, args.confirm or "")
    print(f"deleted account {result['user_id']} ({result['files_removed']} files removed)")
    return 0


def _fairness_arguments(p) -> None:
    p.add_argument("--profiles", type=int, default=10, help="resumes per job (each written for every group pair)")
    p.add_argument("--seed", type=int, default=7)


def cmd_fairness(args) -> int:
    from engine import fairness
    from engine.cli import print_json

    report = fairness.audit(store.connect(args.data_dir), profiles=args.profiles, seed=args.seed)
    fairness.write_metrics(report)
    if args.json:
        print_json(report)
    else:
        print(fairness.reading(report))
    return 0
