"""The postings the evaluations use, split exactly as Job-Rec-v1's fine-tuning split them.

Real postings: those the encoder's training held out (`is_held_out`, a hash of the posting), so Job-Rec-v1
is never scored on a posting it was trained on. Generated postings: drawn with a seed the fine-tuning did not
use, minus any that happen to equal one of its training postings, so all of them are unseen.
"""
from __future__ import annotations

import json
from functools import lru_cache

from engine import config

EVAL_SEED = 2027          # generated postings for evaluation: not the fine-tuning's seed (42)
# Embedding is the cost: measured 1.4 long texts/s on the shared 2 cores (28/s when idle), so defaults stay small.
MAX_REAL = 300
MAX_GENERATED = 300
# The classifier comparison needs more: 24 generated categories at 300 postings leave 60 test postings (2.5 a
# class, one posting = 0.017 accuracy); 1,000 leave 200. Their windows are cached after the first run.
MAX_GENERATED_CLASSIFIER = 1000
MAX_GOOGLE_TRAIN = 700           # all of them (~670) on the current data

from engine.recsys.realdata import is_held_out, split_key  # the fine-tuning's split
from engine.recsys.text import clean, job_text, normal_title, profile_like_text  # noqa: F401  (used by the evaluations)


def encoder_card() -> dict:
    """Job-Rec-v1's model card (its split and training data), {} when it is not trained."""
    path = config.artifacts_dir() / "models" / "job-rec-v1" / "model_card.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def real_postings(limit: int | None = None) -> list[dict]:
    """Every real posting (de-duplicated by split key), each with `split_key` and `held_out`."""
    from engine.datasets.real import load_real_postings

    seen: set[str] = set()
    out = []
    for job in load_real_postings():
        key = split_key(job)
        if not clean(job.get("title")) or key in seen:
            continue
        seen.add(key)
        out.append(dict(job, split_key=key, held_out=is_held_out(job)))
    return out[:limit] if limit else out


def held_out_real(limit: int = MAX_REAL) -> list[dict]:
    return [j for j in real_postings() if j["held_out"]][:limit]


@lru_cache(maxsize=4)
def _trained_keys(n: int, seed: int) -> frozenset[str]:
    """Split keys of the generated postings the fine-tuning trained on (it held out the same 20%)."""
    from engine.datasets.generator import generate_jobs

    return frozenset(split_key(j) for j in generate_jobs(n, seed=seed) if not is_held_out(j))


def generated_postings(n: int = MAX_GENERATED, seed: int = EVAL_SEED) -> list[dict]:
    """`n` generated postings none of which Job-Rec-v1 trained on."""
    from engine.datasets.generator import generate_jobs

    params = encoder_card().get("parameters", {})
    trained = _trained_keys(int(params.get("generated_jobs", 1500)), int(params.get("seed", 42)))
    out = []
    for job in generate_jobs(n + n // 4 + 10, seed=seed):
        key = split_key(job)
        if key not in trained:
            out.append(dict(job, split_key=key))
        if len(out) == n:
            break
    return out
