"""Move a SQLite deployment into PostgreSQL: ``python -m engine migrate-db --to postgresql://...``.

Steps: the SQLite database in the data dir is brought to this code's schema (its own migrations), the
PostgreSQL target gets the same schema (the same migrations, as ``store.connect`` with ``DATABASE_URL``
applies them), every table is copied in foreign-key order in batches, identity sequences are moved past
the copied ids, and each table is verified by row count and checksum computed the same way on both sides.

Not copied: SQLite's full-text index (``jobs_fts*``: PostgreSQL's ``jobs_search`` is filled by its own
trigger as each job is inserted, and is checked to hold one document per job) and ``_migrations`` (the
target records its own migrations as it applies them).

Running it again is safe. A target that already holds rows is refused, so an existing PostgreSQL
deployment is never mixed with a copy by mistake; ``resume=True`` (``--resume``) continues an interrupted
copy instead: rows whose primary key is already there are left as they are (``ON CONFLICT DO NOTHING``,
never an update: decision records are append-only), the missing ones are inserted, and the verification
afterwards says whether the two databases now hold the same rows. Each batch commits on its own, so an
interrupted copy keeps what it did.

Files (uploads, recordings, the job index) are not in the database: they stay in the data dir, which the
PostgreSQL deployment keeps using (``JOBEXPRESSWAY_DATA_DIR``).
"""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import config, store

BATCH_ROWS = 1000
SKIPPED_SQLITE_TABLES = ("_migrations",)


class MigrationError(Exception):
    """A migration that cannot start or cannot go on: the message says why and what to do."""


@dataclass
class TableResult:
    table: str
    source_rows: int
    target_rows: int = 0
    copied: int = 0
    source_checksum: str = ""
    target_checksum: str = ""

    @property
    def matches(self) -> bool:
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


@dataclass
class MigrationReport:
    target: str
    tables: list[TableResult] = field(default_factory=list)
    sequences: dict[str, int] = field(default_factory=dict)
    search_documents: int = 0
    jobs: int = 0

    @property
    def ok(self) -> bool:
        return all(t.matches for t in self.tables) and self.search_documents == self.jobs


def describe_url(url: str) -> str:
    """A PostgreSQL URL for messages, without its password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:   # a URL psycopg cannot parse is described by its scheme only
        return url.split("://", 1)[0] + "://..."
    where = info.get("host") or "localhost"
    if info.get("port"):
        where += f":{info['port']}"
    return f"PostgreSQL database {info.get('dbname', '?')} on {where}"


def open_source(data_dir: Path) -> store.SqliteDatabase:
    """The SQLite database of the data dir, migrated to this code's schema (so both sides have the same
    tables and columns). Refused when missing, or when it was written by newer code than this."""
    path = data_dir / store.DB_FILENAME
    if not path.is_file():
        raise MigrationError(f"There is no SQLite database at {path} (choose the deployment with --data-dir).")
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30, check_same_thread=False)
    db = store.SqliteDatabase(conn, data_dir)
    store._configure(db)
    known = {name for name, _ in store.MIGRATIONS}
    if "_migrations" in db.table_names():
        newer = sorted({r["name"] for r in db.query("SELECT name FROM _migrations")} - known)
        if newer:
            db.close()
            raise MigrationError(f"{path} has migrations this code does not know ({', '.join(newer)}): "
                                 "run migrate-db with the code version that wrote it.")
    store.apply_migrations(db)
    return db


def open_target(url: str, data_dir: Path):
    """The PostgreSQL target, migrated to the same schema; a URL that is not PostgreSQL's or a server that
    does not answer gets a message naming it."""
    import psycopg

    from engine.postgres import PostgresDatabase

    url = (url or "").strip()
    if not url.startswith(("postgresql://", "postgres://")):
        raise MigrationError("--to must be a postgresql:// URL, e.g. postgresql://user:password@host:5432/dbname")
    try:
        db = PostgresDatabase(url, data_dir)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise MigrationError(f"cannot connect to {describe_url(url)}: {reason}") from exc
    store.apply_migrations(db)
    return db


def copied_tables(source: store.SqliteDatabase) -> list[str]:
    """The source's tables in foreign-key order (a table after every table it references)."""
    names = [r[0] for r in source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()]
    fts = {r[0] for r in source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").fetchall()}
    # a virtual table's shadow tables (jobs_fts_data, jobs_fts_idx ...) are named after it
    tables = [n for n in names if n not in SKIPPED_SQLITE_TABLES
              and not any(n == v or n.startswith(v + "_") for v in fts)]
    refs = {t: {r[2] for r in source.execute(f"PRAGMA foreign_key_list([{t}])").fetchall()} - {t} for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and refs[t] <= set(ordered)]
        if not ready:
            cycle = sorted(t for t in tables if t not in ordered)
            raise MigrationError(f"the foreign keys of {', '.join(cycle)} form a cycle: no order to copy them in")
        ordered.extend(ready)
    return ordered


def primary_key(source: store.SqliteDatabase, table: str) -> list[str]:
    cols = sorted((r[5], r[1]) for r in source.execute(f"PRAGMA table_info([{table}])").fetchall() if r[5])
    return [name for _, name in cols] or ["rowid"]


def check_same_columns(source, target, tables: list[str]) -> None:
    target_tables = set(target.table_names())
    problems = []
    for t in tables:
        if t not in target_tables:
            problems.append(f"{t}: missing in the target")
        elif set(source.columns(t)) != set(target.columns(t)):
            problems.append(f"{t}: columns differ ({sorted(set(source.columns(t)) ^ set(target.columns(t)))})")
    if problems:
        raise MigrationError("the two schemas differ, though both were migrated by this code: " + "; ".join(problems))


def _normalise(value: Any) -> str:
    """One text per value, the same for what SQLite and PostgreSQL return for it: floats by repr (both
    store 8-byte doubles), bytes as hex, NULL as a marker no text value can equal (it holds a NUL byte,
    which PostgreSQL text refuses)."""
    if value is None:
        return "\x00NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    return str(value)


def row_digest(row: Iterable[Any]) -> int:
    text = "\x1f".join(_normalise(v) for v in row)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest(), "big")


def checksum(rows: Iterable[Iterable[Any]]) -> tuple[int, str]:
    """Row count and checksum of a table: the sum of each row's sha256 modulo 2**256. A sum does not
    depend on the order rows arrive in, so text primary keys, which the two databases sort differently
    (collations, citext), need no common order; unlike XOR, two equal rows do not cancel out."""
    total, count = 0, 0
    for row in rows:
        total = (total + row_digest(row)) % (1 << 256)
        count += 1
    return count, f"{total:064x}"


def _source_rows(source, table: str, cols: list[str], batch: int = BATCH_ROWS) -> Iterator[tuple]:
    cur = source.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{table}] "
                         f"ORDER BY {', '.join(f'[{c}]' for c in primary_key(source, table))}")
    while rows := cur.fetchmany(batch):
        yield from rows


def _target_rows(target, table: str, cols: list[str], batch: int = BATCH_ROWS) -> Iterator[tuple]:
    """Streamed through a server-side cursor, so a big table is not held in memory at once (this tool is
    PostgreSQL-only, hence the direct use of the psycopg connection)."""
    from psycopg import sql

    with target.conn.transaction():
        with target.conn.cursor(name=f"verify_{table}") as cur:
            cur.itersize = batch
            cur.execute(sql.SQL("SELECT {} FROM {}").format(
                sql.SQL(", ").join(sql.Identifier(c) for c in cols), sql.Identifier(table)))
            yield from cur


def _count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]


def migrate(data_dir: str | Path | None, url: str, *, resume: bool = False, batch: int = BATCH_ROWS,
            progress: Callable[[str, int, int], None] | None = None) -> MigrationReport:
    """Copy the data dir's SQLite database into the PostgreSQL database at ``url`` and verify the copy.
    ``progress(table, rows_done_in_table, total_rows_of_all_tables)`` is called after each batch."""
    data_dir = config.data_dir(data_dir)
    source = open_source(data_dir)
    try:
        target = open_target(url, data_dir)
    except BaseException:
        source.close()
        raise
    try:
        return _copy_and_verify(source, target, url, resume=resume, batch=batch, progress=progress)
    finally:
        source.close()
        target.close()


def _copy_and_verify(source, target, url: str, *, resume: bool, batch: int,
                     progress: Callable[[str, int, int], None] | None) -> MigrationReport:
    tables = copied_tables(source)
    check_same_columns(source, target, tables)
    if not resume:
        filled = [f"{t} ({n} rows)" for t in tables if (n := _count(target, t))]
        if filled:
            raise MigrationError(
                f"{describe_url(url)} already holds data: {', '.join(filled[:5])}"
                f"{' ...' if len(filled) > 5 else ''}. Migrate into an empty database, or pass --resume to "
                "continue an interrupted copy (rows already there are kept, missing ones added, then verified).")
    report = MigrationReport(target=describe_url(url))
    # one read transaction on the source: every table is copied and checked from the same snapshot
    source.execute("BEGIN")
    try:
        sizes = {t: _count(source, t) for t in tables}
        total = sum(sizes.values())
        for table in tables:
            cols = source.columns(table)
            result = TableResult(table, sizes[table])
            report.tables.append(result)
            pk = primary_key(source, table)
            insert = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
                      f"VALUES ({', '.join('?' for _ in cols)})")
            if resume and pk != ["rowid"]:
                insert += f" ON CONFLICT ({', '.join(f'[{c}]' for c in pk)}) DO NOTHING"
            elif resume and _count(target, table):
                raise MigrationError(f"{table} has no primary key and already holds rows: cannot resume it "
                                     "row by row; empty the target database and migrate again.")
            pending: list[tuple] = []
            for row in _source_rows(source, table, cols, batch):
                pending.append(row)
                if len(pending) >= batch:
                    result.copied += _insert_batch(target, table, insert, pending)
                    pending = []
                    if progress:
                        progress(table, result.copied, total)
            if pending:
                result.copied += _insert_batch(target, table, insert, pending)
            if progress:
                progress(table, result.copied, total)
        report.sequences = advance_sequences(target, tables)
        for result in report.tables:
            cols = source.columns(result.table)
            _, result.source_checksum = checksum(_source_rows(source, result.table, cols, batch))
            result.target_rows, result.target_checksum = checksum(_target_rows(target, result.table, cols, batch))
    finally:
        source.execute("ROLLBACK")
    report.jobs = _count(target, "jobs")
    report.search_documents = _count(target, "jobs_search")
    return report


def _insert_batch(target, table: str, insert: str, rows: list[tuple]) -> int:
    import psycopg

    try:
        with store.transaction(target):
            target.executemany(insert, rows)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MigrationError(f"copying {table} failed near its row {rows[0]!r:.120}: {first}") from exc
    return len(rows)


def advance_sequences(target, tables: list[str]) -> dict[str, int]:
    """Each identity column's sequence set past the highest copied id, so the next insert gets a fresh id
    (rows were inserted with their ids, which does not move a sequence). An empty table's starts at 1."""
    moved = {}
    rows = target.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND is_identity = 'YES' ORDER BY table_name").fetchall()
    for table, column in rows:
        if table not in tables:
            continue
        highest = target.execute(f"SELECT max([{column}]) FROM [{table}]").fetchone()[0]
        target.execute("SELECT setval(pg_get_serial_sequence(?, ?), ?, ?)",
                       [f'"{table}"', column, highest or 1, highest is not None])
        moved[table] = highest or 0
    return moved
