"""Training the coach GPT from scratch on the training split, and measuring it honestly on the held-out split.

Data: every training pair becomes ``<bos> <q> question <a> answer <eos>``; the pairs (in a fixed shuffled
order) are joined into one token stream and cut into overlapping windows of seq_len+1 tokens (input = the
first seq_len, target = the same shifted by one). A small dev split carved from the training pairs drives
early stopping, so the held-out pairs are only ever measured, never used to pick a checkpoint.
"""
from __future__ import annotations

import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from engine.coach import corpus as corpus_mod
from engine.coach import paths
from engine.coach.corpus import Corpus, QAPair
from engine.coach.generate import TOKENIZER_FILE
from engine.coach.tokenizer import fit_tokenizer

METRICS_FILE = "metrics.json"
DEV_FRACTION = 0.1
CONFUSION_TOKENS = 30


def token_stream(pairs: list[QAPair], tokenizer, seed: int) -> list[int]:
    order = np.random.default_rng(seed).permutation(len(pairs))
    stream: list[int] = []
    for i in order:
        stream += tokenizer.encode_pair(pairs[i].question, pairs[i].answer)
    return stream


def windows(stream: list[int], seq_len: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """(N, T) inputs and (N, T) next-token targets; the tail is padded with 0, which the loss ignores."""
    starts = range(0, max(1, len(stream) - 1), stride)
    x = np.zeros((len(starts), seq_len), dtype="int32")
    y = np.zeros((len(starts), seq_len), dtype="int32")
    for row, s in enumerate(starts):
        chunk = stream[s:s + seq_len + 1]
        x[row, :len(chunk) - 1] = chunk[:-1]
        y[row, :len(chunk) - 1] = chunk[1:]
    return x, y


def dev_split(train: list[QAPair]) -> tuple[list[QAPair], list[QAPair]]:
    """Carve an early-stopping dev set out of the training pairs, stable by id hash."""
    dev = {p.id for p in train if corpus_mod.assign_new("dev:" + p.id, DEV_FRACTION)}
    return [p for p in train if p.id not in dev], [p for p in train if p.id in dev]


def measure(model, x: np.ndarray, y: np.ndarray, batch_size: int = 64) -> dict:
    """Perplexity and next-token accuracy over real (non-pad) target tokens, plus the predictions."""
    probs_true, preds = [], []
    for i in range(0, len(x), batch_size):
        p = np.asarray(model.predict_on_batch(x[i:i + batch_size]))           # (B, T, V), numpy on any backend
        yt = y[i:i + batch_size]
        probs_true.append(np.take_along_axis(p, yt[..., None], -1)[..., 0])
        preds.append(p.argmax(-1))
    pt, pred = np.concatenate(probs_true), np.concatenate(preds)
    mask = y != 0
    nll = -np.log(np.clip(pt[mask], 1e-12, 1.0))
    return {"tokens": int(mask.sum()), "loss": float(nll.mean()), "perplexity": float(math.exp(nll.mean())),
            "accuracy": float((pred[mask] == y[mask]).mean()), "_pred": pred}


def confusion(y: np.ndarray, pred: np.ndarray, tokenizer, k: int = CONFUSION_TOKENS) -> dict:
    mask = y != 0
    top = [t for t, _ in Counter(y[mask].tolist()).most_common(k)]
    col = {t: i for i, t in enumerate(top)}
    m = np.zeros((len(top), len(top) + 1), dtype=int)       # last column: predicted something else
    for t, p in zip(y[mask].tolist(), pred[mask].tolist()):
        if t in col:
            m[col[t], col.get(p, len(top))] += 1
    return {"labels": [tokenizer.vocab[t] for t in top], "columns": [tokenizer.vocab[t] for t in top] + ["(other)"],
            "matrix": m.tolist()}


def pair_chars(pairs: list[QAPair]) -> int:
    """The characters of text a token stream of these pairs spells (questions and answers as written)."""
    return sum(len(p.question) + len(p.answer) for p in pairs)


def bits_per_char(measured: dict, chars: int) -> float:
    """The total negative log-likelihood of a text in bits, per character of that text: unlike perplexity
    it does not depend on how the text was cut into tokens, so word and BPE models compare. (The word
    model's figure flatters it a little: it is never charged for case, nor for spelling an unknown word.)"""
    return measured["loss"] * measured["tokens"] / math.log(2) / max(1, chars)


def unigram_perplexity(train_stream: list[int], y: np.ndarray, vocab: int) -> float:
    """A baseline that ignores context: how surprised word frequencies alone would be (add-one smoothed)."""
    counts = np.bincount(np.asarray(train_stream), minlength=vocab).astype(float) + 1.0
    logp = np.log(counts / counts.sum())
    return float(math.exp(-logp[y[y != 0]].mean()))


def score_pairs(model, tokenizer, pairs: list[QAPair], seq_len: int, seed: int) -> dict:
    """Perplexity, next-token accuracy and bits per character of the pairs laid out as training pairs are
    (joined, in windows of seq_len, every token scored once); "_pred" holds the predictions."""
    x, y = windows(token_stream(pairs, tokenizer, seed), seq_len, seq_len)
    measured = measure(model, x, y, batch_size=16)        # (16, T, V) probabilities at a time: V may be 5,000
    measured["bits_per_char"] = bits_per_char(measured, pair_chars(pairs))
    measured["_y"] = y
    return measured


def public(measured: dict) -> dict:
    return {k: v for k, v in measured.items() if not k.startswith("_")}


def language_report(model, tokenizer, fit_pairs: list[QAPair], heldout: list[QAPair], seq_len: int, seed: int) -> dict:
    """The language-model figures every trained coach GPT records in metrics.json: held-out perplexity,
    accuracy and bits per character, the training split's beside them, a unigram baseline and the confusion
    matrix of the most frequent held-out tokens."""
    held = score_pairs(model, tokenizer, heldout, seq_len, seed) if heldout else None
    fit_stream = token_stream(fit_pairs, tokenizer, seed)
    heldout_text = " ".join(p.question + " " + p.answer for p in heldout)
    return {
        "heldout_oov_rate": round(tokenizer.oov_rate(heldout_text), 4),
        "heldout": public(held) if held else None,
        "train_split": public(score_pairs(model, tokenizer, fit_pairs, seq_len, seed)),
        "baseline_unigram_heldout_perplexity": unigram_perplexity(fit_stream, held["_y"], len(tokenizer)) if held else None,
        "confusion_top30_heldout": confusion(held["_y"], held["_pred"], tokenizer) if held else None,
    }


def train(config=None, corpus: Corpus | None = None, out_dir: str | Path | None = None, *, verbose: bool = True) -> dict:
    from engine.coach import model as gpt
    import keras

    config = config or gpt.CoachConfig()
    corpus = corpus or corpus_mod.load_corpus()
    out_dir = Path(out_dir or paths.artifacts())
    out_dir.mkdir(parents=True, exist_ok=True)
    started, cpu_started = time.time(), time.process_time()
    from engine import shipped

    commit = shipped.git_commit()   # the code that trains, recorded before it can change under a long run
    # the budget counts CPU time / 2, i.e. wall time on two dedicated cores: on this shared machine wall time
    # depends on other people's load, so the same run stops after the same amount of work either way
    two_core_minutes = lambda: (time.process_time() - cpu_started) / 2 / 60  # noqa: E731

    fit_pairs, dev_pairs = dev_split(corpus.train)
    if not dev_pairs:                                     # a tiny corpus: measure dev on the fit pairs
        dev_pairs = fit_pairs[:1]
    tokenizer = fit_tokenizer(config.tokenizer, (t for p in corpus.train for t in (p.question, p.answer)),
                              config.vocab_size)
    config.vocab_size = len(tokenizer)                    # a small corpus may have fewer words than 5,000
    fit_stream = token_stream(fit_pairs, tokenizer, config.seed)
    x, y = windows(fit_stream, config.seq_len, config.stride)
    xd, yd = windows(token_stream(dev_pairs, tokenizer, config.seed), config.seq_len, config.seq_len)
    heldout_stream = token_stream(corpus.heldout, tokenizer, config.seed)
    xh, yh = windows(heldout_stream, config.seq_len, config.seq_len)   # every held-out token scored once
    log = print if verbose else (lambda *a, **k: None)
    log(f"coach: {len(fit_pairs)} training pairs ({len(fit_stream)} tokens, {len(x)} windows), "
        f"{len(dev_pairs)} dev pairs, {len(corpus.heldout)} held-out pairs; vocabulary {len(tokenizer)}")

    model = gpt.build_model(config)
    history: list[dict] = []

    class EpochLog(keras.callbacks.Callback):
        """Per-epoch curve (train, dev, held-out) and the wall-time budget."""

        def on_epoch_end(self, epoch, logs=None):
            held = measure(self.model, xh, yh) if len(xh) else {}
            history.append({"epoch": epoch + 1, "loss": logs.get("loss"), "accuracy": logs.get("masked_accuracy"),
                            "dev_loss": logs.get("val_loss"), "dev_accuracy": logs.get("val_masked_accuracy"),
                            "heldout_loss": held.get("loss"), "heldout_accuracy": held.get("accuracy"),
                            "seconds": round(time.time() - started, 1),
                            "two_core_minutes": round(two_core_minutes(), 2)})
            if two_core_minutes() > config.max_minutes:
                log(f"coach: budget of {config.max_minutes} two-core minutes reached after epoch {epoch + 1}")
                self.model.stop_training = True
            if config.max_wall_minutes and time.time() - started > config.max_wall_minutes * 60:
                log(f"coach: wall-clock cap of {config.max_wall_minutes} min reached after epoch {epoch + 1}")
                self.model.stop_training = True

    early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=4, restore_best_weights=True)
    model.fit(x, y, validation_data=(xd, yd), batch_size=config.batch_size, epochs=config.epochs, shuffle=True,
              callbacks=[EpochLog(), early], verbose=(1 if sys.stdout.isatty() else 2) if verbose else 0)

    report = language_report(model, tokenizer, fit_pairs, corpus.heldout, config.seq_len, config.seed)
    gpt.save(model, config, out_dir)
    tokenizer.save(out_dir / TOKENIZER_FILE)
    metrics = {
        "model": "coach GPT (Keras 3, trained from scratch)",
        "command": paths.train_command(),
        "commit": commit,
        "parameters": int(model.count_params()),
        "config": config.__dict__,
        "corpus": {"pairs": len(corpus.pairs), "train_pairs": len(fit_pairs), "dev_pairs": len(dev_pairs),
                   "heldout_pairs": len(corpus.heldout), "train_tokens": len(fit_stream),
                   "heldout_tokens": len(heldout_stream), "fingerprint": corpus.fingerprint()},
        "tokenizer": tokenizer.kind,
        "vocab_size": len(tokenizer),
        "epochs_run": len(history),
        "best_epoch": (int(np.argmin([h["dev_loss"] for h in history])) + 1) if history else None,
        "train_wall_seconds": round(time.time() - started, 1),
        "train_cpu_seconds": round(time.process_time() - cpu_started, 1),
        "train_two_core_minutes": round(two_core_minutes(), 2),
        "history": history,
        **report,
        "note": "perplexity and accuracy exclude padding; held-out pairs are never trained on or used for "
                "early stopping (a dev split carved from the training pairs is)",
    }
    (out_dir / METRICS_FILE).write_text(json.dumps(metrics, indent=1) + "\n")
    log_heldout(metrics, out_dir, log)
    return metrics


def log_heldout(metrics: dict, out_dir: Path, log) -> None:
    held = metrics.get("heldout")
    if held:
        log(f"coach: held-out perplexity {held['perplexity']:.1f}, {held['bits_per_char']:.3f} bits per character, "
            f"next-token accuracy {held['accuracy']:.3f} "
            f"(training split: {metrics['train_split']['accuracy']:.3f}); saved to {out_dir}")


COACH_USE = ("Practice answers to common interview questions in the coach's GPT modes ('gpt' writes freely, "
             "'retrieval+gpt' writes from the closest corpus answer); the sources shown come from retrieval.")
COACH_LIMITS = ("A {size} GPT trained from scratch on {data}: "
                "its text is often generic or ungrammatical, it knows nothing beyond the corpus and may state "
                "wrong facts with confidence. Advice to weigh, never a verdict on a candidate.")


def coach_limits(metrics: dict) -> str:
    """The model card's limits, in the words of what was trained (size, tokenizer, data)."""
    kind = {"word": "word-level", "bpe": "byte-level BPE"}.get(metrics.get("tokenizer", "word"), "")
    size = f"{(metrics.get('parameters') or 0) / 1e6:.1f}M-parameter {kind}".strip()
    pairs = (metrics.get("corpus") or {}).get("train_pairs")
    data = f"{pairs:,} question/answer pairs" if pairs else "a few hundred question/answer pairs"
    if metrics.get("stage") == "finetune":
        data = f"job-posting and occupation text, then fine-tuned on {data}"
    return COACH_LIMITS.format(size=size, data=data)


HALF_TOLERANCE = 2e-3      # next-token probabilities of float16 vs float32 weights may differ by this much


def ship(folder: str | Path | None = None) -> "shipped.Shipped":
    """Ship the coach GPT trained in ``folder`` (weights, tokenizer, config) with its metrics as the model
    card (`python -m engine ship coach`, or `train coach --ship`). Only the weights ship, as float16: the
    training file also holds Adam's moments (3x the size), which generation never reads, and float16 instead
    of float32 changes no answer (checked below against the trained model's next-token probabilities)."""
    import tempfile

    from engine import shipped
    from engine.coach import model as gpt

    folder = Path(folder or paths.artifacts())
    files = {name: folder / name for name in (gpt.CONFIG_FILE, TOKENIZER_FILE, METRICS_FILE)}
    missing = [n for n, f in files.items() if not f.is_file()]
    missing += [] if gpt.weights_file(folder) else [gpt.WEIGHTS_FILE]
    if missing:
        raise FileNotFoundError(f"No trained coach in {folder} ({', '.join(missing)} missing): run `{paths.train_command()}` first.")
    metrics = json.loads(files.pop(METRICS_FILE).read_text())
    net, _ = gpt.load(folder)
    if gpt.weights_megabytes(net) > gpt.SHIP_LIMIT_MB:
        raise ValueError(f"The coach GPT in {folder} has {gpt.weights_megabytes(net)} MB of weights, over the "
                         f"{gpt.SHIP_LIMIT_MB:.0f} MB that may ship: train a smaller shape.")
    probe = np.arange(1, 17, dtype="int32")[None, :]                               # (1, 16)
    with tempfile.TemporaryDirectory() as tmp:
        files[gpt.HALF_WEIGHTS_FILE] = Path(tmp) / gpt.HALF_WEIGHTS_FILE
        gpt.save_half(net, files[gpt.HALF_WEIGHTS_FILE])
        found = shipped.ship(shipped.COACH, files, {
            "title": "Interview-coach GPT (Keras 3, trained from scratch)",
            "form": "Keras model weights as float16 arrays (.npz, no optimizer state; read back as float32) + "
                    "CoachConfig JSON + "
                    f"{metrics.get('tokenizer', 'word')} tokenizer",
            "trained_by": {"command": metrics.get("command", paths.train_command()), "commit": metrics.get("commit", "unknown"),
                           "train_wall_seconds": metrics.get("train_wall_seconds"),
                           "train_cpu_seconds": metrics.get("train_cpu_seconds")},
            "data": {"corpus": "data/coach (in the repository)", **(metrics.get("corpus") or {})},
            "parameters": metrics.get("config"),
            "metrics": {"parameters": metrics.get("parameters"), "heldout": metrics.get("heldout"),
                        "train_split": metrics.get("train_split"), "epochs_run": metrics.get("epochs_run"),
                        "best_epoch": metrics.get("best_epoch"),
                        "baseline_unigram_heldout_perplexity": metrics.get("baseline_unigram_heldout_perplexity"),
                        **({"stage": metrics["stage"], "pretraining": metrics.get("pretraining"),
                            "heldout_answers": metrics.get("heldout_answers")} if metrics.get("stage") else {})},
            "intended_use": COACH_USE,
            "limits": coach_limits(metrics),
        })
    again, _ = gpt.load(found.folder)
    if not np.allclose(np.asarray(again(probe)), np.asarray(net(probe)), atol=HALF_TOLERANCE):
        raise RuntimeError("The shipped coach weights do not reproduce the trained model.")
    return found
