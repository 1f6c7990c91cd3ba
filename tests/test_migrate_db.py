"""`python -m engine migrate-db`: a SQLite deployment copied into a real PostgreSQL database, verified row by
row. The copy tests need a PostgreSQL server (JOBEXPRESSWAY_TEST_POSTGRES, as `make test-postgres` sets);
the checksum and ordering tests run everywhere."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from applications_fixtures import World, make_resume, pdf_bytes
from engine import migrate_db, store
from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("JOBEXPRESSWAY_TEST_POSTGRES", "").strip()
needs_postgres = pytest.mark.skipif(not SERVER, reason="needs a PostgreSQL server (JOBEXPRESSWAY_TEST_POSTGRES)")


def _url(dbname: str) -> str:
    return urlunsplit(urlsplit(SERVER)._replace(path="/" + dbname))


@pytest.fixture
def empty_target():
    """A new, empty (unmigrated) PostgreSQL database: migrate-db migrates it itself."""
    import psycopg

    name = "mig_" + uuid.uuid4().hex[:12]
    admin = psycopg.connect(_url("postgres"), autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    yield _url(name)
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def sqlite_deployment(data_dir, monkeypatch):
    """A SQLite data dir with a bit of everything: companies, users, jobs, resumes with versions, an
    application with a builder resume and one with an uploaded PDF (events, messages, outbox), status
    changes and AI outputs in the append-only decision log, saved jobs."""
    from engine import applications, decisions

    monkeypatch.delenv("DATABASE_URL", raising=False)   # the source is SQLite even in the PostgreSQL run
    db = store.connect(data_dir)
    world = World(db)
    resume_id, _ = make_resume(db, world.cand.user_id, "Ünïcode résumé — 2026")
    first = applications.apply(db, world.cand, world.job_a, resume_id=resume_id, cover_letter="Hello\nthere")
    applications.apply(db, world.cand2, world.job_a, pdf_bytes=pdf_bytes(), pdf_name="cv.pdf")
    applications.change_status(db, world.rec_a, first["id"], "under_review", note="looks good")
    with store.transaction(db):
        decisions.record_ai(db, "fit_score", model="fit", model_version="v1", input_hash="ab" * 32,
                            output={"score": 0.8125}, shown_to=world.rec_a.user_id, job_id=world.job_a,
                            application_id=first["id"], candidate_id=world.cand.user_id)
        db.execute("UPDATE applications SET fit_score = ? WHERE id = ?", [0.1 + 0.2, first["id"]])
        db.execute("INSERT INTO saved_jobs (user_id, job_id, saved_at) VALUES (?, ?, ?)",
                   [world.cand2.user_id, world.job_b, store.utcnow()])
    db.close()
    return data_dir


def _counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in ("users", "jobs", "applications", "application_events", "job_events", "decision_records",
                          "resumes", "resume_versions", "messages", "outbox", "saved_jobs", "jobs_search")}


@needs_postgres
def test_copy_matches_row_for_row_and_the_target_works(sqlite_deployment, empty_target, monkeypatch):
    report = migrate_db.migrate(sqlite_deployment, empty_target)

    assert report.ok, [t for t in report.tables if not t.matches]
    by_table = {t.table: t for t in report.tables}
    for table in ("users", "jobs", "applications", "application_events", "decision_records", "resumes",
                  "resume_versions", "messages", "outbox", "job_events", "saved_jobs"):
        assert by_table[table].source_rows > 0, table
        assert by_table[table].target_rows == by_table[table].source_rows
        assert by_table[table].target_checksum == by_table[table].source_checksum
    assert not any(t.startswith("jobs_fts") or t == "_migrations" for t in by_table)
    assert report.search_documents == report.jobs == by_table["jobs"].source_rows

    # the copy is a working deployment: new rows get fresh ids past the copied ones, search finds jobs
    monkeypatch.setenv("DATABASE_URL", empty_target)
    target = store.connect(sqlite_deployment)
    assert store.is_postgres(target)
    users_before = by_table["users"].source_rows
    now = store.utcnow()
    new_id = store.insert_row(target, "users", {"email": "New@Example.test", "password_hash": "x", "role": "candidate",
                                                "name": "New", "created_at": now, "updated_at": now})
    assert new_id > users_before
    assert store.one(target, "SELECT id FROM users WHERE email = ?", ["jose@CAND.test"]) is not None   # citext
    hits = target.execute("SELECT count(*) FROM jobs_search "
                          "WHERE document @@ plainto_tsquery('english', 'nurse')").fetchone()[0]
    assert hits == 1
    app = store.one(target, "SELECT fit_score, cover_letter FROM applications WHERE cover_letter IS NOT NULL")
    assert app == {"fit_score": 0.1 + 0.2, "cover_letter": "Hello\nthere"}
    target.close()


@needs_postgres
def test_a_rerun_refuses_a_filled_target_and_resume_completes_an_interrupted_copy(sqlite_deployment, empty_target,
                                                                                 capsys):
    assert main(["migrate-db", "--data-dir", str(sqlite_deployment), "--to", empty_target, "--quiet"]) == 0
    before = _counts(empty_target)

    assert main(["migrate-db", "--data-dir", str(sqlite_deployment), "--to", empty_target, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "already holds data" in err and "--resume" in err
    assert _counts(empty_target) == before   # nothing written twice

    # an interrupted copy: the last applications' rows and everything hanging off them are missing
    import psycopg

    with psycopg.connect(empty_target, autocommit=True) as conn:
        last = conn.execute("SELECT max(id) FROM applications").fetchone()[0]
        for table in ("application_events", "messages"):
            conn.execute(f"DELETE FROM {table} WHERE application_id = %s", [last])
        conn.execute("DELETE FROM applications WHERE id = %s", [last])
    assert _counts(empty_target) != before

    assert main(["migrate-db", "--data-dir", str(sqlite_deployment), "--to", empty_target, "--quiet", "--resume"]) == 0
    assert _counts(empty_target) == before
    assert "verified" in capsys.readouterr().out


@needs_postgres
def test_resume_onto_a_target_that_changed_is_reported_not_hidden(sqlite_deployment, empty_target, capsys):
    assert main(["migrate-db", "--data-dir", str(sqlite_deployment), "--to", empty_target, "--quiet"]) == 0
    import psycopg

    with psycopg.connect(empty_target, autocommit=True) as conn:
        conn.execute("UPDATE jobs SET title = 'Changed since' WHERE id = 1")
    capsys.readouterr()
    assert main(["migrate-db", "--data-dir", str(sqlite_deployment), "--to", empty_target, "--quiet", "--resume"]) == 1
    out = capsys.readouterr().out
    assert "NOT verified" in out
    assert [line.split()[0] for line in out.splitlines() if "MISMATCH" in line] == ["jobs"]


def test_a_bad_url_or_a_missing_database_is_a_clear_message_and_exit_code_2(data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    store.connect(data_dir).close()

    # the real command line once: the exit code a shell sees
    wrong_scheme = subprocess.run([sys.executable, "-m", "engine", "migrate-db", "--data-dir", str(data_dir), "--to",
                                   "mysql://root@localhost/jobs"], cwd=ROOT, env=dict(os.environ),
                                  capture_output=True, text=True, timeout=120)
    assert wrong_scheme.returncode == 2
    assert "--to must be a postgresql:// URL" in wrong_scheme.stderr and "Traceback" not in wrong_scheme.stderr

    nowhere = f"postgresql://nobody:secret@/jobexpressway?host={tmp_path}/no-server&port=5999"
    assert main(["migrate-db", "--data-dir", str(data_dir), "--to", nowhere, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect to PostgreSQL database jobexpressway" in err and "secret" not in err

    assert main(["migrate-db", "--data-dir", str(tmp_path / "empty"), "--to", "postgresql://x@/y", "--quiet"]) == 2
    assert "There is no SQLite database at" in capsys.readouterr().err


def test_checksum_does_not_depend_on_row_order_and_tells_values_apart():
    rows = [(1, "a", None), (2, "b", 1.5), (3, b"\x00\x01", 0)]
    assert migrate_db.checksum(rows) == migrate_db.checksum(list(reversed(rows)))
    count, digest = migrate_db.checksum(rows)
    assert count == 3
    assert digest != migrate_db.checksum([(1, "a", None), (2, "b", 1.5), (3, b"\x00\x01", 1)])[1]
    assert digest != migrate_db.checksum([(1, "a", ""), (2, "b", 1.5), (3, b"\x00\x01", 0)])[1]   # NULL is not ''
    assert migrate_db.checksum([(1, "x"), (1, "x")])[1] != migrate_db.checksum([])[1]   # duplicates do not cancel


def test_tables_are_copied_after_the_tables_they_reference(data_dir, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    store.connect(data_dir).close()
    source = migrate_db.open_source(data_dir)
    order = migrate_db.copied_tables(source)
    for table in order:
        for ref in {r[2] for r in source.execute(f"PRAGMA foreign_key_list([{table}])").fetchall()} - {table}:
            assert order.index(ref) < order.index(table), (ref, table)
    assert "users" in order and "decision_records" in order
    assert not [t for t in order if t.startswith("jobs_fts") or t == "_migrations"]
    source.close()
