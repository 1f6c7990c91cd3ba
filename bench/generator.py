"""Job generator benchmark: how fast it generates and how much postings of one role differ.
Writes artifacts/bench/generator.json.

    nice -n 10 .venv/bin/python bench/generator.py            # 10,000 jobs timed (median of 3), 3,000 compared

Speed: wall and CPU seconds of `list(generate_jobs(10_000))`, median of 3 runs in this process.
Variety: over 3,000 postings (seed 2027), every pair of postings with the same category and normalised title
(at most 12 per group): share of pairs with identical skill sets, mean Jaccard of their skill sets, mean share
of identical requirement lines, and the mean Jaccard of their word sets (requirements + responsibilities).
"""
from __future__ import annotations

import argparse
import itertools
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.datasets.generator import generate_jobs  # noqa: E402
from engine.recsys.evaldata import normal_title  # noqa: E402

TODAY = date(2026, 3, 1)


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def variety(n: int = 3000, seed: int = 2027) -> dict:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for job in generate_jobs(n, seed=seed, today=TODAY):
        groups[(job["category"], normal_title(job["title"]))].append(job)
    same = skills = lines = words = 0.0
    pairs = 0
    for group in groups.values():
        for a, b in itertools.combinations(group[:12], 2):
            pairs += 1
            sa, sb = set(a["required_skills"]), set(b["required_skills"])
            same += sa == sb
            skills += _jaccard(sa, sb)
            lines += _jaccard(set(a["requirements"].split("\n")), set(b["requirements"].split("\n")))
            wa, wb = (set(re.findall(r"[a-z0-9+#]+", (j["requirements"] + " " + j["responsibilities"]).lower()))
                      for j in (a, b))
            words += _jaccard(wa, wb)
    return {"postings": n, "seed": seed, "same_role_pairs": pairs,
            "identical_skill_sets": round(same / pairs, 4), "skill_jaccard": round(skills / pairs, 4),
            "identical_requirement_lines": round(lines / pairs, 4), "word_jaccard": round(words / pairs, 4)}


def speed(n: int = 10_000, runs: int = 3) -> dict:
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        list(generate_jobs(n, seed=42, today=TODAY))
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return {"jobs": n, "runs": runs, "wall_s_median": round(statistics.median(wall), 2),
            "cpu_s_median": round(statistics.median(cpu), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--compare", type=int, default=3000)
    parser.add_argument("--out", default=str(ROOT / "artifacts" / "bench" / "generator.json"))
    args = parser.parse_args()
    result = {"speed": speed(args.jobs), "variety": variety(args.compare)}
    print(json.dumps(result, indent=2))
    if args.out != "-":
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
