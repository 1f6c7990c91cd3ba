"""Resume share links expire: the owner picks how long (default 30 days), an expired link says so, and
links made before expiry existed were given one by the migration."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine import store
from engine.resume import repository as repo
from engine.resume import share
from engine.resume.samples import sample_resume
from resume_helpers import add_user

ROOT = Path(__file__).resolve().parent.parent


def _row(db) -> dict:
    return store.one(db, "SELECT * FROM resume_shares")


def _age(db, days: int) -> None:
    """Move the link's expiry as if ``days`` days had passed."""
    row = _row(db)
    earlier = datetime.fromisoformat(row["expires_at"]) - timedelta(days=days)
    db.execute("UPDATE resume_shares SET expires_at = ?", [earlier.isoformat()])


@pytest.fixture
def mine(db):
    me = add_user(db)
    return me, repo.create_resume(db, me, "CV", resume=sample_resume()).id


def test_link_lives_30_days_by_default_then_says_it_expired(db, mine):
    me, rid = mine
    token = share.create_share(db, me, rid)
    row = _row(db)
    lifetime = datetime.fromisoformat(row["expires_at"]) - datetime.fromisoformat(row["created_at"])
    assert lifetime == timedelta(days=30)
    _age(db, 29)
    assert share.resolve_share(db, token).title == "CV"
    _age(db, 1)
    with pytest.raises(share.ShareExpired, match=r"expired on \d{4}-\d{2}-\d{2}\. Ask the resume's owner"):
        share.resolve_share(db, token)
    assert share.list_shares(db, me, rid)[0].expired()


@pytest.mark.parametrize("days", [7, 90, 365])
def test_owner_chooses_the_lifetime(db, mine, days):
    me, rid = mine
    share.create_share(db, me, rid, days)
    row = _row(db)
    assert datetime.fromisoformat(row["expires_at"]) - datetime.fromisoformat(row["created_at"]) == timedelta(days=days)


@pytest.mark.parametrize("days", [0, -1, 366, 10**9, "30", 2.5, True, None])
def test_lifetime_out_of_range_or_not_a_number_is_refused(db, mine, days):
    me, rid = mine
    with pytest.raises(ValueError, match="between 1 and 365 days"):
        share.create_share(db, me, rid, days)
    assert _row(db) is None


def test_migration_gives_old_links_an_expiry_and_leaves_revoked_ones(db, mine):
    me, rid = mine
    share.create_share(db, me, rid)
    revoked = share.create_share(db, me, rid)
    share.revoke_share(db, me, rid, revoked)
    db.execute("ALTER TABLE resume_shares DROP COLUMN expires_at")   # as before the migration
    db.execute("DELETE FROM _migrations WHERE name = 'm231_authz_share_expiry'")
    assert store.apply_migrations(db) == ["m231_authz_share_expiry"]
    rows = {r["revoked_at"] is None: r["expires_at"] for r in db.query("SELECT * FROM resume_shares")}
    assert rows[False] is None
    left = datetime.fromisoformat(rows[True]) - datetime.now(timezone.utc)
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)


def test_expired_link_page_says_when_and_shows_nothing(db, mine):
    me, rid = mine
    token = share.create_share(db, me, rid, 7)
    _age(db, 8)
    at = AppTest.from_file(str(ROOT / "pages/resume_share.py"), default_timeout=60)
    at.query_params["token"] = token
    at.run()
    assert not at.exception
    assert "expired on" in at.error[0].value and not at.get("download_button") and not at.get("image")


def test_builder_makes_a_link_with_the_chosen_lifetime(db, mine):
    me, rid = mine
    at = AppTest.from_file(str(ROOT / "pages/resume_builder.py"), default_timeout=60)
    at.session_state["actor"] = me
    at.run()
    at.selectbox(key="resume_share_days").select(7)
    next(b for b in at.button if b.key == "resume_share_create").click()
    at.run()
    assert not at.exception
    row = _row(db)
    assert datetime.fromisoformat(row["expires_at"]) - datetime.fromisoformat(row["created_at"]) == timedelta(days=7)
    assert any("active until" in str(m.value) for m in at.markdown)
