"""The database: connection settings, schema migrations and transactions.

SQLite in the data dir is the embedded default; with ``DATABASE_URL=postgresql://...`` the same engine code
runs on PostgreSQL (``engine.postgres``). Both are used through one small interface: ``db.query`` (rows as
dicts), ``db.execute`` / ``db.executemany`` (a cursor), ``db.in_transaction``, ``db.dialect`` and
``db.data_dir`` (where files beside the database live: uploads, recordings, the job index).

Every connection runs in autocommit mode (SQLite with WAL journaling); writes that belong together go
through ``transaction(db)``, which takes the write lock up front (SQLite's BEGIN IMMEDIATE, a PostgreSQL
advisory lock) so two writers queue instead of deadlocking, and rolls everything back on error.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import psycopg
import sqlite_utils

from engine import config

DB_FILENAME = "jobexpressway.db"
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


class SqliteDatabase(sqlite_utils.Database):
    """sqlite-utils' database with the attributes the PostgreSQL one has too."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection, data_dir: Path):
        super().__init__(conn)
        self.data_dir = data_dir

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.execute(f"PRAGMA table_info([{table}])").fetchall()]

    def close(self) -> None:
        self.conn.close()


if TYPE_CHECKING:
    from engine.postgres import PostgresDatabase
Database = Union[SqliteDatabase, "PostgresDatabase"]


# What either database raises for a broken constraint (a UNIQUE, a foreign key, the decision log's guards):
# ``except store.INTEGRITY_ERRORS`` catches it on both.
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)


def utcnow() -> str:
    """ISO-8601 UTC timestamp with seconds, the one time format stored in the database."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def utc_ago(**delta: float) -> str:
    """The stored time format for now minus ``delta`` (timedelta's keywords): cut-offs are computed here,
    not with a database's own date functions, so one query serves both databases."""
    return (datetime.now(timezone.utc).replace(microsecond=0) - timedelta(**delta)).isoformat()


def database_url() -> str | None:
    """``DATABASE_URL`` when it names PostgreSQL; None means SQLite in the data dir."""
    url = (os.environ.get("DATABASE_URL") or "").strip()
    if not url:
        return None
    if not url.startswith(("postgresql://", "postgres://")):
        raise ValueError("DATABASE_URL must be a postgresql:// URL (leave it unset for SQLite in the data dir).")
    return url


def db_path(data_dir: str | Path | None = None) -> Path:
    return config.data_dir(data_dir) / DB_FILENAME


def describe(data_dir: str | Path | None = None) -> str:
    """Where the database is, for messages: the SQLite file, or the PostgreSQL URL without its password."""
    url = database_url()
    if url is None:
        return str(db_path(data_dir))
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(url)
    return f"PostgreSQL database {info.get('dbname', '?')} on {info.get('host') or 'localhost'}"


def connect(data_dir: str | Path | None = None, *, migrate: bool = True) -> Database:
    """A new connection to the database (one per call or session: connections are not shared)."""
    url = database_url()
    if url is not None:
        from engine.postgres import PostgresDatabase

        db: Database = PostgresDatabase(url, config.data_dir(data_dir))
        key = url
    else:
        path = db_path(data_dir)
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30, check_same_thread=False)
        db = SqliteDatabase(conn, path.parent)
        _configure(db)
        key = str(path)
    if migrate and key not in _migrated:
        with _migrate_lock:
            apply_migrations(db)
            _migrated.add(key)
    return db


def memory_db() -> Database:
    """A database with the full schema, for unit tests: a new one in memory, or, when the tests run on
    PostgreSQL, the test's own database (``DATABASE_URL``, fresh for each test)."""
    if database_url() is not None:
        return connect()
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    db = SqliteDatabase(conn, config.data_dir())
    _configure(db)
    apply_migrations(db)
    return db


def _configure(db: SqliteDatabase) -> None:
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA synchronous = NORMAL")


def is_postgres(db: Database) -> bool:
    return db.dialect == "postgresql"


@contextmanager
def transaction(db: Database, *, write_lock: bool = True) -> Iterator[Database]:
    """All writes inside commit together or not at all. Nested use joins the outer transaction.
    ``write_lock=False`` (PostgreSQL only) skips the global write lock, for claims whose row locks keep
    writers apart (engine.tasks); SQLite always takes its one write lock."""
    if db.in_transaction:
        yield db
        return
    if is_postgres(db):
        from engine.postgres import WRITE_LOCK_KEY

        db.execute("BEGIN")
        if write_lock:
            db.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
    else:
        db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


_ID_TABLES: dict[tuple[str, str], bool] = {}


def _has_id(db: Database, table: str) -> bool:
    key = (db.dialect, table)
    if key not in _ID_TABLES:
        _ID_TABLES[key] = "id" in db.columns(table)
    return _ID_TABLES[key]


def insert_row(db: Database, table: str, row: dict[str, Any]) -> int | None:
    """INSERT one row (lists/dicts stored as JSON) without committing; returns its id (None for a table
    without an id column on PostgreSQL)."""
    cols = list(row)
    values = [json.dumps(v) if isinstance(v, (list, dict)) else v for v in row.values()]
    sql = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' for _ in cols)})"
    if _has_id(db, table):
        return db.execute(sql + " RETURNING id", values).fetchone()[0]
    cur = db.execute(sql, values)
    return getattr(cur, "lastrowid", None)


def update_row(db: Database, table: str, pk: Any, changes: dict[str, Any], pk_col: str = "id") -> None:
    if not changes:
        return
    values = [json.dumps(v) if isinstance(v, (list, dict)) else v for v in changes.values()]
    sets = ", ".join(f"[{c}] = ?" for c in changes)
    db.execute(f"UPDATE [{table}] SET {sets} WHERE [{pk_col}] = ?", [*values, pk])


def one(db: Database, sql: str, params: Any = ()) -> dict | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


# --- migrations ------------------------------------------------------------------------------------
# Append only: never edit a migration that has shipped. Each is tracked by name, so migrations added on
# different branches apply cleanly in list order.
Migration = Callable[[Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def apply_migrations(db: Database) -> list[str]:
    """Apply what is missing, each migration in its own transaction. Several processes may start at once
    (replicas): each migration is checked again under the write lock, so it runs exactly once."""
    with transaction(db):
        db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {r["name"] for r in db.query("SELECT name FROM _migrations")}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with transaction(db):
            if one(db, "SELECT 1 AS x FROM _migrations WHERE name = ?", [name]):
                continue
            fn(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, utcnow()])
        applied.append(name)
    return applied


@migration
def m001_initial(db: Database) -> None:
    if is_postgres(db):
        db.execute("CREATE EXTENSION IF NOT EXISTS citext")   # case-insensitive emails, as COLLATE NOCASE
    execute_script(db, _INITIAL_SCHEMA)
    if not is_postgres(db):   # PostgreSQL's full-text search over jobs: m300_search_postgres
        execute_script(db, _SQLITE_JOB_SEARCH)


def execute_script(db: Database, script: str) -> None:
    """Run several statements inside the current transaction (sqlite3's executescript would commit first).
    On PostgreSQL the column types that differ are mapped (``engine.postgres.pg_schema``)."""
    if is_postgres(db):
        from engine.postgres import pg_schema

        script = pg_schema(script)
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        db.execute(statement)


_INITIAL_SCHEMA = """
CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    industry TEXT,
    location TEXT,
    website TEXT,
    email TEXT,
    access_status TEXT NOT NULL DEFAULT 'none',   -- none | pending | granted | denied | revoked
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('candidate', 'recruiter', 'admin')),
    name TEXT NOT NULL,
    company_id INTEGER REFERENCES companies(id),
    location TEXT,
    preferred_category TEXT,
    skills TEXT NOT NULL DEFAULT '[]',            -- JSON list of skill names
    education TEXT,
    experience TEXT,
    headline TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,                  -- sha256 of the cookie/URL token; the token itself is never stored
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE company_permissions (
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,                     -- post_jobs | view_applicants | change_status | schedule_interviews
    granted_by INTEGER REFERENCES users(id),
    granted_at TEXT NOT NULL,
    PRIMARY KEY (company_id, permission)
);
CREATE TABLE access_requests (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    message TEXT,
    status TEXT NOT NULL DEFAULT 'pending',      -- pending | granted | denied
    created_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by INTEGER REFERENCES users(id)
);
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    company_id INTEGER REFERENCES companies(id),
    location TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT 'Other',
    created_date TEXT NOT NULL,                   -- YYYY-MM-DD
    deadline TEXT,                                -- YYYY-MM-DD, NULL = open until closed
    salary_min INTEGER,                           -- yearly, in salary_currency
    salary_max INTEGER,
    salary_currency TEXT DEFAULT 'USD',
    requirements TEXT NOT NULL DEFAULT '',
    responsibilities TEXT NOT NULL DEFAULT '',
    contact_email TEXT,
    required_skills TEXT NOT NULL DEFAULT '[]',   -- JSON list
    education_level TEXT,
    remote INTEGER,                               -- 1 remote, 0 on-site, NULL unknown
    employment_type TEXT,                         -- Full-time | Part-time | Contract | Internship | Temporary
    status TEXT NOT NULL DEFAULT 'open',          -- open | closed | pending_review | rejected
    fraud_score REAL,
    source TEXT NOT NULL DEFAULT 'generated',
    fingerprint TEXT UNIQUE,                      -- de-duplication key of an imported/generated posting
    posted_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_jobs_category ON jobs(category);
CREATE INDEX idx_jobs_created ON jobs(created_date);
CREATE INDEX idx_jobs_status_created ON jobs(status, created_date);
CREATE INDEX idx_jobs_company ON jobs(company_id);
CREATE TABLE saved_jobs (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (user_id, job_id)
);
CREATE TABLE job_events (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                           -- view | save | apply
    at TEXT NOT NULL
);
CREATE INDEX idx_job_events_user ON job_events(user_id, at);
CREATE TABLE resumes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    template TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',              -- JSON resume document
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE resume_versions (
    id INTEGER PRIMARY KEY,
    resume_id INTEGER NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,
    template TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE resume_shares (
    token_hash TEXT PRIMARY KEY,
    resume_id INTEGER NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES resume_versions(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    candidate_id INTEGER NOT NULL REFERENCES users(id),
    resume_id INTEGER REFERENCES resumes(id),
    resume_version_id INTEGER REFERENCES resume_versions(id),
    resume_pdf_path TEXT,                         -- an uploaded PDF, relative to the data dir
    cover_letter TEXT,
    status TEXT NOT NULL DEFAULT 'applied',
    fit_score REAL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (job_id, candidate_id)
);
CREATE INDEX idx_applications_candidate ON applications(candidate_id);
CREATE TABLE application_events (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    note TEXT,
    at TEXT NOT NULL
);
CREATE INDEX idx_application_events_app ON application_events(application_id, at);
CREATE TABLE application_notes (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                           -- interview_invitation | offer | thank_you | rejection | status | access | info
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    attachment_path TEXT,                         -- relative to the data dir
    application_id INTEGER REFERENCES applications(id),
    interview_id INTEGER,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX idx_messages_user ON messages(user_id, created_at);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    to_email TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    ics TEXT,                                     -- iCalendar attachment text
    attachment_path TEXT,
    user_id INTEGER REFERENCES users(id),
    status TEXT NOT NULL DEFAULT 'queued',        -- queued | sent | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE TABLE interviews (
    id INTEGER PRIMARY KEY,
    application_id INTEGER REFERENCES applications(id),
    company_id INTEGER REFERENCES companies(id),
    created_by INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'scheduled',       -- scheduled | instant
    starts_at TEXT NOT NULL,                      -- UTC ISO-8601
    timezone TEXT NOT NULL DEFAULT 'UTC',
    duration_min INTEGER NOT NULL DEFAULT 30,
    room_token_hash TEXT NOT NULL UNIQUE,
    room_code TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'scheduled',     -- scheduled | accepted | reschedule_requested | held | cancelled
    candidate_response TEXT,
    notes TEXT,
    decision TEXT,                                -- offered | not_selected
    question TEXT,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE TABLE interview_participants (
    interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,                           -- host | candidate | guest
    PRIMARY KEY (interview_id, user_id)
);
CREATE TABLE recordings (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    path TEXT NOT NULL,                           -- relative to the data dir
    status TEXT NOT NULL DEFAULT 'recording',     -- recording | ready | failed | deleted
    duration_s REAL,
    started_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE TABLE room_chat (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id),
    body TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE code_pads (
    interview_id INTEGER PRIMARY KEY REFERENCES interviews(id) ON DELETE CASCADE,
    language TEXT NOT NULL DEFAULT 'python',
    code TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 0,
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
);
CREATE TABLE coach_sessions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    track TEXT NOT NULL,
    level TEXT NOT NULL,
    job_id INTEGER REFERENCES jobs(id),
    score REAL,
    report TEXT,                                  -- JSON: per-question scores and feedback
    started_at TEXT NOT NULL,
    finished_at TEXT
);
"""

_SQLITE_JOB_SEARCH = """
CREATE VIRTUAL TABLE jobs_fts USING fts5(
    title, company, category, location, required_skills, description,
    content='jobs', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER jobs_ai AFTER INSERT ON jobs BEGIN
    INSERT INTO jobs_fts(rowid, title, company, category, location, required_skills, description)
    VALUES (new.id, new.title, new.company, new.category, new.location, new.required_skills, new.description);
END;
CREATE TRIGGER jobs_ad AFTER DELETE ON jobs BEGIN
    INSERT INTO jobs_fts(jobs_fts, rowid, title, company, category, location, required_skills, description)
    VALUES ('delete', old.id, old.title, old.company, old.category, old.location, old.required_skills, old.description);
END;
CREATE TRIGGER jobs_au AFTER UPDATE OF title, company, category, location, required_skills, description ON jobs BEGIN
    INSERT INTO jobs_fts(jobs_fts, rowid, title, company, category, location, required_skills, description)
    VALUES ('delete', old.id, old.title, old.company, old.category, old.location, old.required_skills, old.description);
    INSERT INTO jobs_fts(rowid, title, company, category, location, required_skills, description)
    VALUES (new.id, new.title, new.company, new.category, new.location, new.required_skills, new.description);
END;
"""


@migration
def m140_applications_outbox_retry(db: Database) -> None:
    """Delivery bookkeeping for the outbox: when the next try is due (backoff between runs) and when the
    last one happened; plus the indexes the recruiter and admin listings filter on."""
    db.execute("ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT")
    db.execute("ALTER TABLE outbox ADD COLUMN last_attempt_at TEXT")
    db.execute("CREATE INDEX idx_outbox_status ON outbox(status, next_attempt_at)")
    db.execute("CREATE INDEX idx_applications_job ON applications(job_id, status)")
    db.execute("CREATE INDEX idx_application_notes_app ON application_notes(application_id)")


@migration
def m130_recsys_jobs_updated_at(db: Database) -> None:
    # the job index syncs by "updated_at >= watermark" on every recommendation: keep that a seek, not a scan
    db.execute("CREATE INDEX IF NOT EXISTS idx_jobs_updated ON jobs(updated_at)")


@migration
def m110_jobs_search_indexes(db: Database) -> None:
    """Indexes for job browsing (see bench/jobs.py). Each holds every filter column, so counting the
    matches and skipping rows for deep pages read only the small index, never the wide job rows; the
    leading columns give the sort orders ("newest", "salary", "deadline") without a sort step."""
    if is_postgres(db):   # PostgreSQL's planner combines indexes and skips by index-only scans differently
        execute_script(db, _POSTGRES_BROWSE_INDEXES)
        return
    execute_script(db, """
CREATE INDEX idx_jobs_browse_newest ON jobs(status, created_date, id, deadline, category, remote,
    salary_min, salary_max, location);
CREATE INDEX idx_jobs_browse_salary ON jobs(status, COALESCE(salary_max, salary_min, 0), id, deadline,
    category, remote, salary_min, salary_max, created_date, location);
CREATE INDEX idx_jobs_browse_deadline ON jobs(status, deadline IS NULL, deadline, id, category, remote,
    salary_min, salary_max, created_date, location);
CREATE INDEX idx_jobs_browse_category ON jobs(category, status, created_date, id, deadline, remote,
    salary_min, salary_max, location);
-- keyword matches are joined through this one by id: a narrow lookup instead of reading each wide row
CREATE INDEX idx_jobs_filter ON jobs(id, status, deadline, created_date, category, remote, salary_min,
    salary_max, location, company_id);
""")


_POSTGRES_BROWSE_INDEXES = """
CREATE INDEX idx_jobs_browse_newest ON jobs(status, created_date DESC, id DESC);
CREATE INDEX idx_jobs_browse_salary ON jobs(status, (COALESCE(salary_max, salary_min, 0)) DESC, id DESC);
CREATE INDEX idx_jobs_browse_deadline ON jobs(status, (deadline IS NULL), deadline, id);
CREATE INDEX idx_jobs_browse_category ON jobs(category, status, created_date DESC, id DESC);
"""


@migration
def m111_jobs_visible_index(db: Database) -> None:
    """Counting every visible job (browsing without filters) reads the narrowest index."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_jobs_visible ON jobs(status, deadline)")


@migration
def m170_meetings_room_state(db: Database) -> None:
    """Room chat rows get a kind (text | reaction); room_presence says who is in a room now."""
    execute_script(db, """
ALTER TABLE room_chat ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';
CREATE INDEX idx_room_chat_room ON room_chat(interview_id, id);
CREATE TABLE room_presence (
    interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (interview_id, user_id)
);
CREATE INDEX idx_interview_participants_user ON interview_participants(user_id);
""")


@migration
def m120_accounts_sign_in_failures(db: Database) -> None:
    """Failed sign-ins per email, so repeated guessing of one account's password is slowed down."""
    execute_script(db, """
CREATE TABLE sign_in_failures (
    email TEXT NOT NULL COLLATE NOCASE,
    at TEXT NOT NULL
);
CREATE INDEX idx_sign_in_failures_email ON sign_in_failures(email, at);
""")


@migration
def m231_authz_share_expiry(db: Database) -> None:
    """Resume share links expire. Links made before this run out 30 days from now, so none dies at once
    and none stays open for good."""
    db.execute("ALTER TABLE resume_shares ADD COLUMN expires_at TEXT")
    db.execute("UPDATE resume_shares SET expires_at = ? WHERE revoked_at IS NULL",
               [(datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)).isoformat()])


@migration
def m230_accounts_security(db: Database) -> None:
    """Sign-in throttle state per client, per account and per pair (replaces sign_in_failures), clients
    that signed in to an account before, verified emails with pending address confirmations, and when a
    session was last used (idle sessions end)."""
    execute_script(db, """
DROP TABLE sign_in_failures;
CREATE TABLE sign_in_throttle (
    scope TEXT NOT NULL,                          -- pair (client + account) | client | account
    key TEXT NOT NULL,
    failures INTEGER NOT NULL,                    -- attempts counted as failed (each counts before its check)
    last_failure_at REAL NOT NULL,                -- unix seconds
    next_allowed_at REAL NOT NULL,                -- unix seconds: no attempt for this key before then
    PRIMARY KEY (scope, key)
);
CREATE INDEX idx_sign_in_throttle_age ON sign_in_throttle(last_failure_at);
CREATE TABLE sign_in_known_clients (
    email TEXT NOT NULL COLLATE NOCASE,
    client TEXT NOT NULL,
    last_success_at TEXT NOT NULL,
    PRIMARY KEY (email, client)
);
ALTER TABLE users ADD COLUMN email_verified_at TEXT;
UPDATE users SET email_verified_at = created_at WHERE password_hash LIKE '!external:%';
CREATE TABLE email_confirmations (
    token_hash TEXT PRIMARY KEY,                  -- sha256 of the emailed token; the token itself is never stored
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email TEXT NOT NULL COLLATE NOCASE,           -- the address this link confirms
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX idx_email_confirmations_user ON email_confirmations(user_id);
ALTER TABLE sessions ADD COLUMN session_id TEXT;   -- what a server-side page run holds; never sent to a browser
UPDATE sessions SET session_id = {random_id};
CREATE UNIQUE INDEX idx_sessions_id ON sessions(session_id);
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN rotated_at TEXT;    -- when the current token was issued
ALTER TABLE sessions ADD COLUMN previous_hash TEXT; -- the token before the last rotation, valid until previous_until
ALTER TABLE sessions ADD COLUMN previous_until TEXT;
-- sessions from before: rotated at their next visit; their idle clock starts now, so an upgrade signs no one out
UPDATE sessions SET rotated_at = created_at, last_seen_at = '{now}';
CREATE INDEX idx_sessions_user ON sessions(user_id);
CREATE INDEX idx_sessions_previous ON sessions(previous_hash);
""".format(now=utcnow(), random_id="md5(random()::text)" if is_postgres(db) else "lower(hex(randomblob(16)))"))


@migration
def m236_meetings_invitation_outbox(db: Database) -> None:
    """Which outbox email carried an interview's invitation, so the recruiter sees it queued, then sent."""
    db.execute("ALTER TABLE interviews ADD COLUMN invitation_outbox_id INTEGER REFERENCES outbox(id)")


@migration
def m236_vocab_categories_education(db: Database) -> None:
    """One vocabulary (engine.choices) for every form: jobs posted under the recruiter form's old 13
    categories ("Engineering" ...) and profiles' typed or old categories and education levels ("Data
    Science", "Master's degree") get the vocabulary's value. A profile value that names nothing is cleared
    (the profile form asks for it again); a job keeps what fits nothing (an imported job's "Other")."""
    from engine.choices import CATEGORY_NAMES, EDUCATION_LEVELS, category_named, education_named

    now = utcnow()
    names = ", ".join("?" * len(CATEGORY_NAMES))
    jobs = db.execute(f"SELECT id, category, title, description FROM jobs WHERE category NOT IN ({names}) "
                      "AND (category != 'Other' OR source = 'posted')", list(CATEGORY_NAMES)).fetchall()
    for job_id, category, title, description in jobs:
        named = category_named(category, title or "", description or "")
        if named and named != category:
            db.execute("UPDATE jobs SET category = ?, updated_at = ? WHERE id = ?", [named, now, job_id])
    levels = ", ".join("?" * len(EDUCATION_LEVELS))
    users = db.execute(f"SELECT id, preferred_category, education FROM users WHERE preferred_category NOT IN ({names}) "
                       f"OR education NOT IN ({levels})", [*CATEGORY_NAMES, *EDUCATION_LEVELS]).fetchall()
    for user_id, category, education in users:
        db.execute("UPDATE users SET preferred_category = ?, education = ?, updated_at = ? WHERE id = ?",
                   [category_named(category), education_named(education), now, user_id])


@migration
def m260_accountability_records(db: Database) -> None:
    """The decision log (EU AI Act Art. 12/26): every AI output shown about a person and every human decision
    on an application. Append only: the database refuses an update, and a delete of a record younger than
    the legal floor of 180 days. Records hold ids, never names, so a deleted candidate's records stay
    as they are. Also: per-job anonymised screening, companies' rejection reasons, deletion marks."""
    execute_script(db, """
CREATE TABLE decision_records (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ai', 'human')),
    event TEXT NOT NULL,          -- fit_score | recommendation | job_category | fraud_score | status_change | ranking_override
    model TEXT,
    model_version TEXT,
    input_hash TEXT,              -- sha256 of the text the model read
    output TEXT NOT NULL DEFAULT '{}',   -- JSON
    job_id INTEGER,
    application_id INTEGER,
    candidate_id INTEGER,
    company_id INTEGER,
    actor_id INTEGER,             -- who decided (human) or who was shown the output (ai)
    reason TEXT
);
CREATE INDEX idx_decision_records_job ON decision_records(job_id, at);
CREATE INDEX idx_decision_records_candidate ON decision_records(candidate_id, at);
CREATE TABLE rejection_reasons (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    letter_text TEXT NOT NULL,    -- the sentence the candidate's letter carries
    UNIQUE (company_id, label)
);
ALTER TABLE jobs ADD COLUMN anonymised_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN deleted_at TEXT;
ALTER TABLE applications ADD COLUMN anonymised_at TEXT;
""")
    if is_postgres(db):
        db.execute(_POSTGRES_DECISION_GUARDS)
        db.execute("CREATE TRIGGER decision_records_no_update BEFORE UPDATE ON decision_records "
                   "FOR EACH ROW EXECUTE FUNCTION decision_records_refuse_update()")
        db.execute("CREATE TRIGGER decision_records_kept BEFORE DELETE ON decision_records "
                   "FOR EACH ROW EXECUTE FUNCTION decision_records_keep()")
    else:
        execute_script(db, """
CREATE TRIGGER decision_records_no_update BEFORE UPDATE ON decision_records BEGIN
    SELECT RAISE(ABORT, 'decision records are append-only');
END;
CREATE TRIGGER decision_records_kept BEFORE DELETE ON decision_records
WHEN old.at > strftime('%Y-%m-%dT%H:%M:%S', 'now', '-180 days') BEGIN
    SELECT RAISE(ABORT, 'decision records are kept at least 180 days');
END;
""")


# integrity violations (SQLSTATE 23000), as SQLite's RAISE(ABORT) is one: callers catch store.INTEGRITY_ERRORS
_POSTGRES_DECISION_GUARDS = """
CREATE FUNCTION decision_records_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'decision records are append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE FUNCTION decision_records_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF old.at > to_char(now() AT TIME ZONE 'UTC' - interval '180 days', 'YYYY-MM-DD"T"HH24:MI:SS') THEN
        RAISE EXCEPTION 'decision records are kept at least 180 days' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN old;
END $$;
"""


@migration
def m230_occupations_jobs(db: Database) -> None:
    """Each job's O*NET occupation as the matcher at `model_version` (encoder + the titles it reads) matched
    its title (a new one re-assigns); the code index serves the search facet ("all Software Developers jobs")."""
    execute_script(db, """
CREATE TABLE job_occupations (
    job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    confidence REAL NOT NULL,
    model_version TEXT NOT NULL
);
CREATE INDEX idx_job_occupations_code ON job_occupations(code, job_id);
""")


@migration
def m300_search_postgres(db: Database) -> None:
    """PostgreSQL's counterpart of SQLite's jobs_fts: a weighted tsvector per job (title first), kept by a
    trigger and searched through a GIN index. Nothing to do on SQLite."""
    if not is_postgres(db):
        return
    db.execute(_POSTGRES_JOB_SEARCH)


_POSTGRES_JOB_SEARCH = """
CREATE TABLE jobs_search (
    job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    document TSVECTOR NOT NULL
);
CREATE INDEX idx_jobs_search_document ON jobs_search USING GIN (document);
CREATE FUNCTION jobs_search_document(j jobs) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(to_tsvector('english', coalesce(j.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(j.category, '') || ' ' || coalesce(j.required_skills, '')), 'B')
        || setweight(to_tsvector('english', coalesce(j.company, '') || ' ' || coalesce(j.location, '')), 'C')
        || setweight(to_tsvector('english', coalesce(j.description, '')), 'D')
$$;
CREATE FUNCTION jobs_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs_search (job_id, document) VALUES (new.id, jobs_search_document(new))
    ON CONFLICT (job_id) DO UPDATE SET document = excluded.document;
    RETURN new;
END $$;
CREATE TRIGGER jobs_search_ai AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_search_sync();
CREATE TRIGGER jobs_search_au AFTER UPDATE OF title, company, category, location, required_skills, description
    ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_search_sync();
"""


@migration
def m310_tasks_queue(db: Database) -> None:
    """The worker's task queue (engine.tasks): a dedupe key is held by one queued-or-running task at a time
    (cleared when it ends; NULLs never collide), claims look for due rows by status and time."""
    execute_script(db, """
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',           -- JSON
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL DEFAULT 'queued',        -- queued | running | done | dead
    run_after TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,          -- claims so far
    max_attempts INTEGER,                         -- NULL: retried for good (periodic jobs)
    locked_by TEXT,                               -- the worker holding it while running
    lease_until TEXT,                             -- another worker may claim it after this
    last_error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX idx_tasks_due ON tasks(status, run_after);
""")


@migration
def m311_mail_outbox_claims(db: Database) -> None:
    """Outbox rows are claimed one at a time by whoever delivers (status 'sending' under a lease), carry one
    Message-ID for every attempt, and note when their SMTP transmission started, so after a crash the next
    deliverer knows whether the server may already have the message."""
    execute_script(db, """
ALTER TABLE outbox ADD COLUMN message_id TEXT;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
ALTER TABLE outbox ADD COLUMN send_started_at TEXT;
ALTER TABLE outbox ADD COLUMN unsure_resends INTEGER NOT NULL DEFAULT 0;  -- sent again though the server may have had it
""")


@migration
def m312_meetings_replica_peers(db: Database) -> None:
    """What a room shares across replicas (several server processes on one database): who has a camera
    live on which replica (room_peers), the SDP offers and answers that connect two replicas' media
    (rtc_signals, short-lived rows), and the latest shared-screen frame of each room (room_screens)."""
    execute_script(db, """
CREATE TABLE room_peers (
    interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    peer_key TEXT NOT NULL,                 -- '<user id>:<Streamlit session id>'
    replica_id TEXT NOT NULL,               -- the server process whose media relay holds the camera
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    track_id TEXT NOT NULL,                 -- the camera's output video track there (a restart changes it)
    last_seen TEXT NOT NULL,
    PRIMARY KEY (interview_id, peer_key)
);
CREATE TABLE rtc_signals (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL,
    peer_key TEXT NOT NULL,
    track_id TEXT NOT NULL,
    from_replica TEXT NOT NULL,
    to_replica TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('offer', 'answer', 'gone')),
    sdp TEXT,
    reply_to INTEGER,                       -- an answer's offer
    created_at TEXT NOT NULL
);
CREATE INDEX idx_rtc_signals_to ON rtc_signals(to_replica, id);
CREATE TABLE room_screens (
    interview_id INTEGER PRIMARY KEY REFERENCES interviews(id) ON DELETE CASCADE,
    frame BLOB NOT NULL,                    -- JPEG
    by_user INTEGER NOT NULL,
    name TEXT NOT NULL,
    at REAL NOT NULL                        -- epoch seconds: a frame is stale after a few seconds
);
""")


@migration
def m313_recsys_job_vectors(db: Database) -> None:
    """Job vectors live in the database (they lived in ``<data_dir>/index/embeddings.sqlite``), so every
    replica on one database shares them: a new replica loads its FAISS index without embedding, and a job
    one replica embedded is not embedded again by another. Vectors of an older data dir's file are taken
    over (``engine.recsys.index.import_legacy_vectors``)."""
    execute_script(db, """
CREATE TABLE job_vectors (
    job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    updated_at TEXT NOT NULL,                     -- the job's updated_at when it was embedded
    version TEXT NOT NULL,                        -- index.vector_version: encoder + job-text format
    vec BLOB NOT NULL                             -- float32 little-endian, L2-normalised
);
""")
    from engine.recsys.index import import_legacy_vectors

    import_legacy_vectors(db)


@migration
def m320_search_postgres_locations(db: Database) -> None:
    """PostgreSQL answers a location filter by the stored locations it names (``engine.jobs_search_postgres.
    matching_locations``): ``job_locations`` holds each distinct location (kept by a trigger; one no job
    uses any more only matches nothing), and ``idx_jobs_location`` finds those locations' jobs with every
    filter column, so counting them reads neither the wide job rows nor ``jobs_search``. Nothing on SQLite."""
    if not is_postgres(db):
        return
    db.execute(_POSTGRES_JOB_LOCATIONS)


_POSTGRES_JOB_LOCATIONS = """
CREATE TABLE job_locations (location TEXT PRIMARY KEY);
INSERT INTO job_locations (location) SELECT DISTINCT location FROM jobs;
CREATE FUNCTION job_locations_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_locations (location) VALUES (new.location) ON CONFLICT (location) DO NOTHING;
    RETURN new;
END $$;
CREATE TRIGGER job_locations_ai AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION job_locations_add();
CREATE TRIGGER job_locations_au AFTER UPDATE OF location ON jobs FOR EACH ROW EXECUTE FUNCTION job_locations_add();
CREATE INDEX idx_jobs_location ON jobs(location, status, created_date DESC, id DESC)
    INCLUDE (deadline, remote, salary_min, salary_max, category, company_id);
"""


@migration
def m321_search_postgres_covering_browse(db: Database) -> None:
    """PostgreSQL's browse indexes (m110) carry every filter column, as SQLite's do: a count or a walk in
    the sort's order that filters by deadline, category, remote, salary or location (and a keyword match
    paged newest first past COUNT_CAP) reads only the index, not each wide job row. Each is built under a
    new name, then takes the old one's place, so reads wait only for the swap. Nothing on SQLite."""
    if not is_postgres(db):
        return
    filters = "remote, salary_min, salary_max, location, company_id"
    for name, columns, included in (
            ("newest", "status, created_date DESC, id DESC", f"deadline, category, {filters}"),
            ("salary", "status, (COALESCE(salary_max, salary_min, 0)) DESC, id DESC",
             f"deadline, category, created_date, {filters}"),
            ("deadline", "status, (deadline IS NULL), deadline, id", f"category, created_date, {filters}"),
            ("category", "category, status, created_date DESC, id DESC", f"deadline, {filters}")):
        db.execute(f"CREATE INDEX idx_jobs_browse_{name}_new ON jobs({columns}) INCLUDE ({included})")
    for name in ("newest", "salary", "deadline", "category"):
        db.execute(f"DROP INDEX idx_jobs_browse_{name}")
        db.execute(f"ALTER INDEX idx_jobs_browse_{name}_new RENAME TO idx_jobs_browse_{name}")


@migration
def m322_search_postgres_filter_index(db: Database) -> None:
    """PostgreSQL's counterpart of SQLite's ``idx_jobs_filter`` (m110): keyword matches (``jobs_search``)
    join jobs by id through an index holding every filter and sort column, so checking a match's filters
    reads the narrow index instead of the wide job row. Nothing on SQLite."""
    if not is_postgres(db):
        return
    db.execute("CREATE INDEX idx_jobs_filter ON jobs(id) INCLUDE (status, deadline, created_date, category, remote, "
               "salary_min, salary_max, location, company_id)")


@migration
def m323_search_postgres_words(db: Database) -> None:
    """PostgreSQL looks a search's last word up as the stored words it is a prefix of (``engine.
    jobs_search_postgres.expanded``): ``search_words`` holds every word of the jobs' search documents, added
    by the document's trigger (a word no job uses any more only names nothing). "C" collation: a prefix is a
    range of its index. Nothing on SQLite."""
    if not is_postgres(db):
        return
    db.execute(_POSTGRES_SEARCH_WORDS)


_POSTGRES_SEARCH_WORDS = """
CREATE TABLE search_words (word TEXT COLLATE "C" PRIMARY KEY);
INSERT INTO search_words (word) SELECT word FROM ts_stat('SELECT document FROM jobs_search');
CREATE OR REPLACE FUNCTION jobs_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    doc tsvector := jobs_search_document(new);
BEGIN
    INSERT INTO jobs_search (job_id, document) VALUES (new.id, doc)
    ON CONFLICT (job_id) DO UPDATE SET document = excluded.document;
    -- in the lexemes' sorted order, so two jobs adding the same new words never wait on each other in turn
    INSERT INTO search_words (word) SELECT unnest(tsvector_to_array(doc)) ON CONFLICT (word) DO NOTHING;
    RETURN new;
END $$;
"""
