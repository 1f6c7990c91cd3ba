import pytest

from engine import store


def test_migrations_apply_once(tmp_path):
    db = store.connect(tmp_path)
    names = [r["name"] for r in db.query("SELECT name FROM _migrations ORDER BY rowid")]
    assert names == [name for name, _ in store.MIGRATIONS]
    assert store.apply_migrations(db) == []


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
