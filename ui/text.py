"""User text in widgets that read Markdown. Everything people type (names, cover letters, chat, notes,
company details, imported postings) goes through `safe` before st.markdown, st.write, st.caption, st.info
and friends, titles, expander and tab labels, so it shows exactly as typed: never an image, a link, a
heading, a colour or an icon.

Apply it once, and only for those widgets: st.text, st.code, dataframes and widget values show text as it
is, and escaping them shows the backslashes (an admin saw "https://lumen\\.example\\.com").
"""
from __future__ import annotations

import re

# CommonMark lets a backslash escape any ASCII punctuation; escaping all of it also covers Streamlit's own
# syntax (":red[...]", ":material/icon:", ":smile:", "$math$") and raw HTML.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub-flavoured Markdown also turns bare addresses into links (http://..., www...., a@b.c), and
# Streamlit's renderer does so after escapes are resolved, so escaping cannot stop it. An invisible WORD
# JOINER (U+2060) inside "://", after "www" and before "@" breaks those patterns without changing what is
# seen.
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")


def safe(text: object) -> str:
    """`text` as literal Markdown: every Markdown character escaped, bare links broken, line breaks kept."""
    if text is None:
        return ""
    plain = _AUTOLINK.sub(_WORD_JOINER, str(text).strip())
    return "  \n".join(_PUNCTUATION.sub(r"\\\1", line) for line in plain.splitlines())
