"""`migrate-db --to postgresql://...`: copy the data dir's SQLite database into PostgreSQL (engine.migrate_db)."""
from __future__ import annotations

import sys


def register(sub, common) -> None:
    p = sub.add_parser("migrate-db", parents=[common],
                       help="copy the SQLite database of the data dir into PostgreSQL, then verify the copy")
    p.add_argument("--to", required=True, metavar="POSTGRESQL_URL",
                   help="the target, e.g. postgresql://user:password@host:5432/jobexpressway (migrated first)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted copy: keep the rows already in the target, add the missing ones")
    p.add_argument("--batch", type=int, default=1000, help="rows per committed batch (default 1000)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the verification as JSON")
    p.set_defaults(func=cmd_migrate_db)


def cmd_migrate_db(args) -> int:
    from tqdm import tqdm

    from engine.cli import CommandError, print_json
    from engine.migrate_db import MigrationError, migrate

    if args.batch < 1:
        raise CommandError("--batch must be at least 1")
    bar = tqdm(total=0, unit="row", disable=args.quiet, file=sys.stderr, desc="copying")

    def progress(table: str, done_in_table: int, total: int) -> None:
        bar.total = total
        bar.set_description(table, refresh=False)
        bar.update(done_in_table - progress.table_done.get(table, 0))
        progress.table_done[table] = done_in_table

    progress.table_done = {}
    try:
        report = migrate(args.data_dir, args.to, resume=args.resume, batch=args.batch, progress=progress)
    except MigrationError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        bar.close()
    if args.json:
        print_json({"target": report.target, "ok": report.ok, "sequences": report.sequences,
                    "jobs": report.jobs, "search_documents": report.search_documents,
                    "tables": [dict(t.__dict__, matches=t.matches) for t in report.tables]})
    else:
        width = max(len(t.table) for t in report.tables)
        for t in report.tables:
            mark = "ok" if t.matches else "MISMATCH"
            print(f"{t.table:<{width}}  source {t.source_rows:>8}  target {t.target_rows:>8}  "
                  f"copied {t.copied:>8}  {t.source_checksum[:12]} {t.target_checksum[:12]}  {mark}")
        print(f"search documents: {report.search_documents} for {report.jobs} jobs")
        print(f"{'verified' if report.ok else 'NOT verified'}: {report.target}. Uploads and recordings stay in "
              "the data dir: point the PostgreSQL deployment at the same JOBEXPRESSWAY_DATA_DIR.")
    return 0 if report.ok else 1
