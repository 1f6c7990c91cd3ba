import pytest

from engine.authz import NotFound
from engine.resume import repository as repo
from engine.resume import share
from engine.resume.samples import sample_resume
from resume_helpers import add_user


def test_share_is_pinned_to_the_version_and_stored_hashed(db, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://jobs.example.org/")
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", "classic", sample_resume())
    token = share.create_share(db, me, stored.id)
    assert len(token) >= 43
    assert share.share_url(token) == f"https://jobs.example.org/resume_share?token={token}"
    rows = list(db.query("SELECT token_hash FROM resume_shares"))
    assert rows and token not in str(rows)
    changed = stored.resume
    changed.summary = "Edited after sharing"
    repo.save_resume(db, me, stored.id, changed, template="compact")
    shared = share.resolve_share(db, token)
    assert shared.resume.summary == sample_resume().summary and shared.template == "classic"


def test_revoked_forged_and_unknown_tokens_are_not_found(db):
    me, eve = add_user(db), add_user(db, "Eve", "eve@example.com")
    stored = repo.create_resume(db, me, "CV", resume=sample_resume())
    token = share.create_share(db, me, stored.id)
    for bad in ("", "forged", token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 500):
        with pytest.raises(NotFound, match="not found"):
            share.resolve_share(db, bad)
    with pytest.raises(NotFound):
        share.create_share(db, eve, stored.id)
    with pytest.raises(NotFound):
        share.revoke_share(db, eve, stored.id, token)
    assert share.resolve_share(db, token).title == "CV"   # Eve's attempt changed nothing
    listed = share.list_shares(db, me, stored.id)
    share.revoke_share(db, me, stored.id, listed[0].token_hash)
    with pytest.raises(NotFound, match="not found"):
        share.resolve_share(db, token)
    with pytest.raises(NotFound):
        share.revoke_share(db, me, stored.id, token)   # already revoked
