"""`train classifier|fraud` and `eval recsys|classifier|fraud` (targets of the shared train/eval commands)."""
from __future__ import annotations

import sys

from engine.commands import register_evaluator, register_trainer


def _log(args):
    return None if args.json else (lambda msg: print(msg, file=sys.stderr))


def _print(args, result: dict, summary) -> int:
    from engine.cli import print_json

    if args.json:
        print_json(result)
    else:
        summary(result)
    return 0


def _table(tables: dict) -> None:
    for dataset, table in tables.items():
        print(f"\n{dataset}")
        if "skipped" in table:
            print(f"  skipped: {table['skipped']}")
            continue
        metrics = [k for k in next(iter(table.values())) if k != "seconds"]
        widths = [max(9, len(m)) + 2 for m in metrics]
        print(f"  {'model':34s}" + "".join(f"{m:>{w}s}" for m, w in zip(metrics, widths)))
        for model, row in table.items():
            print(f"  {model:34s}" + "".join(f"{row[m]:>{w}.4f}" if m in row else " " * w
                                          for m, w in zip(metrics, widths)))


def _fraud_summary(m: dict) -> None:
    chosen = m["variants"][m["chosen"]]
    at = chosen["at_prior_threshold"]
    print(f"{m['data']['postings']} EMSCAD postings ({m['data']['fraudulent']} fraudulent); {m['protocol']}")
    for name, v in m["variants"].items():
        print(f"  {name:20s} F1 {v['f1']:.3f}  P {v['precision']:.3f}  R {v['recall']:.3f}  "
              f"ROC-AUC {v['roc_auc']:.3f}  PR-AUC {v['pr_auc']:.3f}  PR-AUC@4.8% {v['pr_auc_at_prior']:.3f}")
    print(f"chosen: {m['chosen']}; threshold {at['threshold']} -> recall {at['tpr']:.3f}, FPR {at['fpr']:.4f}, "
          f"precision at the 4.8% prior {at['precision_at_prior']:.3f} (conservative {at['precision_at_prior_conservative']:.3f})")
    if "model" in m:
        print(f"saved {m['model']['file']} ({m['model']['bytes'] / 1e6:.1f} MB)")


def train_classifier(args) -> int:
    from engine.recsys import classifier

    metrics = classifier.train(epochs=args.epochs, encoder=args.encoder, log=_log(args), ship=args.pretrained_fallback)
    if args.ship:
        from engine.commands.models import report, ship

        report(ship("classifier"))

    def summary(m):
        print(f"{m['encoder']} + SGD on {m['postings']} postings, {m['classes']} categories ({m['split']}):")
        print(f"  accuracy {m['accuracy']:.4f} (majority class {m['majority_class_accuracy']:.4f}), weighted F1 "
              f"{m['weighted_f1']:.4f}, macro F1 {m['macro_f1']:.4f}")
        print(f"saved {m['model_file']['path']} ({m['model_file']['bytes'] / 1e3:.0f} KB) and "
              f"{classifier.shipped_metrics_path() if args.pretrained_fallback else classifier.metrics_path()}")
    return _print(args, metrics, summary)


def _classifier_args(p) -> None:
    p.add_argument("--epochs", type=int, default=None,
                   help="partial_fit epochs (default: alpha and epochs tuned on a validation part of the training part)")
    p.add_argument("--encoder", choices=["all-MiniLM-L6-v2", "Job-Rec-v1"], default=None,
                   help="embedding model (default: Job-Rec-v1 when trained, else all-MiniLM-L6-v2)")
    p.add_argument("--pretrained-fallback", action="store_true",
                   help="rebuild the repository's classifier on pretrained MiniLM vectors "
                        "(engine/recsys/shipped/), used wherever no Job-Rec-v1 classifier matches the encoder")
    p.add_argument("--ship", action="store_true",
                   help="then ship it with Job-Rec-v1 (artifacts/models/shipped/category-classifier)")


def train_fraud(args) -> int:
    from engine.recsys import fraud

    return _print(args, fraud.train(log=_log(args)), _fraud_summary)


def eval_fraud(args) -> int:
    from engine.recsys import fraud

    metrics = fraud.evaluate(log=_log(args))
    if fraud.load_model() is not None:
        metrics["generated_jobs_flagged"] = fraud.flagged_share_on_generated(fraud.load_model())
    return _print(args, metrics, _fraud_summary)


def eval_recsys(args) -> int:
    from engine.recsys import evaluate

    result = evaluate.eval_recsys(args.max_real, args.max_generated, args.queries, log=_log(args))
    return _print(args, result, lambda r: _table(r["datasets"]))


def _recsys_args(p) -> None:
    from engine.recsys import evaldata, evaluate

    p.add_argument("--max-real", type=int, default=evaldata.MAX_REAL, help="held-out real postings at most")
    p.add_argument("--max-generated", type=int, default=evaldata.MAX_GENERATED, help="generated postings")
    p.add_argument("--queries", type=int, default=evaluate.QUERIES, help="queries per dataset")


def eval_classifier(args) -> int:
    from engine.recsys import evaluate

    result = evaluate.eval_classifier(args.max_generated, log=_log(args))
    return _print(args, result, lambda r: _table(r["datasets"]))


def _classifier_eval_args(p) -> None:
    from engine.recsys import evaldata

    p.add_argument("--max-generated", type=int, default=evaldata.MAX_GENERATED_CLASSIFIER, help="generated postings")


register_trainer("classifier", train_classifier, "job category classifier (SGD on sentence embeddings)",
                 _classifier_args)
register_trainer("fraud", train_fraud, "fraudulent-posting classifier (EMSCAD)")
register_evaluator("recsys", eval_recsys, "retrieval: BM25, TF-IDF, MiniLM, Job-Rec-v1 (P@5, nDCG@10, MRR@10)",
                   _recsys_args)
register_evaluator("classifier", eval_classifier, "category classifiers compared on the same split",
                   _classifier_eval_args)
register_evaluator("fraud", eval_fraud, "fraud classifier: stratified 5-fold cross-validation")


def register(sub, common) -> None:
    """Nothing of its own: the targets above join the shared train/eval commands."""
