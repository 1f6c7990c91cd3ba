"""The resume designs. A template is only a name stored beside the document, so switching design never
touches the content. Each spec says which layout draws it and with what type and colours."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ORDER = ("summary", "experience", "education", "projects", "skills", "certifications", "languages", "links")
FRESHER_ORDER = ("summary", "education", "projects", "experience", "skills", "certifications", "languages", "links")


@dataclass(frozen=True)
class Template:
    name: str
    label: str
    description: str
    layout: str                       # classic | sidebar | gutter (see render.py)
    family: str                       # serif | sans | condensed
    accent: tuple[int, int, int]      # headings and rules
    ink: tuple[int, int, int] = (33, 37, 41)
    muted: tuple[int, int, int] = (100, 106, 115)
    base_size: float = 10.5
    order: tuple[str, ...] = DEFAULT_ORDER


TEMPLATES: dict[str, Template] = {
    "classic": Template("classic", "Classic", "One column, serif type, centred name: calm and traditional.",
                        "classic", "serif", accent=(30, 45, 90), base_size=10.5),
    "modern": Template("modern", "Modern", "A coloured sidebar for contact and skills, clean sans-serif body.",
                       "sidebar", "sans", accent=(18, 112, 120), base_size=10),
    "compact": Template("compact", "Compact", "Dense two-column grid with headings in a left gutter: fits more on a page.",
                        "gutter", "condensed", accent=(150, 40, 50), base_size=9, order=FRESHER_ORDER),
}
DEFAULT_TEMPLATE = "modern"


def check_template(name: str | None) -> str:
    """The template's name if it exists; a clear error naming the choices otherwise."""
    key = (name or "").strip().lower()
    if key not in TEMPLATES:
        choices = ", ".join(TEMPLATES)
        raise ValueError(f"There is no template called {name!r}. Choose one of: {choices}.")
    return key


def get_template(name: str | None) -> Template:
    return TEMPLATES[check_template(name)]
