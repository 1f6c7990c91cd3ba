"""Signed coach links: valid, tampered, expired, malformed; the secret is generated once, privately."""
from __future__ import annotations

import stat

from engine.coach import identity


def test_a_signed_link_identifies_its_user(data_dir, monkeypatch):
    monkeypatch.delenv("COACH_SECRET", raising=False)
    params = identity.sign(42)
    assert identity.verify(params) == 42
    secret_file = data_dir / identity.SECRET_FILE
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert identity.secret() == secret_file.read_text().strip().encode()   # stable across calls


def test_tampered_expired_and_malformed_links_are_refused(data_dir, monkeypatch):
    monkeypatch.setenv("COACH_SECRET", "s3cret-of-twenty-chars")
    params = identity.sign(7, now=1_000_000)
    assert identity.verify(params, now=1_000_000 + 60) == 7
    assert identity.verify({**params, "user": "8"}, now=1_000_060) is None
    assert identity.verify(params, now=1_000_000 + identity.TTL_SECONDS + 1) is None
    assert identity.verify({"user": "x", "exp": "1", "sig": "a"}) is None
    assert identity.verify({}) is None and identity.verify(None) is None
    monkeypatch.setenv("COACH_SECRET", "another-key-of-20-chars")
    assert identity.verify(params, now=1_000_060) is None
    assert "sig=" in identity.signed_query(3)


def test_an_empty_or_short_secret_is_refused(data_dir, monkeypatch):
    """An empty coach_secret file made every link verify with an empty key: anyone could sign one."""
    import hashlib
    import hmac
    import time

    import pytest

    monkeypatch.delenv("COACH_SECRET", raising=False)
    (data_dir / identity.SECRET_FILE).write_text("\n")
    exp = int(time.time()) + 60
    forged = {"user": "1", "exp": str(exp), "sig": hmac.new(b"", f"coach:1:{exp}".encode(), hashlib.sha256).hexdigest()}
    assert identity.verify(forged) is None
    with pytest.raises(identity.SecretUnusable, match="empty"):
        identity.sign(1)
    monkeypatch.setenv("COACH_SECRET", "short")
    with pytest.raises(identity.SecretUnusable, match="too short"):
        identity.sign(1)
