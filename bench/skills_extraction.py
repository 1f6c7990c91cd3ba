"""Skill extraction before and after O*NET: precision and recall on postings whose skills are listed apart
from their text. Writes artifacts/bench/skills_extraction.json. Needs ../shared/data (the Dice sample).

    nice -n 5 .venv/bin/python bench/skills_extraction.py

Before = the hand-written vocabulary (`skills.hand_written()`), after = the merged O*NET list
(`skills.merged()`), both through the same `extract_skills`.

1. Dice descriptions: the 658 Dice postings whose description we hold (rows 2-659 of the 22,000-row
   titles + skills file: all 658 titles agree row by row). Text = title + description; listed = the
   posting's "Required Skills" field split at commas (filler such as "See job description" dropped).
   A found skill is right when one of its spellings (canonical name or alias, in that list) occurs as whole
   words in a listed item; a listed item is recalled when a found skill is right for it. Postings name
   more skills in their text than in their list, so precision is a lower bound (the same for both lists).
2. Dice listed skills: all 22,000 postings' listed items; coverage = share of items that are exactly one
   known skill (alias or name), i.e. how much of what employers list the skill list knows by name.
3. Google qualifications: skills found per posting in Minimum + Preferred Qualifications (no listed skills
   to score against: counts only).
"""
from __future__ import annotations

import csv
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import config  # noqa: E402
from engine.datasets.skills import SkillList, _key, extract_skills, hand_written, merged  # noqa: E402

FILLER = re.compile(r"see (below|job description|description)|please see|refer to|n/?a$|^$|^\W+$", re.I)


def listed_items(field: str) -> list[str]:
    return [i.strip() for i in re.split(r"[,;]", field or "") if not FILLER.search(i.strip())]


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9+#.]+", text.lower())) + " "


def spellings(skills: SkillList) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for spelling, canonical in skills.lookup.items():
        out.setdefault(canonical, []).append(_words(spelling).strip())
    return out


def dice_rows() -> tuple[list[dict], list[dict]]:
    folder = config.shared_data_path() / "jobs" / "dice_sample"
    with (folder / "dice_titles_skills_22000.csv").open(encoding="utf-8", newline="") as f:
        listed = list(csv.DictReader(f))
    with (folder / "dice_com-job_us_sample.csv").open(encoding="utf-8", newline="") as f:
        described = list(csv.DictReader(f))
    return listed, described


def score_descriptions(skills: SkillList, listed: list[dict], described: list[dict]) -> dict:
    names = spellings(skills)
    tp_found = found_total = recalled = items_total = postings = 0
    for i, row in enumerate(described):
        gold_row = listed[i + 1]
        if gold_row["Designation"].strip() != row["jobtitle"].strip():
            continue
        items = [_words(it) for it in listed_items(gold_row["Required Skills"])]
        if not items:
            continue
        postings += 1
        found = extract_skills(f"{row['jobtitle']}. {row['jobdescription']}", skills)
        right = {s for s in found if any(f" {sp} " in it for sp in names.get(s, [_words(s).strip()]) for it in items)}
        tp_found += len(right)
        found_total += len(found)
        items_total += len(items)
        recalled += sum(1 for it in items if any(f" {sp} " in it for s in right for sp in names.get(s, [])))
    p = tp_found / found_total if found_total else 0.0
    r = recalled / items_total if items_total else 0.0
    return {"postings": postings, "found": found_total, "found_right": tp_found, "listed_items": items_total,
            "listed_recalled": recalled, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "found_per_posting": round(found_total / postings, 2) if postings else 0}


def coverage(skills: SkillList, listed: list[dict]) -> dict:
    items = [it for row in listed for it in listed_items(row["Required Skills"])]
    known = sum(1 for it in items if _key(it) in skills.lookup)
    return {"items": len(items), "known_by_name": known, "coverage": round(known / len(items), 4) if items else 0.0}


def google_counts(skills: SkillList) -> dict:
    path = config.shared_data_path() / "jobs" / "google_job_skills" / "job_skills.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    counts = [len(extract_skills(f"{r['Minimum Qualifications']}\n{r['Preferred Qualifications']}", skills)) for r in rows]
    return {"postings": len(rows), "skills_per_posting": round(sum(counts) / len(rows), 2),
            "postings_without_skill": sum(1 for c in counts if c == 0)}


def main() -> None:
    listed, described = dice_rows()
    result = {"what": __doc__.split("\n\n")[0], "lists": {}}
    for name, skills in (("before (hand-written vocabulary)", hand_written()), ("after (O*NET merged)", merged())):
        started = time.process_time()
        result["lists"][name] = {
            "skills": len(skills.names),
            "dice_descriptions": score_descriptions(skills, listed, described),
            "dice_listed_coverage": coverage(skills, listed),
            "google_qualifications": google_counts(skills),
            "cpu_seconds": round(time.process_time() - started, 1),
        }
        print(name, json.dumps(result["lists"][name], indent=1))
    out = ROOT / "artifacts" / "bench" / "skills_extraction.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
