"""Shipping Job-Rec-v1 and its category classifier into the repository (`python -m engine ship encoder|
classifier`, or `train encoder|classifier --ship`): what a fresh clone serves. See engine/shipped.py.

Job-Rec-v1 ships as fp16 safetensors (45 MB instead of 91 MB) and is loaded as float32; before it ships,
its held-out retrieval is measured again on the shipped form with the training's own evaluator, and the
step refuses a form whose MRR@10 falls more than 1% below the float model's.
"""
from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path

from engine import shipped
from engine.recsys import encoder as enc

# every file of the trained folder ships except these: the manifest replaces the card (whose held-out keys
# are long), sentence-transformers' generated README repeats it, the weights ship as fp16
NOT_SHIPPED = ("model_card.json", "README.md")
WEIGHTS = "model.safetensors"
MAX_MRR_LOSS = 0.01      # relative: the shipped form must keep MRR@10 within 1% of the float model
CLASSIFIER_FILE = "category_classifier.joblib"

ENCODER_USE = ("Ranking open jobs for a candidate's profile text (skills, experience, wishes) and finding "
               "similar jobs; embedding postings for the category classifier.")
ENCODER_LIMITS = ("Trained on English postings (Google, Dice, Glassdoor, Armenian and LA City job bulletins, "
                  "generated jobs): other languages and fields far from these match worse. Measured on held-out "
                  "postings of the same sources, not on real candidates' profiles. Scores are cosine similarities, "
                  "not probabilities of a good fit; a recommendation is a suggestion, never a screening decision.")


def fp16_weights(source: Path) -> bytes:
    """The weights of a float32 safetensors file as fp16 (integer tensors unchanged)."""
    from safetensors.torch import load_file, save

    tensors = load_file(str(source))
    return save({k: v.half().contiguous() if v.is_floating_point() else v for k, v in tensors.items()},
                metadata={"format": "pt"})


def held_out_retrieval(model_folder: Path, card: dict) -> dict:
    """Held-out real retrieval of a model folder with the evaluator of its training (same queries, same
    corpus, same seed); {} when the real postings are not on this machine."""
    from sentence_transformers import SentenceTransformer
    import torch

    from engine.recsys.finetune import TrainConfig, _headline, collect_postings, ir_evaluator
    from engine.recsys.realdata import is_held_out

    params = card.get("parameters", {})
    cfg = TrainConfig(**{k: v for k, v in params.items() if k in TrainConfig.__dataclass_fields__ and k != "output"})
    held = [j for j in collect_postings(cfg)["real"] if is_held_out(j)]
    if len(held) < 20:
        return {}
    queries = cfg.eval_queries or TrainConfig().eval_queries   # a run that skipped its evaluation recorded 0
    evaluator = ir_evaluator(held, "heldout-real", queries, random.Random(cfg.seed))
    model = SentenceTransformer(str(model_folder), device="cpu", model_kwargs={"dtype": torch.float32})
    model.max_seq_length = cfg.max_seq_length
    return _headline(evaluator(model), evaluator.name)


def ship_encoder(source: Path | None = None, check: bool = True, log=print) -> shipped.Shipped:
    source = Path(source or enc.finetuned_path())
    if not (source / WEIGHTS).is_file() or not (source / "model_card.json").is_file():
        raise FileNotFoundError(f"No trained Job-Rec-v1 in {source}: run `python -m engine train encoder` first.")
    card = json.loads((source / "model_card.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        form = Path(tmp)
        for file in sorted(source.rglob("*")):
            name = str(file.relative_to(source))
            if file.is_file() and name not in (*NOT_SHIPPED, WEIGHTS):
                (form / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, form / name)
        (form / WEIGHTS).write_bytes(fp16_weights(source / WEIGHTS))
        float_scores = card.get("evaluation", {}).get("after", {}).get("real", {})
        shipped_scores = {}
        if check:
            if not float_scores:   # a training run without its evaluation (--eval-queries 0): measure it now
                log("measuring the float model on the held-out real postings (the training's evaluator) ...")
                float_scores = held_out_retrieval(source, card)
            log("measuring the fp16 form on the held-out real postings (the training's evaluator) ...")
            shipped_scores = held_out_retrieval(form, card)
            if shipped_scores and float_scores:
                loss = 1 - shipped_scores["mrr@10"] / float_scores["mrr@10"]
                log(f"  float MRR@10 {float_scores['mrr@10']:.4f}, fp16 {shipped_scores['mrr@10']:.4f} ({loss:+.2%} lost)")
                if loss > MAX_MRR_LOSS:
                    raise RuntimeError(f"The fp16 form loses {loss:.1%} of MRR@10 (more than {MAX_MRR_LOSS:.0%}): not shipped.")
        files = {str(f.relative_to(form)): f for f in sorted(form.rglob("*")) if f.is_file()}
        return shipped.ship(shipped.JOB_REC, files, {
            "title": "Job-Rec-v1 (sentence encoder for job matching)",
            "base_model": card.get("base_model"),
            "form": "fp16 safetensors, loaded as float32 (sentence-transformers folder)",
            "trained_by": {"command": card.get("command", "python -m engine train encoder"),
                           "commit": card.get("commit", "unknown"), "trained_at": card.get("trained_at"),
                           "training": card.get("training")},
            "data": card.get("data"),
            "parameters": card.get("parameters"),
            "split": {k: v for k, v in card.get("split", {}).items() if k != "held_out_keys"},
            "metrics": {"what": card.get("evaluation", {}).get("what"),
                        "held_out_before_pretrained": card.get("evaluation", {}).get("before"),
                        "held_out_after_float": card.get("evaluation", {}).get("after") or {"real": float_scores},
                        "held_out_real_shipped_form": shipped_scores or "not measured (no real postings here)"},
            "intended_use": ENCODER_USE,
            "limits": ENCODER_LIMITS,
        })


def ship_classifier(log=print) -> shipped.Shipped:
    """Ship the category classifier trained here on Job-Rec-v1 vectors, re-stamped for the shipped
    Job-Rec-v1 (its fp16 form gives the float model's vectors to cosine 0.99999)."""
    import io

    import joblib

    from engine.recsys import classifier, embeddings

    model = classifier.load_model()
    if model is None or model.encoder != embeddings.JOB_REC:
        raise FileNotFoundError("No category classifier on Job-Rec-v1 vectors here: run "
                                "`python -m engine train classifier` (after `train encoder`) first.")
    encoder = shipped.load(shipped.JOB_REC)
    if encoder is None:
        raise RuntimeError("Ship Job-Rec-v1 first (`python -m engine ship encoder`): the classifier reads its vectors.")
    model.encoder_stamp = f"{embeddings.JOB_REC}@{encoder.version}"
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    metrics = json.loads(classifier.metrics_path().read_text()) if classifier.metrics_path().is_file() else dict(model.metrics)
    keep = {k: v for k, v in metrics.items() if k not in ("confusion_matrix", "learning_curve", "model_file")}
    return shipped.ship(shipped.CLASSIFIER, {CLASSIFIER_FILE: buffer.getvalue()}, {
        "title": "Job category classifier (SGD on Job-Rec-v1 part vectors)",
        "form": "joblib (a pickle: built by this command from our code and data, loaded only after its checksum passes)",
        "encoder_version": model.encoder_stamp,
        "trained_by": {"command": "python -m engine train classifier", "commit": metrics.get("commit", shipped.git_commit())},
        "data": {"postings": metrics.get("postings"), "classes": metrics.get("classes"), "source": metrics.get("data"),
                 "split": metrics.get("split")},
        "metrics": keep,
        "intended_use": "Suggesting a category while a recruiter posts a job (the recruiter confirms or changes it).",
        "limits": f"{metrics.get('classes')} categories of our taxonomy; trained on generated postings and held-out "
                  "real postings whose categories were inferred from titles at import, so its labels share those "
                  f"guesses. {1 - float(metrics.get('accuracy') or 0):.0%} of the test postings got another category "
                  "than their label: a suggestion, never a filter.",
    })
