"""The Home hub's service cards and the empty states of list pages (what to do next instead of a blank page)."""
from __future__ import annotations

import streamlit as st

from engine.navigation import Service, services_for


def service_cards(role: str | None, notes: dict[str, str] | None = None, columns: int = 3) -> None:
    """One bordered card per service of this role: a link (one click away), a line on what it does and an
    optional live note (e.g. '2 new messages')."""
    notes = notes or {}
    services = services_for(role)
    for start in range(0, len(services), columns):
        cols = st.columns(columns)
        for col, service in zip(cols, services[start:start + columns]):
            with col.container(border=True):
                _link(service)
                st.caption(service.blurb)
                if notes.get(service.key):
                    st.markdown(f"**{notes[service.key]}**")


def _link(service: Service) -> None:
    st.page_link(service.path, label=service.label, icon=service.icon,
                 query_params=dict(service.query) or None)


def empty_state(message: str, *links: tuple[str, str, str]) -> None:
    """An info box saying why the list is empty and links (path, label, icon) to what to do next. Links to pages
    that are not installed are left out."""
    from engine.navigation import PAGES

    st.info(message, icon=":material/lightbulb:")
    known = {p.path for p in PAGES}
    shown = [link for link in links if link[0] in known]
    if shown:
        cols = st.columns(len(shown))
        for col, (path, label, icon) in zip(cols, shown):
            with col:
                st.page_link(path, label=label, icon=icon)
