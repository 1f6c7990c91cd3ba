"""Text shown literally in Markdown. Streamlit and Gradio both render CommonMark plus GitHub's autolinks, so
text that is not ours (what people type, corpus questions and answers, model output) goes through `safe`
before it joins Markdown we write: `__init__` stays `__init__` instead of turning bold, `*args` keeps its
star, and nothing typed becomes an image, a link, a heading, a colour or an icon.
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
