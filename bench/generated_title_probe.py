"""Why lexical rankers do well on generated same-title retrieval: TF-IDF and BM25 with the benchmark's own
query (profile-like text) and with the posting's skills list alone as the query, on the same 300 generated
postings and 100 queries as `python -m engine eval recsys` (relevant = same normalised title). Prints JSON.

    nice -n 10 .venv/bin/python bench/generated_title_probe.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.recsys import evaldata, evaluate  # noqa: E402
from engine.recsys.text import as_list  # noqa: E402


def main() -> None:
    jobs = evaldata.generated_postings(evaldata.MAX_GENERATED)
    task = evaluate.retrieval_task(jobs, lambda j: evaldata.normal_title(j.get("title", "")) or None)
    skills_only = [", ".join(as_list(jobs[i]["required_skills"])) for i in task["own"]]
    out = {}
    for name, queries in (("benchmark query", task["queries"]), ("skills list only", skills_only)):
        for model, rank in (("TF-IDF", evaluate.rank_tfidf), ("BM25", evaluate.rank_bm25)):
            out[f"{name}: {model}"] = evaluate.score_rankings(rank(queries, task["corpus"], task["own"]),
                                                              task["relevant"])
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
