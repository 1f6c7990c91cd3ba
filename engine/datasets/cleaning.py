"""Text cleaning for imported postings: HTML to text, EMSCAD placeholder tokens, unicode and whitespace."""
from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

# EMSCAD anonymised links, emails and phone numbers as #URL_0f3a...#, #EMAIL_...#, #PHONE_...#.
_EMSCAD_TOKEN = re.compile(r"#(?:URL|EMAIL|PHONE)_[0-9A-Za-z_]*#")
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "table"}
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")  # paragraph gaps and list items: one line break
# "...skills.We place..." : EMSCAD glued sentences where HTML paragraphs were removed.
_GLUED_SENTENCE = re.compile(r"(?<=[a-z][.!?:])(?=[A-Z][a-z])")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
# A word as skills and titles use it: "C++", "C#", ".NET", "Node.js", "CI/CD", "scikit-learn", "GD&T".
_WORD = re.compile(r"\.?\w[\w+#]*(?:[./&'’-]\w[\w+#]*)*")


def words(text: str) -> list[tuple[str, bool]]:
    """The words of a text, each with whether it follows the previous word across whitespace only
    (so "Apache Spark" is a phrase, "Apache, Spark" is not). A possessive "'s" is dropped."""
    out: list[tuple[str, bool]] = []
    end = 0
    for m in _WORD.finditer(text):
        gap = text[end:m.start()]
        word = m.group()
        if word[-2:] in ("'s", "’s"):
            word = word[:-2]
        out.append((word, bool(out) and (gap == "" or gap.isspace())))
        end = m.end()
    return out


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """Visible text of an HTML fragment, with block elements as line breaks."""
    if not _LOOKS_LIKE_HTML.search(text):
        return html.unescape(text)
    parser = _TextExtractor()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # malformed markup: fall back to removing anything tag-shaped
        return html.unescape(_LOOKS_LIKE_HTML.sub(" ", text))
    return "".join(parser.parts)


def clean_text(value, *, keep_lines: bool = True) -> str:
    """HTML stripped, EMSCAD tokens removed, unicode NFKC, whitespace collapsed (line breaks kept if asked)."""
    if value is None:
        return ""
    text = str(value)
    if text.strip().lower() in ("nan", "none", "-1"):
        return ""
    text = strip_html(text)
    text = _EMSCAD_TOKEN.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _GLUED_SENTENCE.sub(" ", text)
    text = _SPACES.sub(" ", text)
    if not keep_lines:
        return re.sub(r"\s+", " ", text).strip()
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()


def clean_line(value) -> str:
    """One-line fields (title, company, location)."""
    return clean_text(value, keep_lines=False)
