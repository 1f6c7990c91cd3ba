"""Generation speed of the coach GPT: tokens per second (median over runs) of the NumPy key/value-cache path
used in the product, against calling the Keras model on the whole window for every token.

    python bench/coach.py        # -> artifacts/bench/coach.json (needs `python -m engine train coach` first)
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

from engine import config  # noqa: E402
from engine.coach.generate import Sampling, load_generator  # noqa: E402

QUESTIONS = ["What is a Python decorator?", "Tell me about a time you disagreed with your manager.",
             "How would you design a rate limiter?", "What is the difference between a list and a tuple?",
             "How do I track my application?", "What is overfitting?", "Explain database indexes."]
NEW_TOKENS = 100
RUNS = 7


def fast_path(gen) -> list[float]:
    rates = []
    for i in range(RUNS):
        prompt, _ = gen.prompt_ids(QUESTIONS[i % len(QUESTIONS)])
        # answers may stop early at <eos>: count the tokens that came and divide by the time they took
        t = time.perf_counter()
        n = sum(1 for _ in gen.stream_ids(prompt, Sampling(seed=i, max_new_tokens=NEW_TOKENS)))
        rates.append(n / (time.perf_counter() - t))
    return rates


def keras_per_token(gen, steps: int = 30) -> float:
    """The naive way: run the Keras model on the whole (padded) window for each new token."""
    import tensorflow as tf

    window = gen.config.seq_len
    step = tf.function(lambda ids: gen.model(ids, training=False), reduce_retracing=True)
    ids = np.zeros((1, window), dtype="int32")
    prompt, _ = gen.prompt_ids(QUESTIONS[0])
    ids[0, :len(prompt)] = prompt
    step(ids)                                   # trace once
    t = time.perf_counter()
    for i in range(steps):
        pos = min(len(prompt) + i, window - 1)
        probs = step(ids).numpy()[0, pos - 1]
        ids[0, pos] = int(np.argmax(probs))
    return steps / (time.perf_counter() - t)


def main() -> int:
    gen = load_generator()
    rates = fast_path(gen)
    baseline = keras_per_token(gen)
    median = statistics.median(rates)
    result = {
        "what": "coach GPT generation speed, tokens/s (NumPy KV-cache path, sampling temperature 0.7, top-k 40, top-p 0.9)",
        "runs": RUNS, "max_new_tokens": NEW_TOKENS,
        "tokens_per_s_median": round(median, 1), "tokens_per_s_min": round(min(rates), 1),
        "tokens_per_s_runs": [round(r, 1) for r in rates],
        "keras_full_window_tokens_per_s": round(baseline, 1),
        "speedup_vs_keras": round(median / baseline, 1),
        "target_tokens_per_s": 200, "meets_target": median >= 200,
        "cpu_count": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
    }
    out = config.artifacts_dir() / "bench" / "coach.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
