"""Fine-tuning the pretrained coach GPT to answer (`python -m engine train coach --stage finetune`).

Starts from artifacts/coach/pretrained (its weights, config and tokenizer unchanged) and trains on the
corpus' training pairs laid out exactly as the product prompts the model, so that what it learns is what it
is asked:

- 'gpt' rows: `<bos> <q> question <a> answer <eos>` (generate.question_ids, as in the gpt mode);
- 'retrieval+gpt' rows: the 3 nearest OTHER training pairs, laid out by generate.rag_prompt, then the
  question and its answer. A pair is never its own source, as at answer time, where a held-out question is
  not in the index.

Each example is one row padded to the window, not a piece of a joined stream, and only the answer and its
closing <eos> count in the loss: the prompt's targets are <pad> (0), which the loss ignores. The model is
taught to answer after a prompt, not to write questions or recite sources. Early stopping on the dev pairs
carved from the training pairs (train.dev_split), whose sources come from the other training pairs only;
the held-out pairs are only measured. Writes artifacts/coach/, where the product loads a trained GPT.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from engine.coach import corpus as corpus_mod
from engine.coach import paths, pretrain, train
from engine.coach.budget import Budget, fit_within_budget
from engine.coach.corpus import Corpus, QAPair
from engine.coach.generate import TOKENIZER_FILE, question_ids, rag_prompt
from engine.coach.retrieval import SOURCES_K
from engine.coach.tokenizer import load_tokenizer

CPU_MINUTES = 20.0
PATIENCE = 4                      # measurements (epochs) without a better dev loss before stopping
KINDS = ("gpt", "retrieval+gpt")


def example(tokenizer, prompt: list[int], answer: str, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """One row: inputs and next-token targets of prompt + answer + <eos>, cut at the window, padded with 0;
    targets inside the prompt are 0, so only the answer and <eos> are learnt."""
    ids = (prompt + tokenizer.encode(answer) + [tokenizer.eos_id])[: seq_len + 1]
    x, y = np.zeros(seq_len, dtype="int32"), np.zeros(seq_len, dtype="int32")
    x[: len(ids) - 1], y[: len(ids) - 1] = ids[:-1], ids[1:]
    y[: len(prompt) - 1] = 0              # target i is token i+1: the first answer token is target len(prompt)-1
    return x, y


def neighbours(pairs: list[QAPair], index: list[QAPair], k: int = SOURCES_K) -> dict[str, list[QAPair]]:
    """For each pair, the k pairs of the index whose questions are nearest to its own (the retrieval of
    answer time: sentence-encoder cosine), never the pair itself."""
    from engine.coach.retrieval import Retriever

    queries, found = Retriever(pairs).vectors, Retriever(index)
    scores = queries @ found.vectors.T                                   # (pairs, index)
    result = {}
    for pair, row in zip(pairs, scores):
        ranked = (found.pairs[j] for j in np.argsort(-row, kind="stable"))
        result[pair.id] = [p for p in ranked if p.id != pair.id][:k] if k else []
    return result


def examples(pairs: list[QAPair], sources: dict[str, list[QAPair]], tokenizer, seq_len: int) -> dict[str, tuple]:
    """(x, y) rows of each kind ('gpt', 'retrieval+gpt'), one row per pair and kind."""
    rows: dict[str, list] = {kind: [] for kind in KINDS}
    for p in pairs:
        plain, _ = question_ids(tokenizer, p.question, seq_len // 2)
        rag, _, _ = rag_prompt(tokenizer, p.question, [(s.question, s.answer) for s in sources[p.id]], seq_len)
        rows["gpt"].append(example(tokenizer, plain, p.answer, seq_len))
        rows["retrieval+gpt"].append(example(tokenizer, rag, p.answer, seq_len))
    return {kind: (np.stack([r[0] for r in rs]), np.stack([r[1] for r in rs])) for kind, rs in rows.items() if rs}


def first_targets(y: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """y with only the first counts[i] real targets of each row i kept (the rest set to <pad>)."""
    kept = np.cumsum(y != 0, axis=1) <= counts[:, None]
    return np.where(kept, y, 0)


def joined(rows: dict[str, tuple]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([x for x, _ in rows.values()]), np.concatenate([y for _, y in rows.values()])


def load_pretrained(folder: Path):
    """The pretrained model, compiled to train on, its config and tokenizer; a clear error when missing."""
    from engine.coach import model as gpt

    need = [folder / gpt.WEIGHTS_FILE, folder / gpt.CONFIG_FILE, folder / TOKENIZER_FILE]
    if not all(f.is_file() for f in need):
        raise FileNotFoundError(f"No pretrained coach GPT in {folder}: run `{paths.train_command()} --stage "
                                f"pretrain` first (after `python -m engine coach-pretrain-text`).")
    model, config = gpt.load(folder, compile=True)
    return model, config, load_tokenizer(folder / TOKENIZER_FILE)


def finetune(*, pretrained: str | Path | None = None, out_dir: str | Path | None = None,
             cpu_minutes: float = CPU_MINUTES, wall_minutes: float | None = None, max_epochs: int | None = None,
             corpus: Corpus | None = None, progress: bool = False, verbose: bool = True) -> dict:
    """The fine-tuning stage: rows of both kinds, trained within the budget (at most max_epochs, default the
    config's), best dev checkpoint kept; saves the model, tokenizer and metrics.json to out_dir."""
    from engine import shipped
    from engine.coach import model as gpt

    log = print if verbose else (lambda *a, **k: None)
    cpu0, wall0 = time.process_time(), time.time()
    commit = shipped.git_commit()
    pretrained = Path(pretrained or pretrain.pretrained_dir())
    out_dir = Path(out_dir or paths.artifacts())
    model, config, tokenizer = load_pretrained(pretrained)
    pretrain_metrics = json.loads((pretrained / train.METRICS_FILE).read_text()) \
        if (pretrained / train.METRICS_FILE).is_file() else {}
    corpus = corpus or corpus_mod.load_corpus()
    fit_pairs, dev_pairs = train.dev_split(corpus.train)
    if not dev_pairs:                                     # a tiny corpus: measure dev on the fit pairs
        dev_pairs = fit_pairs[:1]
    seq = config.seq_len
    fit_rows = examples(fit_pairs, neighbours(fit_pairs, fit_pairs), tokenizer, seq)
    dev_rows = examples(dev_pairs, neighbours(dev_pairs, fit_pairs), tokenizer, seq)
    x, y = joined(fit_rows)
    xd, yd = joined(dev_rows)
    log(f"coach fine-tuning from {pretrained}: {len(fit_pairs)} training pairs ({len(x)} rows, "
        f"{int((y != 0).sum()):,} answer tokens), {len(dev_pairs)} dev pairs, {len(corpus.heldout)} held-out pairs; "
        f"budget {cpu_minutes} CPU minutes")

    def evaluate() -> dict:
        dev = train.measure(model, xd, yd, batch_size=16)
        point = {"dev_loss": dev["loss"], "dev_accuracy": dev["accuracy"]}
        if corpus.heldout:
            held = train.score_pairs(model, tokenizer, corpus.heldout, seq, config.seed)
            point.update(heldout_loss=held["loss"], heldout_accuracy=held["accuracy"])
        return point

    steps_per_epoch = max(1, len(x) // min(config.batch_size, len(x)))
    budget = Budget(cpu_minutes, wall_minutes, max_epochs or config.epochs)
    fit = fit_within_budget(model, x, y, budget, batch_size=config.batch_size, seed=config.seed, evaluate=evaluate,
                            eval_every_steps=steps_per_epoch, patience=PATIENCE, progress=progress, desc="fine-tune")
    history = fit.pop("curve")
    best = min(history, key=lambda h: h["dev_loss"])
    report = train.language_report(model, tokenizer, fit_pairs, corpus.heldout, seq, config.seed)
    answers = {}
    if corpus.heldout:                  # the answers alone, prompted as in each mode (index: the training pairs)
        held_rows = examples(corpus.heldout, neighbours(corpus.heldout, corpus.train), tokenizer, seq)
        answers = {kind: train.public(train.measure(model, *rows, batch_size=16)) for kind, rows in held_rows.items()}
        # a RAG row has room for fewer answer tokens: the plain rows scored on the same ones, for a fair comparison
        x_gpt, y_gpt = held_rows["gpt"]
        same = first_targets(y_gpt, (held_rows["retrieval+gpt"][1] != 0).sum(1))
        answers["gpt, on the answer tokens retrieval+gpt rows hold"] = train.public(train.measure(model, x_gpt, same, 16))
    gpt.save(model, config, out_dir)
    tokenizer.save(out_dir / TOKENIZER_FILE)
    metrics = {
        "stage": "finetune",
        "model": "coach GPT (Keras 3, trained from scratch): pretrained on job text, fine-tuned on the corpus",
        "command": f"{paths.train_command()} --stage finetune",
        "commit": commit,
        "parameters": int(model.count_params()),
        "weights_mb": gpt.weights_megabytes(model),
        "config": config.__dict__,
        "corpus": {"pairs": len(corpus.pairs), "train_pairs": len(fit_pairs), "dev_pairs": len(dev_pairs),
                   "heldout_pairs": len(corpus.heldout), "train_rows": len(x), "train_answer_tokens": int((y != 0).sum()),
                   "heldout_tokens": (report["heldout"] or {}).get("tokens"), "fingerprint": corpus.fingerprint()},
        "tokenizer": tokenizer.kind,
        "vocab_size": len(tokenizer),
        "epochs_run": fit["epochs"],
        "best_epoch": best["epoch"],
        "train_wall_seconds": round(time.time() - wall0, 1),
        "train_cpu_seconds": round(fit["cpu_minutes"] * 60, 1),
        "train_cpu_minutes": fit["cpu_minutes"],
        "train_two_core_minutes": round(fit["cpu_minutes"] / 2, 2),
        "stage_cpu_minutes": round((time.process_time() - cpu0) / 60, 2),
        "budget": {"cpu_minutes": cpu_minutes, "wall_minutes": wall_minutes,
                   "counts": "this process's CPU time (every thread, not divided by the cores); measuring excluded"},
        "training": fit,
        "history": history,
        **report,
        "heldout_answers": answers,
        "pretraining": {key: pretrain_metrics.get(key) for key in
                        ("command", "commit", "parameters", "text", "training", "dev", "heldout")},
        "note": "perplexity and accuracy exclude padding; held-out pairs are never trained on, used for early "
                "stopping nor retrieved as sources (a dev split carved from the training pairs stops training); "
                "heldout_answers scores the answer tokens alone, prompted as in each answer mode",
    }
    (out_dir / train.METRICS_FILE).write_text(json.dumps(metrics, indent=1) + "\n")
    log(f"coach fine-tuning: {fit['steps']} steps, {fit['epochs']} epochs in {fit['cpu_minutes']:.2f} CPU minutes "
        f"({fit['stopped_by']}), best epoch {best['epoch']}")
    train.log_heldout(metrics, out_dir, log)
    return metrics
