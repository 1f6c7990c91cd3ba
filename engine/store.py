"""The SQLite database: connection settings, schema migrations and transactions.

Every connection runs in autocommit mode with WAL journaling; writes that belong together go through
``transaction(db)``, which takes the write lock up front (BEGIN IMMEDIATE) so two writers queue instead of
deadlocking, and rolls everything back on error. sqlite-utils is used for reads and schema work; its own
write helpers commit on their own, so multi-row writes use ``insert_row``/``execute`` inside a transaction.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from engine import config

DB_FILENAME = "jobexpressway.db"
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def utcnow() -> str:
    """ISO-8601 UTC timestamp with seconds, the one time format stored in the database."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def db_path(data_dir: str | Path | None = None) -> Path:
    return config.data_dir(data_dir) / DB_FILENAME


def connect(data_dir: str | Path | None = None, *, migrate: bool = True) -> sqlite_utils.Database:
    """A new connection to the data dir's database (one per call or session: connections are not shared)."""
    path = db_path(data_dir)
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    _configure(db)
    if migrate and str(path) not in _migrated:
        with _migrate_lock:
            apply_migrations(db)
            _migrated.add(str(path))
    return db


def memory_db() -> sqlite_utils.Database:
    """An in-memory database with the full schema, for unit tests."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    _configure(db)
    apply_migrations(db)
    return db


def _configure(db: sqlite_utils.Database) -> None:
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA synchronous = NORMAL")


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """All writes inside commit together or not at all. Nested use joins the outer transaction."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def insert_row(db: sqlite_utils.Database, table: str, row: dict[str, Any]) -> int:
    """INSERT one row (lists/dicts stored as JSON) without committing; returns its rowid."""
    cols = list(row)
    values = [json.dumps(v) if isinstance(v, (list, dict)) else v for v in row.values()]
    sql = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' for _ in cols)})"
    return db.execute(sql, values).lastrowid


def update_row(db: sqlite_utils.Database, table: str, pk: Any, changes: dict[str, Any], pk_col: str = "id") -> None:
    if not changes:
        return
    values = [json.dumps(v) if isinstance(v, (list, dict)) else v for v in changes.values()]
    sets = ", ".join(f"[{c}] = ?" for c in changes)
    db.execute(f"UPDATE [{table}] SET {sets} WHERE [{pk_col}] = ?", [*values, pk])


def one(db: sqlite_utils.Database, sql: str, params: Any = ()) -> dict | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


# --- migrations ------------------------------------------------------------------------------------
# Append only: never edit a migration that has shipped. Each is tracked by name, so migrations added on
# different branches apply cleanly in list order.
Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {r["name"] for r in db.query("SELECT name FROM _migrations")}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with transaction(db):
            fn(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, utcnow()])
        applied.append(name)
    return applied


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    execute_script(db, _INITIAL_SCHEMA)


def execute_script(db: sqlite_utils.Database, script: str) -> None:
    """Run several statements inside the current transaction (sqlite3's executescript would commit first)."""
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


@migration
def m140_applications_outbox_retry(db: sqlite_utils.Database) -> None:
    """Delivery bookkeeping for the outbox: when the next try is due (backoff between runs) and when the
    last one happened; plus the indexes the recruiter and admin listings filter on."""
    db.execute("ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT")
    db.execute("ALTER TABLE outbox ADD COLUMN last_attempt_at TEXT")
    db.execute("CREATE INDEX idx_outbox_status ON outbox(status, next_attempt_at)")
    db.execute("CREATE INDEX idx_applications_job ON applications(job_id, status)")
    db.execute("CREATE INDEX idx_application_notes_app ON application_notes(application_id)")


@migration
def m130_recsys_jobs_updated_at(db: sqlite_utils.Database) -> None:
    # the job index syncs by "updated_at >= watermark" on every recommendation: keep that a seek, not a scan
    db.execute("CREATE INDEX IF NOT EXISTS idx_jobs_updated ON jobs(updated_at)")


@migration
def m110_jobs_search_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for job browsing (see bench/jobs.py). Each holds every filter column, so counting the
    matches and skipping rows for deep pages read only the small index, never the wide job rows; the
    leading columns give the sort orders ("newest", "salary", "deadline") without a sort step."""
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


@migration
def m111_jobs_visible_index(db: sqlite_utils.Database) -> None:
    """Counting every visible job (browsing without filters) reads the narrowest index."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_jobs_visible ON jobs(status, deadline)")


@migration
def m170_meetings_room_state(db: sqlite_utils.Database) -> None:
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
def m120_accounts_sign_in_failures(db: sqlite_utils.Database) -> None:
    """Failed sign-ins per email, so repeated guessing of one account's password is slowed down."""
    execute_script(db, """
CREATE TABLE sign_in_failures (
    email TEXT NOT NULL COLLATE NOCASE,
    at TEXT NOT NULL
);
CREATE INDEX idx_sign_in_failures_email ON sign_in_failures(email, at);
""")


@migration
def m231_authz_share_expiry(db: sqlite_utils.Database) -> None:
    """Resume share links expire. Links made before this run out 30 days from now, so none dies at once
    and none stays open for good."""
    db.execute("ALTER TABLE resume_shares ADD COLUMN expires_at TEXT")
    db.execute("UPDATE resume_shares SET expires_at = ? WHERE revoked_at IS NULL",
               [(datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)).isoformat()])


@migration
def m230_accounts_security(db: sqlite_utils.Database) -> None:
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
UPDATE sessions SET session_id = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX idx_sessions_id ON sessions(session_id);
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN rotated_at TEXT;    -- when the current token was issued
ALTER TABLE sessions ADD COLUMN previous_hash TEXT; -- the token before the last rotation, valid until previous_until
ALTER TABLE sessions ADD COLUMN previous_until TEXT;
-- sessions from before: rotated at their next visit; their idle clock starts now, so an upgrade signs no one out
UPDATE sessions SET rotated_at = created_at, last_seen_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now');
CREATE INDEX idx_sessions_user ON sessions(user_id);
CREATE INDEX idx_sessions_previous ON sessions(previous_hash);
""")


@migration
def m236_meetings_invitation_outbox(db: sqlite_utils.Database) -> None:
    """Which outbox email carried an interview's invitation, so the recruiter sees it queued, then sent."""
    db.execute("ALTER TABLE interviews ADD COLUMN invitation_outbox_id INTEGER REFERENCES outbox(id)")


@migration
def m236_vocab_categories_education(db: sqlite_utils.Database) -> None:
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
def m260_accountability_records(db: sqlite_utils.Database) -> None:
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
CREATE TRIGGER decision_records_no_update BEFORE UPDATE ON decision_records BEGIN
    SELECT RAISE(ABORT, 'decision records are append-only');
END;
CREATE TRIGGER decision_records_kept BEFORE DELETE ON decision_records
WHEN old.at > strftime('%Y-%m-%dT%H:%M:%S', 'now', '-180 days') BEGIN
    SELECT RAISE(ABORT, 'decision records are kept at least 180 days');
END;
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


@migration
def m230_occupations_jobs(db: sqlite_utils.Database) -> None:
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
