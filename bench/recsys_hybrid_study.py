"""Would a hybrid ranking (Job-Rec-v1 cosine + w x TF-IDF cosine) serve candidates better than Job-Rec-v1 alone?

The weight is chosen on TUNING tasks that share no posting with the evaluation: held-out real postings 300-600
(the evaluation reads the first 300) and 300 generated postings drawn with seed 2028 (the evaluation's are
seed 2027). Then every weight is scored on the evaluation's own four tasks (`engine eval recsys`), so the
table shows what the tuned weight would do and what the best weight in hindsight could do. Dense scores are
the float Job-Rec-v1 vectors; TF-IDF is the evaluation's baseline (1-2-grams, sublinear tf, fit on the
corpus being searched). JSON to artifacts/bench/recsys-hybrid-study.json.

    JOBEXPRESSWAY_SHARED_DATA=../shared/data .venv/bin/python bench/recsys_hybrid_study.py
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import config  # noqa: E402
from engine.recsys import embeddings, evaldata, evaluate  # noqa: E402

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
TUNING_SEED = 2028


def _title(job: dict) -> str | None:
    return evaldata.normal_title(job.get("title", "")) or None


def tuning_tasks() -> dict[str, dict]:
    real = evaldata.held_out_real(limit=None)[evaldata.MAX_REAL:2 * evaldata.MAX_REAL]
    generated = evaldata.generated_postings(evaldata.MAX_GENERATED, seed=TUNING_SEED)
    return {"real_same_title": evaluate.retrieval_task(real, _title),
            "generated_category": evaluate.retrieval_task(generated, lambda j: j.get("category")),
            "generated_same_title": evaluate.retrieval_task(generated, _title)}


def score_by_weight(tasks: dict[str, dict]) -> dict[float, dict[str, dict]]:
    out: dict[float, dict[str, dict]] = {w: {} for w in WEIGHTS}
    for name, task in tasks.items():
        if not task["queries"]:
            continue
        docs = embeddings.embed(task["corpus"], embeddings.JOB_REC)
        dense = embeddings.embed(task["queries"], embeddings.JOB_REC) @ docs.T
        lexical = evaluate.tfidf_similarities(task["queries"], task["corpus"])   # the TF-IDF baseline's scores
        for w in WEIGHTS:
            rankings = [evaluate._top(s, o) for s, o in zip(dense + w * lexical, task["own"])]
            out[w][name] = evaluate.score_rankings(rankings, task["relevant"])
    return out


def main() -> None:
    if embeddings.JOB_REC not in embeddings.available_models():
        sys.exit("Job-Rec-v1 is not trained here: run `python -m engine train encoder` first.")
    started = time.time()
    tuning = score_by_weight(tuning_tasks())
    objective = {w: round(float(np.mean([r["nDCG@10"] + r["MRR@10"] for r in tables.values()])), 4)
                 for w, tables in tuning.items()}
    chosen = max(objective, key=lambda w: (objective[w], -w))
    tasks = evaluate.recsys_tasks()[0]
    evaluation = score_by_weight(tasks)
    baselines = {}
    for name, task in tasks.items():
        if task["queries"]:
            baselines[name] = {m: evaluate.score_rankings(rank(task["queries"], task["corpus"], task["own"]),
                                                          task["relevant"])
                               for m, rank in (("TF-IDF", evaluate.rank_tfidf), ("BM25", evaluate.rank_bm25))}
    result = {"what": __doc__.split("\n\n")[0], "encoder": embeddings.model_stamp(embeddings.JOB_REC),
              "tuning_objective_mean_nDCG_plus_MRR": {str(w): v for w, v in objective.items()},
              "chosen_weight": chosen,
              "evaluation_by_weight": {str(w): t for w, t in evaluation.items()},
              "lexical_baselines": baselines, "seconds": round(time.time() - started, 1)}
    path = config.artifacts_dir() / "bench" / "recsys-hybrid-study.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    for w in WEIGHTS:
        row = " | ".join(f"{k} {v['P@5']:.3f}/{v['nDCG@10']:.3f}/{v['MRR@10']:.3f}" for k, v in evaluation[w].items())
        print(f"w={w:<4} tune {objective[w]:.4f}{' (chosen)' if w == chosen else ''} | {row}")
    print(f"-> {path}")


if __name__ == "__main__":
    main()
