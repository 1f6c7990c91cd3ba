"""Signing in and out in the Streamlit app, and keeping the user signed in across page reloads.

Streamlit can read the cookies of the page request (``st.context.cookies``) but has no call to write one, so
after sign-in a tiny script run through ``st.html(..., unsafe_allow_javascript=True)`` (not iframed: it runs
in the app's own page) sets ``jx_session`` with SameSite=Strict for 14 days. On the next load the frame
reads it, and ``engine.accounts.actor_for_session`` turns it back into the user. Only the token's sha256
is in the database; signing out deletes that row and the cookie.

Google sign-in (``st.login``) is offered only when ``.streamlit/secrets.toml`` has an ``[auth]`` section.
"""
from __future__ import annotations

import re

import streamlit as st

from engine import accounts, store
from engine.authz import Actor
from ui.session import current_actor, db, set_actor
from ui.text import safe

SESSION_COOKIE = "jx_session"
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")  # token_urlsafe output: safe inside a cookie and a JS string


@st.cache_resource(show_spinner=False)
def _bootstrap(db_file: str) -> list[str]:
    messages = accounts.ensure_bootstrap_accounts(store.connect())
    for message in messages:  # the generated admin password appears here, in the server's console, once
        print(f"[JobExpressway] {message}", flush=True)
    return messages


def bootstrap_accounts_once() -> None:
    """Admin and demo accounts exist before anyone signs in (once per database file and server process)."""
    _bootstrap(str(store.db_path()))


# --- cookie ----------------------------------------------------------------------------------------
def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # no browser request behind this run (bare mode)
        return None
    return token if isinstance(token, str) and _TOKEN_SHAPE.match(token) else None


def render_cookie_sync() -> None:
    """Write or clear the session cookie in the browser to match this session (idempotent each run)."""
    token = st.session_state.get("session_token")
    if current_actor() is not None and token and _TOKEN_SHAPE.match(token):
        value, max_age = token, accounts.SESSION_DAYS * 86400
    elif _cookie_token():
        value, max_age = "", 0
    else:
        return
    st.html(
        "<script>(function(){var s=location.protocol==='https:'?'; Secure':'';"
        f"document.cookie='{SESSION_COOKIE}={value}; Max-Age={max_age}; Path=/; SameSite=Strict'+s;}})();</script>",
        unsafe_allow_javascript=True,
    )


# --- Google (OIDC) -------------------------------------------------------------------------------
def oidc_provider() -> tuple[bool, str | None]:
    """(configured, provider name for st.login). No secrets file at all simply means not configured."""
    try:
        auth = st.secrets["auth"]
    except Exception:
        return False, None
    return True, ("google" if "google" in auth else None)


def google_sign_in_button() -> None:
    configured, provider = oidc_provider()
    if configured:
        st.button("Continue with Google", icon=":material/account_circle:", on_click=st.login, args=(provider,),
                  width="stretch", key="google_sign_in")


def _google_user() -> tuple[str, str] | None:
    if not oidc_provider()[0]:
        return None
    try:
        if st.user.is_logged_in and st.user.get("email"):
            return str(st.user.get("email")), str(st.user.get("name") or "")
    except Exception:
        return None
    return None


# --- session ---------------------------------------------------------------------------------------
def sign_in(conn, actor: Actor) -> None:
    """Start a persistent session for this user in this browser."""
    st.session_state["session_token"] = accounts.create_session(conn, actor.user_id)
    set_actor(actor)


def sign_out(conn) -> None:
    accounts.end_session(conn, st.session_state.pop("session_token", None))
    set_actor(None)
    st.session_state["signed_out"] = True  # do not sign straight back in through Google in this session
    if _google_user():
        st.logout()


def restore_session(conn) -> Actor | None:
    """Who is signed in for this run: the session token is re-checked every run, so an ended, expired or
    changed account takes effect at once; otherwise the browser's cookie, then a Google identity."""
    token = st.session_state.get("session_token")
    if token:
        actor = accounts.actor_for_session(conn, token)
        if actor is None:
            st.session_state.pop("session_token", None)
        set_actor(actor)
        return actor
    if current_actor() is not None:  # set directly (tests, or an older session without a token)
        return current_actor()
    cookie = _cookie_token()
    if cookie and (actor := accounts.actor_for_session(conn, cookie)):
        st.session_state["session_token"] = cookie
        set_actor(actor)
        return actor
    google = _google_user()
    if google and not st.session_state.get("signed_out"):
        actor = accounts.actor_for_external_identity(conn, *google)
        sign_in(conn, actor)
        return actor
    return None


def render_account_box() -> None:
    """Sidebar: who is signed in and a sign-out button (guests have "Sign in" in the menu)."""
    actor = current_actor()
    if actor is None:
        return
    with st.sidebar:
        st.markdown(f"**{safe(actor.name)}**  \n{safe(actor.email)}")
        st.caption(f"Signed in as {actor.role}")
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            sign_out(db())
            st.switch_page("pages/home.py")
