"""Signing in and out in the Streamlit app, and keeping the user signed in across page reloads.

Streamlit can read the cookies of the page request (``st.context.cookies``) but a page has no way to send a
``Set-Cookie`` header, so the cookie cannot be HttpOnly: after sign-in a tiny script run through
``st.html(..., unsafe_allow_javascript=True)`` (not iframed: it runs in the app's own page) sets
``jx_session`` (SameSite=Strict, Secure over https). What limits a stolen cookie is on the server side
(docs/security.md, "Accounts and sign-in"): only the token's sha256 is in the database; a session ends after
7 days, or 2 days unused; a browser coming back with a token older than an hour gets a new one (the old one
works one more minute); sign-out, a password change and "sign out everywhere" delete the session rows.
A page run keeps only the session's id (never sent to the browser) and re-checks it every run.

Google sign-in (``st.login``) is offered only when ``.streamlit/secrets.toml`` has an ``[auth]`` section.
"""
from __future__ import annotations

import os
import re

import streamlit as st

from engine import accounts, sign_in_sessions, sign_in_throttle, store
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
    """The admin (demo accounts only when asked for) exists before anyone signs in (once per database file
    and server process); leftover demo accounts are warned about, or locked on a public deployment."""
    _bootstrap(str(store.db_path()))


# --- cookie ----------------------------------------------------------------------------------------
def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # no browser request behind this run (bare mode)
        return None
    return token if isinstance(token, str) and _TOKEN_SHAPE.match(token) else None


def _write_cookie(value: str, max_age: int) -> None:
    st.html(
        "<script>(function(){var s=location.protocol==='https:'?'; Secure':'';"
        f"document.cookie='{SESSION_COOKIE}={value}; Max-Age={max_age}; Path=/; SameSite=Strict'+s;}})();</script>",
        unsafe_allow_javascript=True,
    )


def render_cookie_sync(conn) -> None:
    """Write this tab's session token into the browser while it is the session's current one (so a tab
    holding a token rotated since then never puts it back), or clear a cookie when signed out."""
    token = st.session_state.get("session_token")
    session_id = st.session_state.get("session_id")
    if current_actor() is not None and token and _TOKEN_SHAPE.match(token):
        if session_id and sign_in_sessions.session_id_for_token(conn, token) == session_id:
            _write_cookie(token, sign_in_sessions.SESSION_DAYS * 86400)
    elif current_actor() is None and _cookie_token():
        _write_cookie("", 0)


def client_key() -> str:
    """Who is signing in, for the sign-in throttle: the IP address of the WebSocket (Streamlit reports None
    for localhost). Behind a reverse proxy (a Space, nginx) set JOBEXPRESSWAY_TRUSTED_PROXIES to the number
    of proxies in front, so the client's own address is read from X-Forwarded-For instead."""
    try:
        hops = max(0, int(os.environ.get("JOBEXPRESSWAY_TRUSTED_PROXIES", "0")))
    except ValueError:
        hops = 0
    try:
        peer, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    except Exception:  # no browser request behind this run (bare mode)
        peer, forwarded = None, None
    return sign_in_throttle.client_address(peer if isinstance(peer, str) else None,
                                           forwarded if isinstance(forwarded, str) else None, hops)


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
    """(email, name) of the identity provider's user, only when it says the email is verified (Google sends
    ``email_verified``; an identity without that claim is not taken as proof of the address)."""
    if not oidc_provider()[0]:
        return None
    try:
        if st.user.is_logged_in and st.user.get("email") and st.user.get("email_verified") is True:
            return str(st.user.get("email")), str(st.user.get("name") or "")
    except Exception:
        return None
    return None


# --- session ---------------------------------------------------------------------------------------
def _hold(conn, session_id: str | None, actor: Actor | None) -> None:
    if session_id:
        st.session_state["session_id"] = session_id
    else:
        st.session_state.pop("session_id", None)
    set_actor(actor)


def sign_in(conn, actor: Actor) -> None:
    """Start a persistent session for this user in this browser."""
    token = sign_in_sessions.create_session(conn, actor.user_id)
    st.session_state["session_token"] = token
    _hold(conn, sign_in_sessions.session_id_for_token(conn, token), actor)


def sign_out(conn) -> None:
    """End this session in the database (its cookie opens nothing any more) and clear the cookie."""
    sign_in_sessions.end_session(conn, session_id=st.session_state.get("session_id"))
    _hold(conn, None, None)
    st.session_state.pop("session_token", None)
    st.session_state["signed_out"] = True  # do not sign straight back in through Google in this session
    if _google_user():
        st.logout()


def restore_session(conn) -> Actor | None:
    """Who is signed in for this run: the session is re-checked every run, so an ended, expired or changed
    account takes effect at once; otherwise the browser's cookie, then a Google identity."""
    if session_id := st.session_state.get("session_id"):
        actor = sign_in_sessions.actor_for_session_id(conn, session_id)
        _hold(conn, session_id if actor else None, actor)
        if actor is None:
            st.session_state.pop("session_token", None)
        return actor
    if current_actor() is not None:  # set directly (tests)
        return current_actor()
    cookie = st.session_state.get("session_token") or _cookie_token()
    if cookie and not st.session_state.get("signed_out") and (session := sign_in_sessions.resume_session(conn, cookie)):
        st.session_state["session_token"] = session.new_token or cookie
        _hold(conn, session.id, session.actor)
        return session.actor
    st.session_state.pop("session_token", None)
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
