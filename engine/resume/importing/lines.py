"""The neutral form every document format is read into before its sections are understood: lines of text
with their type size, weight and place, in reading order. PDF and DOCX readers produce these; sections.py
turns them into a resume."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Line:
    text: str
    size: float = 10.0          # type size in points (the largest in the line)
    bold: bool = False          # every word bold
    x0: float = 0.0             # left edge, points from the column's own left edge
    page: int = 1
    parts: list[str] = field(default_factory=list)   # pieces separated by a wide gap (title ... dates)
    style: str = ""             # a DOCX paragraph style name ("Heading 1", "List Bullet"), "" elsewhere

    def __post_init__(self) -> None:
        self.text = " ".join(self.text.split())
        if not self.parts:
            self.parts = [self.text]
