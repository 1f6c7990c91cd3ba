"""The database layer: migrations, transactions, constraints. Every test but the SQLite pragmas holds on both
databases (run with JOBEXPRESSWAY_TEST_POSTGRES for PostgreSQL)."""
import sqlite3
import threading
import time

import psycopg
import pytest

from engine import store

INTEGRITY_ERRORS = (sqlite3.IntegrityError, psycopg.IntegrityError)


def test_migrations_apply_once(tmp_path):
    db = store.connect(tmp_path)
    names = [r["name"] for r in db.query("SELECT name FROM _migrations")]
    assert sorted(names) == sorted(name for name, _ in store.MIGRATIONS) and len(names) == len(set(names))
    assert store.apply_migrations(db) == []


@pytest.mark.sqlite_only
def test_wal_and_foreign_keys(tmp_path):
    db = store.connect(tmp_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_transaction_rolls_back_everything_on_error(tmp_path):
    db = store.connect(tmp_path)
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            store.insert_row(db, "companies", {"name": "Acme", "created_at": store.utcnow()})
            raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM companies").fetchone()[0] == 0


def test_nested_transaction_joins_outer(tmp_path):
    db = store.connect(tmp_path)
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            with store.transaction(db):
                store.insert_row(db, "companies", {"name": "Acme", "created_at": store.utcnow()})
            raise RuntimeError("outer fails after inner finished")
    assert db.execute("SELECT count(*) FROM companies").fetchone()[0] == 0


def test_a_failing_statement_rolls_back_the_writes_before_it(tmp_path):
    db = store.connect(tmp_path)
    with pytest.raises(INTEGRITY_ERRORS):
        with store.transaction(db):
            store.insert_row(db, "companies", {"name": "Acme", "created_at": store.utcnow()})
            store.insert_row(db, "users", {"email": "a@x.com", "password_hash": "!", "role": "pirate", "name": "A",
                                           "created_at": store.utcnow(), "updated_at": store.utcnow()})
    assert not db.in_transaction
    assert db.execute("SELECT count(*) FROM companies").fetchone()[0] == 0
    with store.transaction(db):   # the connection is usable again
        store.insert_row(db, "companies", {"name": "Beta", "created_at": store.utcnow()})
    assert [r["name"] for r in db.query("SELECT name FROM companies")] == ["Beta"]


def test_foreign_keys_are_enforced(tmp_path):
    db = store.connect(tmp_path)
    with pytest.raises(INTEGRITY_ERRORS):
        with store.transaction(db):
            store.insert_row(db, "users", {"email": "a@x.com", "password_hash": "!", "role": "recruiter", "name": "A",
                                           "company_id": 999, "created_at": store.utcnow(), "updated_at": store.utcnow()})


def test_two_connections_transactions_queue(tmp_path):
    """The second writer waits for the first's write lock, then sees its committed row."""
    first, second = store.connect(tmp_path), store.connect(tmp_path)
    entered, seen = threading.Event(), []

    def write_after_first():
        with store.transaction(second):
            entered.set()
            seen.append(second.execute("SELECT count(*) FROM companies").fetchone()[0])
            store.insert_row(second, "companies", {"name": "Second", "created_at": store.utcnow()})

    with store.transaction(first):
        store.insert_row(first, "companies", {"name": "First", "created_at": store.utcnow()})
        waiter = threading.Thread(target=write_after_first)
        waiter.start()
        assert not entered.wait(1.0), "the second transaction began while the first held the write lock"
    waiter.join(timeout=30)
    assert not waiter.is_alive() and entered.is_set()
    assert seen == [1]
    assert [r["name"] for r in first.query("SELECT name FROM companies ORDER BY id")] == ["First", "Second"]
    first.close()
    second.close()


def test_email_is_unique_without_regard_to_case(tmp_path):
    db = store.connect(tmp_path)
    user = {"password_hash": "!", "role": "candidate", "name": "A", "created_at": store.utcnow(),
            "updated_at": store.utcnow()}
    with store.transaction(db):
        store.insert_row(db, "users", {"email": "a@x.com", **user})
    with pytest.raises(INTEGRITY_ERRORS):
        with store.transaction(db):
            store.insert_row(db, "users", {"email": "A@x.com", **user})
    assert store.one(db, "SELECT email FROM users WHERE email = ? COLLATE NOCASE", ["A@X.COM"]) == {"email": "a@x.com"}


def test_insert_row_returns_the_new_id(tmp_path):
    db = store.connect(tmp_path)
    with store.transaction(db):
        first = store.insert_row(db, "companies", {"name": "Acme", "created_at": store.utcnow()})
        second = store.insert_row(db, "companies", {"name": "Beta", "created_at": store.utcnow()})
    assert isinstance(first, int) and isinstance(second, int) and first != second
    assert store.one(db, "SELECT name FROM companies WHERE id = ?", [second]) == {"name": "Beta"}
