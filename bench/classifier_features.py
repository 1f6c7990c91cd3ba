"""What reading a posting as part vectors (catfeatures) costs `suggest_category`: the time to build one
posting's classifier input, one posting at a time (as when a recruiter posts a job), with the single
job-text vector the classifiers read before, measured alternately on the same postings and the same warm model.

    nice -n 10 python bench/classifier_features.py [--postings 30] -> artifacts/bench/classifier_features.json
Postings: held-out Google postings when the shared data is here (long texts), else generated ones.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    import numpy as np

    from engine import config
    from engine.recsys import catfeatures, embeddings, evaldata

    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=30)
    parser.add_argument("--model", default=embeddings.available_models()[-1])
    args = parser.parse_args()
    jobs = [j for j in evaldata.real_postings() if j.get("label_category") and j["held_out"]][:args.postings]
    source = "held-out Google postings"
    if not jobs:
        jobs, source = evaldata.generated_postings(args.postings), "generated postings"
    catfeatures.features(jobs[:2], args.model, cache=False)  # warm: model and tokenizer loaded
    single, parts, windows = [], [], []
    for job in jobs:
        t = time.perf_counter()
        embeddings.embed([evaldata.job_text(job)], args.model, cache=False)
        single.append(time.perf_counter() - t)
        t = time.perf_counter()
        catfeatures.features([job], args.model, cache=False)
        parts.append(time.perf_counter() - t)
        texts = catfeatures.part_texts(job)
        windows.append(2 + len(catfeatures.chunks(texts["body"])) + len(catfeatures.chunks(texts["requirements"])))
    ms = lambda xs, q: round(float(np.percentile(xs, q)) * 1000, 1)  # noqa: E731
    result = {"what": "seconds to build one posting's classifier input, one posting at a time", "model": args.model,
              "postings": len(jobs), "source": source, "cpu_count": os.cpu_count(),
              "load_average_at_start": os.getloadavg()[0],
              "single_job_text_vector_ms": {"median": ms(single, 50), "p95": ms(single, 95)},
              "part_vectors_ms": {"median": ms(parts, 50), "p95": ms(parts, 95)},
              "ratio_of_medians": round(float(np.median(parts) / np.median(single)), 2),
              "encoder_inputs_per_posting": {"mean": round(float(np.mean(windows)), 2), "max": int(max(windows))}}
    out = config.artifacts_dir() / "bench" / "classifier_features.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
