"""Training pairs that teach the encoder O*NET's occupations (the O*NET fine-tune's extra pairs).

Two kinds, from the shipped table only, never a held-out alternate title:
1. a title people use (alternate or reported) <-> the occupation: its title (two thirds of the time) or
   another of its titles (a third): short pairs, which the trainer batches apart from postings (a
   description as the positive cost five times as much per batch and is not what titles are matched to);
2. the technologies an occupation reports ("Tools: Python, Git, ...", up to 8, hot ones first) <-> its
   title and description opening.
Occupations are taken in turn, so the 1,016 occupations share the budget instead of the few with hundreds
of alternate titles filling it. NO_DUPLICATES keeps two pairs of one occupation (the same occupation text)
out of one batch, so an occupation is never its own title's negative.
"""
from __future__ import annotations

import random
import re

from engine.occupations.table import OccupationTable, load_table

SKILLS_PER_TEXT = 8


def occupation_text(title: str, description: str) -> str:
    first = re.split(r"(?<=\.)\s", description.strip(), maxsplit=1)[0]
    return f"{title}: {first}"


def make_occupation_pairs(rng: random.Random, limit: int, skill_pairs: int | None = None,
                          table: OccupationTable | None = None) -> list[tuple[str, str]]:
    """``limit`` title pairs plus ``skill_pairs`` (default: a tenth of ``limit``) technology pairs."""
    table = table or load_table()
    titles = table.training_titles()
    pools = {o.code: rng.sample(titles.get(o.code, []), len(titles.get(o.code, []))) for o in table.occupations}
    pairs: list[tuple[str, str]] = []
    turn = 0
    while len(pairs) < limit and any(turn < len(p) for p in pools.values()):
        for occ in table.occupations:
            pool = pools[occ.code]
            if turn >= len(pool) or len(pairs) >= limit:
                continue
            anchor, roll = pool[turn], rng.random()
            if roll < 2 / 3 or len(pool) < 2:
                positive = occ.title
            else:
                positive = rng.choice([t for t in pool if t != anchor])
            if anchor.lower() != positive.lower():
                pairs.append((anchor, positive))
        turn += 1
    by_code: dict[str, list] = {}
    for tech in table.technologies:
        for code in tech.codes:
            by_code.setdefault(code, []).append(tech)
    skill_budget = limit // 10 if skill_pairs is None else skill_pairs
    occupations = [o for o in table.occupations if by_code.get(o.code)]
    for occ in rng.sample(occupations, min(skill_budget, len(occupations))):
        techs = sorted(by_code[occ.code], key=lambda t: (not t.hot, rng.random()))[:SKILLS_PER_TEXT]
        pairs.append(("Tools: " + ", ".join(t.name for t in techs), occupation_text(occ.title, occ.description)))
    rng.shuffle(pairs)
    return pairs
