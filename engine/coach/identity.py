"""Who is using the coach when the Streamlit page embeds the Gradio app: a signed, short-lived link.

The page adds ``?user=<id>&exp=<unix time>&sig=<hmac>`` to the iframe URL; the Gradio app checks the HMAC
(SHA-256, secret from env COACH_SECRET or generated once into the data dir) and the expiry when it loads,
then keeps the user id for that browser session. Without a valid link the coach works anonymously and
reports are not saved.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from urllib.parse import urlencode

from engine import config

TTL_SECONDS = 15 * 60      # only needs to outlive the page load that renders the iframe
SECRET_FILE = "coach_secret"


def secret() -> bytes:
    env = os.environ.get("COACH_SECRET")
    if env:
        return env.encode()
    path = config.data_dir() / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)   # exclusive: two processes agree
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
    return path.read_text().strip().encode()


def _mac(user_id: int, exp: int) -> str:
    return hmac.new(secret(), f"coach:{user_id}:{exp}".encode(), hashlib.sha256).hexdigest()


def sign(user_id: int, ttl: int = TTL_SECONDS, now: float | None = None) -> dict[str, str]:
    exp = int((now or time.time()) + ttl)
    return {"user": str(int(user_id)), "exp": str(exp), "sig": _mac(int(user_id), exp)}


def signed_query(user_id: int) -> str:
    return urlencode(sign(user_id))


def verify(params: dict | None, now: float | None = None) -> int | None:
    """The user id of a valid, unexpired link; None otherwise (never raises on bad input)."""
    try:
        user_id, exp, sig = int(params["user"]), int(params["exp"]), str(params["sig"])
    except (KeyError, TypeError, ValueError):
        return None
    if exp < (now or time.time()) or exp > (now or time.time()) + 24 * 3600:
        return None
    return user_id if hmac.compare_digest(sig, _mac(user_id, exp)) else None
