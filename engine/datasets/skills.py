"""Skill extraction: find the project's known skills in free text (requirements, descriptions, resumes).

The skill list is O*NET's technology skills merged with the hand-written vocabulary (``merged``; the
vocabulary's names stay only where O*NET has no entry, see ``onet_skills``). The generator keeps writing
with the hand-written list (``hand_written``), whose names the merged list still reads.

Matching is case-insensitive on whole words, longest phrase first (so "Apache Spark" wins over "Spark"),
and understands aliases ("js" -> JavaScript, "k8s" -> Kubernetes). Names that are also ordinary words or
single letters ("Go", "R", "Lean", "Research") match only as written with a capital, to keep "go to market"
from reading as the Go language.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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


@dataclass(frozen=True)
class SkillList:
    """Canonical names and every spelling that leads to one, ready for phrase matching."""
    names: tuple[str, ...]
    lookup: dict[str, str]            # lower-case spelling -> canonical name
    exact: frozenset[str]             # spellings that match only with their capitals ...
    surfaces: frozenset[str]          # ... written like this
    longest: dict[str, int]           # first word -> words in the longest spelling starting with it
    hot: frozenset[str] = frozenset()  # O*NET's hot technologies

    @classmethod
    def of(cls, names: list[str], aliases: dict[str, str], case_sensitive: set[str], hot=frozenset(),
           aliases_decide: bool = False) -> "SkillList":
        """``aliases_decide``: where two names share a spelling ("React", "REACT"), the alias table says
        which one it means (the merged list); otherwise a name always answers to itself."""
        lookup = {_key(n): n for n in names}
        for alias, canonical in aliases.items():
            if aliases_decide:
                lookup[_key(alias)] = canonical
            else:
                lookup.setdefault(_key(alias), canonical)
        longest: dict[str, int] = {}
        for key in lookup:
            parts = key.split(" ")
            longest[parts[0]] = max(longest.get(parts[0], 0), len(parts))
        exact = frozenset(_key(s) for s in case_sensitive if _key(s) in lookup)
        return cls(tuple(dict.fromkeys(names)), lookup, exact, frozenset(case_sensitive), longest, frozenset(hot))


@lru_cache(maxsize=1)
def hand_written() -> SkillList:
    """The project's own vocabulary (engine/datasets/vocabulary.py): the generator writes with it."""
    return SkillList.of(list(all_skills()), SKILL_ALIASES, CASE_SENSITIVE)


@lru_cache(maxsize=1)
def merged() -> SkillList:
    """O*NET's technology skills merged with the hand-written vocabulary (see ``onet_skills``): what the
    product extracts and how it names skills."""
    from engine.datasets.onet_skills import merged_skill_list

    names, aliases, case_sensitive, hot = merged_skill_list(hand_written(), CASE_SENSITIVE)
    return SkillList.of(names, aliases, case_sensitive, hot, aliases_decide=True)


def normalise_skill(name: str, skills: SkillList | None = None) -> str:
    """The canonical spelling of a skill ("k8s" -> "Kubernetes"); unknown names come back tidied."""
    lookup = (skills or merged()).lookup
    spaced = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(name or ""))).strip()
    cleaned = spaced.strip(" \t,;.")
    return lookup.get(spaced.lower()) or lookup.get(cleaned.lower(), cleaned)   # ".NET" keeps its dot


def extract_skills(text: str, skills: SkillList | None = None) -> list[str]:
    """Known skills named in the text (the merged list unless ``skills`` says otherwise), canonical names,
    in order of first mention, each once."""
    if not text:
        return []
    skills = skills or merged()
    table, exact, longest = skills.lookup, skills.exact, skills.longest
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
            if key in table and (key not in exact or surface in skills.surfaces):
                found.append(table[key])
                i += n
                break
        else:
            i += 1
    return list(dict.fromkeys(found))


def known_skills() -> tuple[str, ...]:
    """Every canonical skill name (for pickers in forms and for matching)."""
    return merged().names


def is_hot_technology(name: str) -> bool:
    """O*NET flags the skill as a hot technology (employers ask for it often)."""
    return normalise_skill(name) in merged().hot
