"""Job category classifier (`python -m engine train classifier`), as the founding design built it:
SGDClassifier(loss="log_loss") on sentence embeddings (Job-Rec-v1 when trained, else all-MiniLM-L6-v2; each
posting read as several part vectors side by side, see `catfeatures`), classes balanced with RandomOverSampler, a stratified 80/20 split with a fixed seed, trained epoch by epoch
with partial_fit so the learning curve (train and test accuracy per epoch) comes for free.

`suggest_category(job)` proposes a category when a recruiter posts a job. A fresh machine has no trained
models (artifacts/models is not in git), so a small classifier on the PRETRAINED all-MiniLM-L6-v2 embeddings
(which every machine has) ships in the repository (`engine/recsys/shipped/`, rebuilt by
`python -m engine train classifier --ship`). `suggest_category` uses, of the classifiers whose encoder is here,
the one with the better measured held-out accuracy.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine import config

SEED = 42
EPOCHS = 30                 # used when no tuning is asked for (tests, explicit --epochs)
ALPHAS = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3)   # SGD regularisation strengths tried by tune_sgd
MAX_EPOCHS = 60             # tune_sgd picks the best epoch count up to this
TEST_SHARE = 0.2
MIN_PER_CLASS = 5           # a class needs this many postings to be learnt and tested


@dataclass
class CategoryModel:
    classifier: object                  # SGDClassifier
    labels: list[str]
    encoder: str                        # model name the embeddings came from
    encoder_stamp: str = ""
    metrics: dict = field(default_factory=dict)
    features: str = ""                  # catfeatures.FEATURES_VERSION; "" = one job_text vector (older models)


def vectors_for(model: CategoryModel, jobs: list[dict], cache: bool = True, show_progress: bool = False) -> np.ndarray:
    """The vectors a classifier was trained on, for `jobs`."""
    from engine.recsys import catfeatures, embeddings
    from engine.recsys.evaldata import job_text

    version = getattr(model, "features", "")  # classifiers pickled before the field existed read one vector
    if version == catfeatures.FEATURES_VERSION:
        return catfeatures.features(jobs, model.encoder, show_progress=show_progress, cache=cache)
    if version:
        raise ValueError(f"Unknown classifier features {version!r}: retrain with `python -m engine train classifier`.")
    return embeddings.embed([job_text(j) for j in jobs], model.encoder, show_progress=show_progress, cache=cache)


def model_path() -> Path:
    return config.artifacts_dir() / "models" / "category_classifier.joblib"


def metrics_path() -> Path:
    return config.artifacts_dir() / "metrics" / "classifier.json"


def shipped_model_path() -> Path:
    """The git-tracked classifier on pretrained MiniLM vectors (tens of KB)."""
    return Path(__file__).resolve().parent / "shipped" / "category_classifier.joblib"


def shipped_metrics_path() -> Path:
    return config.artifacts_dir() / "metrics" / "classifier_shipped.json"


def stratified_split(labels: list[str], test_share: float = TEST_SHARE, seed: int = SEED):
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(labels))
    return train_test_split(idx, test_size=test_share, stratify=labels, random_state=seed)


def classification_metrics(y_true, y_pred, labels: list[str]) -> dict:
    """Accuracy, weighted and macro precision/recall/F1, confusion matrix (rows = true, columns = predicted)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    out = {"accuracy": round(float(accuracy_score(y_true, y_pred)), 4)}
    present = [label for label in labels if label in set(y_true)]  # a class absent from the test part is not scored
    for avg in ("weighted", "macro"):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=present, average=avg, zero_division=0)
        out |= {f"{avg}_precision": round(float(p), 4), f"{avg}_recall": round(float(r), 4),
                f"{avg}_f1": round(float(f), 4)}
    out["confusion_matrix"] = {"labels": labels,
                               "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()}
    return out


def validation_split(labels: list[str], share: float = TEST_SHARE, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """A stratified validation part of a training part; classes too small to split stay in the fit part."""
    from collections import Counter

    counts = Counter(labels)
    splittable = [i for i, y in enumerate(labels) if counts[y] >= 2]
    rest = [i for i, y in enumerate(labels) if counts[y] < 2]
    fit, val = stratified_split([labels[i] for i in splittable], share, seed)
    return np.array(sorted([splittable[i] for i in fit] + rest)), np.array(sorted(splittable[i] for i in val))


def tune_sgd(X: np.ndarray, y: list[str], alphas=ALPHAS, max_epochs: int = MAX_EPOCHS,
             seed: int = SEED) -> dict:
    """Choose alpha and the number of epochs on a validation part of the TRAINING data (never the test part):
    the best weighted F1 over every (alpha, epoch) of the partial_fit runs, ties (common when the validation
    part is easy) broken by the lower validation log loss. Returns {alpha, epochs, val_weighted_f1,
    val_accuracy, val_macro_f1} (the validation scores of the chosen setting)."""
    from sklearn.metrics import accuracy_score, f1_score, log_loss

    fit, val = validation_split(list(y), seed=seed)
    y = np.asarray(y)
    scored = []   # (weighted F1, -log loss, alpha, epoch, accuracy, macro F1)

    def score(clf, alpha):
        pred = clf.predict(X[val])
        f1 = f1_score(y[val], pred, average="weighted")
        loss = log_loss(y[val], clf.predict_proba(X[val]), labels=clf.classes_)
        scored.append((round(float(f1), 6), -float(loss), alpha, len([s for s in scored if s[2] == alpha]) + 1,
                       float(accuracy_score(y[val], pred)), float(f1_score(y[val], pred, average="macro"))))

    for alpha in alphas:
        fit_sgd(X[fit], list(y[fit]), X[val], list(y[val]), max_epochs, seed, alpha=alpha,
                on_epoch=lambda clf, a=alpha: score(clf, a))
    f1, _, alpha, epochs, accuracy, macro = max(scored)
    return {"alpha": alpha, "epochs": epochs, "val_weighted_f1": round(f1, 4), "val_accuracy": round(accuracy, 4),
            "val_macro_f1": round(macro, 4)}


def fit_sgd(X_train: np.ndarray, y_train: list[str], X_test: np.ndarray, y_test: list[str],
            epochs: int = EPOCHS, seed: int = SEED, progress=None, alpha: float = 1e-4,
            on_epoch=None) -> tuple[object, list[dict]]:
    """Oversample the training part, then one partial_fit pass per epoch over a fresh shuffle.
    Returns (classifier, learning curve [{epoch, train_accuracy, test_accuracy}])."""
    from imblearn.over_sampling import RandomOverSampler
    from sklearn.linear_model import SGDClassifier

    X_bal, y_bal = RandomOverSampler(random_state=seed).fit_resample(X_train, np.asarray(y_train))
    classes = np.unique(np.concatenate([np.asarray(y_train), np.asarray(y_test)]))
    clf = SGDClassifier(loss="log_loss", alpha=alpha, random_state=seed)
    rng = np.random.default_rng(seed)
    curve = []
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(y_bal))
        clf.partial_fit(X_bal[order], y_bal[order], classes=classes)
        if on_epoch:
            on_epoch(clf)
            continue
        curve.append({"epoch": epoch,
                      "train_accuracy": round(float((clf.predict(X_train) == np.asarray(y_train)).mean()), 4),
                      "test_accuracy": round(float((clf.predict(X_test) == np.asarray(y_test)).mean()), 4)
                      if len(y_test) else None})
        if progress:
            progress()
    return clf, curve


def train_on_vectors(X: np.ndarray, labels: list[str], epochs: int | None = EPOCHS, seed: int = SEED,
                     split: tuple[np.ndarray, np.ndarray] | None = None, progress=None,
                     alpha: float = 1e-4) -> tuple[object, dict]:
    """Split (stratified 80/20 unless `split` is given), fit, measure. Returns (classifier, metrics).
    epochs=None: alpha and epochs are tuned on a validation part of the training part (`tune_sgd`)."""
    labels = list(labels)
    train_idx, test_idx = split if split is not None else stratified_split(labels, seed=seed)
    y_train, y_test = [labels[i] for i in train_idx], [labels[i] for i in test_idx]
    tuning = None
    if epochs is None:
        tuning = tune_sgd(X[train_idx], y_train, seed=seed)
        epochs, alpha = tuning["epochs"], tuning["alpha"]
    clf, curve = fit_sgd(X[train_idx], y_train, X[test_idx], y_test, epochs, seed, progress, alpha=alpha)
    order = sorted(set(labels))
    metrics = classification_metrics(y_test, clf.predict(X[test_idx]), order)
    majority = max(set(y_train), key=y_train.count)
    metrics |= {
        "majority_class_accuracy": round(float(np.mean([y == majority for y in y_test])), 4),
        "learning_curve": curve, "train_size": len(train_idx), "test_size": len(test_idx),
        "classes": len(order), "epochs": epochs, "alpha": alpha,
    } | ({"tuning": tuning | {"on": "a stratified 20% validation part of the training part"}} if tuning else {})
    return clf, metrics


def training_postings() -> tuple[list[dict], str]:
    """Generated postings (exact categories) plus held-out real postings with a category other than
    "Other" (categories inferred at import), none of which the encoder trained on."""
    from engine.recsys import evaldata

    jobs = evaldata.generated_postings()
    try:
        jobs += [j for j in evaldata.held_out_real() if j.get("category") and j["category"] != "Other"]
    except (OSError, ValueError):
        pass
    return jobs, "generated postings + held-out real postings (our categories)"


def train(jobs: list[dict] | None = None, epochs: int | None = None, encoder: str | None = None, save: bool = True,
          log=print, ship: bool = False) -> dict:
    """Embed, train, save model (joblib) and metrics (artifacts/metrics/classifier.json).
    epochs=None tunes alpha and epochs on a validation part of the training part.
    ship=True: the repository's classifier on pretrained MiniLM vectors (shipped_model_path), its metrics in
    artifacts/metrics/classifier_shipped.json."""
    import joblib
    from collections import Counter
    from tqdm import tqdm

    from engine.recsys import catfeatures, embeddings

    from engine import shipped

    started = time.time()
    commit = shipped.git_commit()
    source = "given postings"
    if ship:
        from engine.recsys.embeddings import PRETRAINED

        if encoder not in (None, PRETRAINED):
            raise ValueError("The shipped classifier reads pretrained all-MiniLM-L6-v2 vectors only.")
        encoder = PRETRAINED
    if jobs is None:
        jobs, source = training_postings()  # the same postings for both: their vectors are cached by the evaluations
    counts = Counter(j.get("category") for j in jobs)
    jobs = [j for j in jobs if j.get("category") and counts[j["category"]] >= MIN_PER_CLASS]
    if len({j["category"] for j in jobs}) < 2:
        raise ValueError("The classifier needs postings of at least two categories.")
    encoder = encoder or embeddings.available_models()[-1]
    if log:
        log(f"embedding {len(jobs)} postings with {encoder} ...")
    X = catfeatures.features(jobs, encoder, show_progress=bool(log))
    labels = [j["category"] for j in jobs]
    with tqdm(total=epochs or None, desc="epochs", disable=not log) as bar:
        clf, metrics = train_on_vectors(X, labels, epochs, progress=bar.update)
    metrics = {"task": "job category from the job text", "encoder": encoder, "features": catfeatures.FEATURES_VERSION,
               "data": source,
               "postings": len(jobs), "split": f"stratified {int((1 - TEST_SHARE) * 100)}/{int(TEST_SHARE * 100)}, "
               f"seed {SEED}", "model": "SGDClassifier(loss='log_loss') + RandomOverSampler",
               **metrics, "seconds": round(time.time() - started, 1), "commit": commit}
    if save:
        # the shipped model keeps no stamp: the pretrained folder's file times differ from machine to machine
        stamp = "" if ship else embeddings.model_stamp(encoder)
        summary = {k: v for k, v in metrics.items() if k not in ("confusion_matrix", "learning_curve")}
        bundle = CategoryModel(clf, sorted(set(labels)), encoder, stamp, summary, catfeatures.FEATURES_VERSION)
        target, metrics_file = (shipped_model_path(), shipped_metrics_path()) if ship else (model_path(), metrics_path())
        target.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(bundle, target, compress=3)
        metrics["model_file"] = {"path": str(target.relative_to(target.parents[3])) if ship else target.name,
                                 "bytes": target.stat().st_size}
        metrics_file.parent.mkdir(parents=True, exist_ok=True)
        metrics_file.write_text(json.dumps(metrics, indent=2) + "\n")
        _cache.clear()
    return metrics


_cache: dict[str, tuple[float, CategoryModel]] = {}
_lock = threading.Lock()


def load_model(path: Path | None = None) -> CategoryModel | None:
    import joblib

    path = path or model_path()
    if not path.is_file():
        return None
    mtime = path.stat().st_mtime
    with _lock:
        if str(path) not in _cache or _cache[str(path)][0] != mtime:
            _cache[str(path)] = (mtime, joblib.load(path))
        return _cache[str(path)][1]


def _matches_encoder(model: CategoryModel | None) -> bool:
    """Its encoder is on this machine and (when it recorded one) has the same stamp: vectors of another
    model, or of a retrained one, would mislead it."""
    from engine.recsys import embeddings

    if model is None or model.encoder not in embeddings.available_models():
        return False
    return not model.encoder_stamp or model.encoder_stamp == embeddings.model_stamp(model.encoder)


def _held_out_accuracy(model: CategoryModel) -> float:
    return float((model.metrics or {}).get("accuracy") or 0.0)


def shipped_jobrec_model_path() -> Path | None:
    """The classifier on Job-Rec-v1 vectors shipped with Job-Rec-v1 (artifacts/models/shipped/), when its
    checksum passes: it is a pickle, never loaded unchecked."""
    from engine import shipped
    from engine.recsys.ship_models import CLASSIFIER_FILE

    found = shipped.load(shipped.CLASSIFIER)
    return found.path(CLASSIFIER_FILE) if found else None


def active_model() -> CategoryModel | None:
    """Of the classifier trained here, the one shipped with Job-Rec-v1 and the one on pretrained vectors,
    those whose encoder is here, the one with the better held-out accuracy (all are measured on the same
    postings and split by `train`); the earlier in that order on a tie; None when none can run."""
    jobrec = shipped_jobrec_model_path()
    candidates = (load_model(), load_model(jobrec) if jobrec else None, load_model(shipped_model_path()))
    usable = [m for m in candidates if _matches_encoder(m)]
    return max(usable, key=_held_out_accuracy) if usable else None  # max keeps the first of equals


def suggest_category(job_fields: dict) -> tuple[str, float, list[tuple[str, float]]] | None:
    """(category, probability, top 3 [(category, probability)]) for a job being posted; None when no
    classifier matches an encoder on this machine (not even the shipped one), or the job has no text yet."""
    from engine.recsys.evaldata import job_text

    model = active_model() if job_text(job_fields).strip() else None
    if model is None:
        return None  # nothing to read, or no classifier whose encoder is here
    probs = model.classifier.predict_proba(vectors_for(model, [job_fields], cache=False))[0]
    ranked = sorted(zip(model.classifier.classes_, probs), key=lambda p: -p[1])[:3]
    top3 = [(str(c), round(float(p), 4)) for c, p in ranked]
    return top3[0][0], top3[0][1], top3
