"""The signed-in user and the database handle, as the pages see them."""
from __future__ import annotations

import streamlit as st

from engine import store
from engine.authz import Actor


def db():
    """A connection for this script run. Connections are cheap and never shared across sessions."""
    return store.connect()


def current_actor() -> Actor | None:
    return st.session_state.get("actor")


def set_actor(actor: Actor | None) -> None:
    if actor is None:
        st.session_state.pop("actor", None)
    else:
        st.session_state["actor"] = actor


def require(*roles: str) -> Actor:
    """Stop the page with a clear message unless a user of one of these roles is signed in."""
    actor = current_actor()
    if actor is None:
        st.info("Please sign in to see this page.")
        st.page_link("pages/sign_in.py", label="Sign in or create an account", icon=":material/login:")
        st.stop()
    if roles and actor.role not in roles:
        st.error(f"This page is for {' or '.join(roles)} accounts.")
        st.stop()
    return actor
