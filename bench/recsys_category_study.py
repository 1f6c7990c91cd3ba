"""Does teaching the encoder the category structure help the category classifier? Measured on a VALIDATION
part of the Google training postings only; the held-out 20% (the classifier evaluation's test set) is never
read here.

Split: the Google postings Job-Rec-v1 may train on are split stratified 80/20 (seed 42) into `fit` and `val`.
Each study encoder is fine-tuned with the usual pairs plus category pairs from `fit` and the generated
postings (the `val` postings' categories are withheld); every encoder's SGD head (alpha and epochs tuned on a
part of `fit`) and a TF-IDF + logistic regression (C tuned likewise) learn from `fit` and are scored on `val`.

    nice -n 10 python bench/recsys_category_study.py --pairs 480 --category-pairs 320 --control
        -> artifacts/bench/recsys_category_study.json
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def score(y_true, y_pred) -> dict:
    from engine.recsys.classifier import classification_metrics

    m = classification_metrics(list(y_true), list(y_pred), sorted(set(y_true) | set(y_pred)))
    return {k: m[k] for k in ("accuracy", "weighted_f1", "macro_f1")}


def head_scores(X, y, fit, val) -> dict:
    from engine.recsys.classifier import fit_sgd, tune_sgd

    y_fit, y_val = [y[i] for i in fit], [y[i] for i in val]
    tuning = tune_sgd(X[fit], y_fit)
    clf, _ = fit_sgd(X[fit], y_fit, X[val], y_val, tuning["epochs"], alpha=tuning["alpha"])
    return score(y_val, clf.predict(X[val])) | {"alpha": tuning["alpha"], "epochs": tuning["epochs"]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=480)
    ap.add_argument("--category-pairs", type=int, default=320)
    ap.add_argument("--control", action="store_true", help="also fine-tune without category pairs")
    args = ap.parse_args()

    from engine import config
    from engine.recsys import embeddings, evaldata, evaluate
    from engine.recsys.classifier import validation_split
    from engine.recsys.encoder import load_encoder
    from engine.recsys.finetune import TrainConfig, train_encoder

    google = [j for j in evaldata.real_postings() if j.get("label_category") and not j["held_out"]]
    y = [j["label_category"] for j in google]
    fit, val = validation_split(y)
    texts = [evaldata.job_text(j) for j in google]
    val_keys = {google[i]["split_key"] for i in val}
    out = {"what": __doc__.split("\n\n")[1].replace("\n", " "), "fit": len(fit), "val": len(val),
           "classes": len(set(y)), "results": {}}
    y_fit = [y[i] for i in fit]
    t = evaluate.tune_tfidf_lr([texts[i] for i in fit], y_fit)
    pred = evaluate._tfidf_lr([texts[i] for i in fit], y_fit, [texts[i] for i in val], t)
    out["results"]["TF-IDF + LogisticRegression"] = score([y[i] for i in val], pred) | t
    print(out["results"], flush=True)

    # Not the Job-Rec-v1 in artifacts/: it learnt the categories of every training posting, `val` included.
    encoders = {embeddings.PRETRAINED: embeddings.model_path(embeddings.PRETRAINED)}
    variants = {f"fine-tuned, {args.pairs} pairs + {args.category_pairs} category pairs": args.category_pairs}
    if args.control:
        variants[f"fine-tuned, {args.pairs} pairs, no category pairs"] = 0
    tmp = Path(tempfile.mkdtemp(prefix="catstudy-"))
    for i, (name, n_cat) in enumerate(variants.items()):
        cfg = TrainConfig(max_pairs=args.pairs, category_pairs=n_cat, eval_queries=0, output=str(tmp / f"m{i}"))
        card = train_encoder(cfg, log=lambda m: print(m, flush=True), label_exclude=val_keys)
        out.setdefault("training", {})[name] = card["training"] | {"pairs": card["data"]["train_pairs"]}
        encoders[name] = tmp / f"m{i}"
    for name, path in encoders.items():
        started = time.process_time()
        X = load_encoder(path).encode(texts, show_progress=True)
        out["results"][name] = head_scores(X, y, fit, val) | {"embed_cpu_s": round(time.process_time() - started, 1)}
        print(name, out["results"][name], flush=True)
    path = config.artifacts_dir() / "bench" / "recsys_category_study.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
