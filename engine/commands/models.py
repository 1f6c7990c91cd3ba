"""`ship TARGET` (put the model trained here into the repository) and `models` (check the shipped ones)."""
from __future__ import annotations

import sys

SHIP_TARGETS = ("encoder", "catalogue", "classifier", "coach", "occupation-head")


def register(sub, common) -> None:
    p = sub.add_parser("ship", parents=[common],
                       help="replace a shipped model (artifacts/models/shipped/) with the one trained here")
    p.add_argument("target", choices=SHIP_TARGETS,
                   help="encoder: Job-Rec-v1 as fp16 (then ship catalogue and classifier again); catalogue: job "
                        "vectors of `engine init`'s catalogue for the shipped Job-Rec-v1; classifier: the category "
                        "classifier on Job-Rec-v1; coach: the coach GPT; occupation-head: Job-Rec-v2's occupation head")
    p.add_argument("--no-check", action="store_true",
                   help="encoder: skip measuring the fp16 form on the held-out postings")
    p.set_defaults(func=cmd_ship)

    p = sub.add_parser("models", parents=[common], help="the shipped models, their versions and checksum checks")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr)


def ship(target: str, check: bool = True) -> "object":
    """Ship one target; returns the engine.shipped.Shipped written."""
    if target == "encoder":
        from engine.recsys.ship_models import ship_encoder

        return ship_encoder(check=check, log=_log)
    if target == "catalogue":
        from engine.commands.jobs import DEFAULT_JOBS
        from engine.recsys import shipped_vectors

        return shipped_vectors.ship(DEFAULT_JOBS, 42, log=_log)
    if target == "classifier":
        from engine.recsys.ship_models import ship_classifier

        return ship_classifier(log=_log)
    if target == "coach":
        from engine.coach.train import ship as ship_coach

        return ship_coach()
    if target == "occupation-head":
        from engine.occupations.head import ship_head

        return ship_head(log=_log)
    raise ValueError(f"unknown ship target {target!r}")


def report(found) -> None:
    from engine import shipped

    size = sum(f["bytes"] for f in found.manifest["files"].values())
    print(f"shipped {found.name} {found.version} ({size / 1e6:.1f} MB) into {found.folder}; "
          f"all shipped models: {shipped.total_bytes() / 1e6:.1f} MB of {shipped.SIZE_BUDGET_BYTES / 1e6:.0f} MB. "
          f"Commit the folder (git add -A {found.folder}) in one change.")
    if found.name == shipped.JOB_REC:
        print("The shipped catalogue vectors and classifier were made for the previous Job-Rec-v1: run "
              "`python -m engine ship catalogue` and `python -m engine train classifier --ship` next.")


def cmd_ship(args) -> int:
    report(ship(args.target, check=not args.no_check))
    return 0


def cmd_models(args) -> int:
    from engine import shipped
    from engine.cli import print_json

    rows = shipped.all_manifests()
    if args.json:
        print_json([{k: r.get(k) for k in ("name", "version", "verified", "problem", "shipped_at")} for r in rows])
    for r in [] if args.json else rows:
        state = "ok" if r["verified"] else f"NOT USED: {r['problem']}"
        print(f"{r['name']:24s} {r.get('version', '?'):14s} {state}")
    return 0 if all(r["verified"] for r in rows) else 1
