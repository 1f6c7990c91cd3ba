"""Skill extraction: find the project's known skills in free text (requirements, descriptions, resumes).

Matching is case-insensitive on word boundaries, longest name first (so "Apache Spark" wins over "Spark"),
and understands aliases ("js" -> JavaScript, "k8s" -> Kubernetes). Names that are also ordinary words or
single letters ("Go", "R", "Lean", "Research") match only as written with a capital, to keep "go to market"
from reading as the Go language.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from engine.datasets.vocabulary import SKILL_ALIASES, all_skills

# Match only in their capitalised form: ordinary English words or single letters.
CASE_SENSITIVE = {
    "Go", "R", "C", "Word", "Swift", "Lean", "Rust", "Spark", "Excel", "Unity", "Sass", "Redux", "Closing",
    "Receiving", "Stocking", "Research", "Reporting", "Concrete", "Framing", "Typing", "Analytics", "Scheduling",
    "Editing", "Interviewing", "Documentation", "Monitoring", "Networking", "Shipping", "Sourcing", "Coaching",
    "Compensation", "Logistics", "Mathematics", "Statistics", "Diagnosis", "Triage", "Estimating", "Branding",
    "Onboarding", "Storytelling", "Photography", "Spanish", "French", "German", "Mandarin", "Mainframe",
    "Encryption", "Accounting", "Procurement", "Housekeeping", "Prescribing",
}
# Characters that continue a skill name ("C++", "C#", ".NET", "Node.js"): a match must not touch them.
_LEFT = r"(?<![\w+#/.-])"
_RIGHT = r"(?![\w+#&]|[.-]\w)"


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().lower()


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    """lower-case spelling -> canonical name, for canonical names and aliases."""
    table = {_key(name): name for name in all_skills()}
    for alias, canonical in SKILL_ALIASES.items():
        table.setdefault(_key(alias), canonical)
    return table


def _alternation(names) -> str:
    # Longest first so the regex engine prefers "Apache Spark" to "Spark"; flexible whitespace inside names.
    parts = [r"\s+".join(re.escape(w) for w in n.split()) for n in sorted(names, key=len, reverse=True)]
    return "|".join(parts)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    table = _lookup()
    exact = sorted(s for s in CASE_SENSITIVE if _key(s) in table)
    exact_keys = {_key(s) for s in exact}
    insensitive = [k for k in table if k not in exact_keys]
    return (re.compile(_LEFT + "(" + _alternation(insensitive) + ")" + _RIGHT, re.IGNORECASE),
            re.compile(_LEFT + "(" + _alternation(exact) + ")" + _RIGHT))


def normalise_skill(name: str) -> str:
    """The canonical spelling of a skill ("k8s" -> "Kubernetes"); unknown names come back tidied."""
    cleaned = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(name or ""))).strip(" \t,;.")
    return _lookup().get(cleaned.lower(), cleaned)


def extract_skills(text: str) -> list[str]:
    """Known skills named in the text, canonical names, in order of first mention, each once."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text)
    table = _lookup()
    found: list[tuple[int, str]] = []
    for pattern in _patterns():
        for m in pattern.finditer(text):
            canonical = table.get(_key(m.group(1)))
            if canonical:
                found.append((m.start(), canonical))
    found.sort()
    return list(dict.fromkeys(name for _, name in found))


def known_skills() -> tuple[str, ...]:
    """Every canonical skill name (for pickers in forms and for matching)."""
    return all_skills()
