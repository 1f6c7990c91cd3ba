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
MIN_SECRET_CHARS = 16      # an empty or short key would let anyone forge a link


class SecretUnusable(RuntimeError):
    """The signing key is empty or too short: links are neither made nor accepted until it is fixed."""


def secret() -> bytes:
    env = os.environ.get("COACH_SECRET")
    if env:
        return _checked(env, "COACH_SECRET")
    path = config.data_dir() / SECRET_FILE
    if not path.exists():
        # Written whole under a temporary name, then linked into place: a second process either wins the
        # link or reads the finished key, never an empty file half-way through being written.
        tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return _checked(path.read_text(), f"the data folder's {SECRET_FILE} file")   # no server path on a page


def _checked(key: str, where: str) -> bytes:
    key = key.strip()
    if len(key) < MIN_SECRET_CHARS:
        raise SecretUnusable(f"The coach's signing key in {where} is {'empty' if not key else 'too short'} "
                             f"(at least {MIN_SECRET_CHARS} characters). Set COACH_SECRET, or delete the file "
                             f"to have a new key generated.")
    return key.encode()


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
    try:
        expected = _mac(user_id, exp)
    except SecretUnusable:
        return None   # no usable key: no link is valid
    return user_id if hmac.compare_digest(sig, expected) else None
