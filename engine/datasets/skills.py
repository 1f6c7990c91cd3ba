"""Skill extraction: find the project's known skills in free text (requirements, descriptions, resumes).

Matching is case-insensitive on whole words, longest phrase first (so "Apache Spark" wins over "Spark"),
and understands aliases ("js" -> JavaScript, "k8s" -> Kubernetes). Names that are also ordinary words or
single letters ("Go", "R", "Lean", "Research") match only as written with a capital, to keep "go to market"
from reading as the Go language.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from engine.datasets.cleaning import words
from engine.datasets.vocabulary import SKILL_ALIASES, all_skills

# Match only in their capitalised form: ordinary English words or single letters.
CASE_SENSITIVE = {
    "Go", "R", "C", "Word", "Swift", "Lean", "Rust", "Spark", "Excel", "Unity", "Sass", "Redux", "Closing",
    "Receiving", "Stocking", "Research", "Reporting", "Concrete", "Framing", "Typing", "Analytics", "Scheduling",
    "Editing", "Interviewing", "Documentation", "Monitoring", "Networking", "Shipping", "Sourcing", "Coaching",
    "Compensation", "Logistics", "Mathematics", "Statistics", "Diagnosis", "Triage", "Estimating", "Branding",
    "Onboarding", "Storytelling", "Photography", "Spanish", "French", "German", "Mandarin", "Mainframe",
    "Encryption", "Accounting", "Procurement", "Housekeeping", "Prescribing",
    "Lever", "Greenhouse", "Notion", "Gusto", "Intercom",
}
def _key(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().lower()


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    """lower-case spelling -> canonical name, for canonical names and aliases."""
    table = {_key(name): name for name in all_skills()}
    for alias, canonical in SKILL_ALIASES.items():
        table.setdefault(_key(alias), canonical)
    return table


@lru_cache(maxsize=1)
def _phrases() -> tuple[dict[str, str], frozenset[str], dict[str, int]]:
    """(lower-case phrase -> canonical, phrases that must match with their capital,
    first word -> length in words of the longest phrase starting with it)."""
    table = _lookup()
    exact = frozenset(_key(s) for s in CASE_SENSITIVE if _key(s) in table)
    longest: dict[str, int] = {}
    for key in table:
        parts = key.split(" ")
        longest[parts[0]] = max(longest.get(parts[0], 0), len(parts))
    return table, exact, longest


def normalise_skill(name: str) -> str:
    """The canonical spelling of a skill ("k8s" -> "Kubernetes"); unknown names come back tidied."""
    cleaned = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(name or ""))).strip(" \t,;.")
    return _lookup().get(cleaned.lower(), cleaned)


def extract_skills(text: str) -> list[str]:
    """Known skills named in the text, canonical names, in order of first mention, each once."""
    if not text:
        return []
    table, exact, longest = _phrases()
    tokens = words(unicodedata.normalize("NFKC", text))
    found: list[str] = []
    i = 0
    while i < len(tokens):
        first = tokens[i][0].lower()
        for n in range(min(longest.get(first, 0), len(tokens) - i), 0, -1):  # longest phrase first: "Apache Spark" > "Spark"
            span = tokens[i:i + n]
            if any(not joined for _, joined in span[1:]):
                continue
            surface = " ".join(w for w, _ in span)
            key = surface.lower()
            if key in table and (key not in exact or surface in CASE_SENSITIVE):
                found.append(table[key])
                i += n
                break
        else:
            i += 1
    return list(dict.fromkeys(found))


def known_skills() -> tuple[str, ...]:
    """Every canonical skill name (for pickers in forms and for matching)."""
    return all_skills()
