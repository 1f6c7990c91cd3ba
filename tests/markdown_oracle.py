"""What a Markdown string becomes in the browser, close enough to judge user text: its visible text and the
links and images it makes. Streamlit renders CommonMark (markdown-it-py parses it the same way here) plus
GitHub's autolink literals (http://..., www...., a@b.c), which it finds twice, both seen in Chromium:
in the source, where a link swallows the backslashes after it ("https://lumen\\.example\\.com" showed its
backslashes), and again in the text once escapes are resolved. A literal counts only after the start, a
space or a punctuation mark or symbol, as in GitHub's rules."""
from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")
_LITERAL = re.compile(r"(?=((?:https?://|www\.)[-.\w]*\w[^\s<]*|[-.\w+]+@[-\w]+(?:\.[-\w]+)+))", re.IGNORECASE)


def _literal_links(text: str) -> list[str]:
    found = []
    for match in _LITERAL.finditer(text):
        start = match.start()
        before = text[start - 1] if start else " "
        if before.isspace() or unicodedata.category(before)[0] in "PS":
            found.append(match.group(1))
    return found


def render(source: str) -> tuple[str, list[str]]:
    """(visible text, targets of the links and images) of ``source``."""
    targets = _literal_links(source)
    text: list[str] = []

    def walk(tokens) -> None:
        for token in tokens:
            if token.type in ("link_open", "image"):
                targets.append(token.attrs.get("href") or token.attrs.get("src") or "")
            if token.type in ("text", "code_inline", "html_inline", "html_block", "code_block", "fence"):
                text.append(token.content)
            elif token.type in ("softbreak", "hardbreak", "paragraph_close", "heading_close"):
                text.append("\n")
            if token.children:
                walk(token.children)

    walk(_PARSER.parse(source))
    visible = "".join(text)
    return visible, targets + _literal_links(visible)
