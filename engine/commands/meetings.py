"""Meetings commands: purge-recordings (retention), run-code (the sandbox from the shell)."""
from __future__ import annotations

import sys

from engine import store


def register(sub, common) -> None:
    p = sub.add_parser("purge-recordings", parents=[common],
                       help="delete interview recordings older than RECORDING_RETENTION_DAYS (default 90)")
    p.add_argument("--days", type=int, default=None, help="override the retention setting")
    p.set_defaults(func=cmd_purge)
    p = sub.add_parser("run-code", parents=[common], help="run a file in the code-pad sandbox")
    p.add_argument("language", choices=["python", "javascript", "cpp"])
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_run_code)


def cmd_purge(args) -> int:
    from engine.meetings import recordings

    db = store.connect(args.data_dir)
    days = recordings.retention_days() if args.days is None else args.days
    settled = recordings.settle_stale(db, data_dir=args.data_dir)
    if settled:
        print(f"settled {settled} recording(s) left unfinished by a stopped server")
    count = recordings.purge_old_recordings(db, days, data_dir=args.data_dir)
    print(f"deleted {count} recording(s) older than {days} days")
    return 0


def cmd_run_code(args) -> int:
    from dataclasses import asdict
    from pathlib import Path

    from engine.cli import print_json
    from engine.meetings.sandbox import SandboxUnavailable, run_code

    try:
        result = run_code(args.language, Path(args.file).read_text(encoding="utf-8"))
    except (ValueError, SandboxUnavailable) as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        print_json(asdict(result))
    else:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        for note in result.notes:
            print(f"[sandbox] {note}", file=sys.stderr)
    return 0 if result.ok else 1
