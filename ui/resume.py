"""Widgets of the resume builder: the guided form (one renderer per section) and the draft kept in
st.session_state. Every widget key is "<prefix>|<section>|<index>|<field>"; ``sync`` reads them back into
the draft at the start of each run and inside button callbacks, so nothing typed is lost when entries move."""
from __future__ import annotations

import streamlit as st

from engine.resume.model import SECTION_TYPES, Resume, add_entry, move_entry, remove_entry
from ui.text import safe

FIELDS = {   # (field, label, widget) per entry section, in form order
    "education": [("school", "School or university", "text"), ("degree", "Degree", "text"), ("field", "Field of study", "text"),
                  ("start", "Start (e.g. 2020-09)", "text"), ("end", "End (e.g. 2024-06)", "text"),
                  ("grade", "Grade", "text"), ("details", "Details (thesis, awards)", "area")],
    "experience": [("title", "Job title", "text"), ("company", "Company", "text"), ("location", "Location", "text"),
                   ("start", "Start (e.g. 2023-06)", "text"), ("end", "End", "text"), ("current", "I work here now", "check"),
                   ("bullets", "What you did — one line each (rough notes are fine: press Generate)", "lines")],
    "projects": [("name", "Project name", "text"), ("link", "Link", "text"), ("description", "One-line description", "text"),
                 ("tech", "Tools used (comma separated)", "commas"), ("bullets", "Results — one line each", "lines")],
    "certifications": [("name", "Certificate", "text"), ("issuer", "Issuer", "text"), ("date", "Date", "text")],
    "languages": [("name", "Language", "text"), ("level", "Level (e.g. Native, C1)", "text")],
}
PERSONAL = [("name", "Full name *"), ("email", "Email *"), ("phone", "Phone"), ("location", "City, country"),
            ("headline", "Target role (e.g. Junior Data Analyst)")]
ADD_LABELS = {"education": "Add education", "experience": "Add experience", "projects": "Add project",
              "certifications": "Add certification", "languages": "Add language"}


def drafts() -> dict:
    return st.session_state.setdefault("resume_drafts", {})


def prefix(rid: int) -> str:
    return f"rb{rid}g{st.session_state.get(f'resume_gen_{rid}', 0)}"


def bump(rid: int) -> None:
    """Re-create the form's widgets from the draft (after entries moved or text was generated)."""
    st.session_state[f"resume_gen_{rid}"] = st.session_state.get(f"resume_gen_{rid}", 0) + 1


def set_draft(rid: int, resume: Resume) -> None:
    drafts()[rid] = resume
    bump(rid)


def _split(value: str, commas: bool = False) -> list[str]:
    import re
    parts = re.split(r"[,\n]" if commas else r"\n", value or "")
    return [p.strip() for p in parts if p.strip()]


def sync(rid: int) -> Resume:
    """The draft with every value the widgets of the last run hold."""
    ss, p = st.session_state, prefix(rid)
    d = drafts()[rid].to_dict()
    for f, _ in PERSONAL:
        if f"{p}|personal|{f}" in ss:
            d["personal"][f] = ss[f"{p}|personal|{f}"]
    if f"{p}|summary" in ss:
        d["summary"] = ss[f"{p}|summary"]
    if f"{p}|skills" in ss:
        d["skills"] = _split(ss[f"{p}|skills"], commas=True)
    if f"{p}|links" in ss:
        d["links"] = _split(ss[f"{p}|links"])
    for section, fields in FIELDS.items():
        for i, entry in enumerate(d[section]):
            for f, _, kind in fields:
                key = f"{p}|{section}|{i}|{f}"
                if key in ss:
                    entry[f] = _split(ss[key]) if kind == "lines" else _split(ss[key], True) if kind == "commas" else ss[key]
    resume = Resume.from_dict(d)
    drafts()[rid] = resume
    return resume


def _change(rid: int, fn, *args) -> None:
    """Button callback: take in what was typed, then apply a pure model helper."""
    resume = sync(rid)
    set_draft(rid, fn(resume, *args))


def personal_form(rid: int, r: Resume) -> None:
    p = prefix(rid)
    cols = st.columns(2)
    for i, (f, label) in enumerate(PERSONAL):
        cols[i % 2].text_input(label, value=getattr(r.personal, f), key=f"{p}|personal|{f}")


def entries_form(rid: int, r: Resume, section: str, generate=None) -> None:
    """Each entry in an expander with move/remove buttons; ``generate(section, index)`` adds a Generate button."""
    p = prefix(rid)
    entries = getattr(r, section)
    for i, entry in enumerate(entries):
        title = " · ".join(x for x in (getattr(entry, "title", "") or getattr(entry, "name", "") or getattr(entry, "degree", ""),
                                        getattr(entry, "company", "") or getattr(entry, "school", "") or getattr(entry, "issuer", "")) if x)
        with st.expander(f"{i + 1}. {safe(title) or 'New entry'}", expanded=not title):
            cols = st.columns(2)
            for j, (f, label, kind) in enumerate(FIELDS[section]):
                key, value = f"{p}|{section}|{i}|{f}", getattr(entry, f)
                if kind == "text":
                    cols[j % 2].text_input(label, value=value, key=key)
                elif kind == "check":
                    cols[j % 2].checkbox(label, value=value, key=key)
                elif kind == "commas":
                    st.text_input(label, value=", ".join(value), key=key)
                else:
                    st.text_area(label, value="\n".join(value) if isinstance(value, list) else value, key=key,
                                 height=110 if kind == "lines" else 70)
            b = st.columns([1, 1, 1, 3])
            b[0].button("↑", key=f"{p}|{section}|{i}|up", help="Move up", disabled=i == 0,
                        on_click=_change, args=(rid, move_entry, section, i, -1))
            b[1].button("↓", key=f"{p}|{section}|{i}|down", help="Move down", disabled=i == len(entries) - 1,
                        on_click=_change, args=(rid, move_entry, section, i, 1))
            b[2].button("✕", key=f"{p}|{section}|{i}|remove", help="Remove this entry",
                        on_click=_change, args=(rid, remove_entry, section, i))
            if generate and section in ("experience", "projects"):
                b[3].button("Generate bullets", icon=":material/auto_awesome:", key=f"{p}|{section}|{i}|generate",
                            on_click=generate, args=(section, i))
    st.button(ADD_LABELS[section], key=f"{p}|{section}|add", icon=":material/add:",
              on_click=_change, args=(rid, add_entry, section, SECTION_TYPES[section]()))


def list_form(rid: int, r: Resume) -> None:
    p = prefix(rid)
    st.text_area("Skills (comma separated, most relevant first)", value=", ".join(r.skills), key=f"{p}|skills", height=80)


def links_form(rid: int, r: Resume) -> None:
    p = prefix(rid)
    st.text_area("Links — one per line (LinkedIn, GitHub, portfolio)", value="\n".join(r.links), key=f"{p}|links", height=80)
