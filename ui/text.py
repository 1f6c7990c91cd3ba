"""User text in widgets that read Markdown. Everything people type (names, cover letters, chat, notes,
company details, imported postings) goes through `safe` before st.markdown, st.write, st.caption, st.info
and friends, titles, expander and tab labels, so it shows exactly as typed: never an image, a link, a
heading, a colour or an icon.

Apply it once, and only for those widgets: st.text, st.code, dataframes and widget values show text as it
is, and escaping them shows the backslashes (an admin saw "https://lumen\\.example\\.com").
"""
from __future__ import annotations

from engine.markdown import safe  # noqa: F401  (one implementation: engine's Markdown builders need it too)
