"""How right are the coach's answers? On every held-out question, the cosine similarity (sentence encoder) of
the produced answer to the reference answer, for the GPT alone, retrieval alone and retrieval + GPT. And how
well does each available GPT (the shipped one, the one trained here) model held-out text: perplexity over its
own tokens and bits per character, which compares models whose tokenizers differ.

Repeating the question scores well on that similarity (the question says what the answer is about: on the
dev questions the question itself scores above any retrieved answer), so every mode is also scored *beyond
the question* (`beyond_question`): the answer's and the reference's embeddings with their component along
the question's embedding taken out, then compared. An echo of the question scores about 0 there; a GPT mode
becomes the default only if it also beats retrieval on it.

Honest by construction: the held-out pairs are not in the retrieval index used here (retrieval returns a
*different* corpus answer, the nearest training question's) and the GPT never trained on them. The best mode
becomes the default ("auto") through artifacts/coach/eval.json, unless a blind judgement of these very answers
(judgement.py) prefers retrieval.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from engine.coach import judgement, paths
from engine.coach.corpus import load_corpus
from engine.coach import retrieval   # retrieval.encode looked up at call time (tests stand in for it)
from engine.coach.retrieval import EVAL_FILE, SOURCES_K, Retriever

EVAL_SAMPLING_SEED = 7


def beyond_question(answers: np.ndarray, references: np.ndarray, questions: np.ndarray) -> np.ndarray:
    """Row-wise cosine of answer and reference (unit embeddings, one row per question) after removing from
    each its component along the question: how much they agree on what the question did not already say."""
    def without_question(v: np.ndarray) -> np.ndarray:
        rest = v - np.sum(v * questions, axis=1, keepdims=True) * questions
        norms = np.linalg.norm(rest, axis=1, keepdims=True)
        return np.divide(rest, norms, out=np.zeros_like(rest), where=norms > 1e-6)

    return np.sum(without_question(answers) * without_question(references), axis=1)


def language_scores(folder, pairs) -> dict:
    """Held-out language-model figures of the GPT saved in folder, over the given (held-out) pairs."""
    from engine.coach import model as gpt
    from engine.coach import train
    from engine.coach.generate import TOKENIZER_FILE
    from engine.coach.tokenizer import load_tokenizer

    net, config = gpt.load(folder)
    tokenizer = load_tokenizer(Path(folder) / TOKENIZER_FILE)
    measured = train.score_pairs(net, tokenizer, pairs, config.seq_len, config.seed)
    text = " ".join(p.question + " " + p.answer for p in pairs)
    return {"tokenizer": tokenizer.kind, "vocab_size": len(tokenizer), "parameters": int(net.count_params()),
            "tokens": measured["tokens"], "characters": train.pair_chars(pairs),
            "perplexity": measured["perplexity"], "bits_per_char": measured["bits_per_char"],
            "next_token_accuracy": measured["accuracy"], "oov_rate": tokenizer.oov_rate(text)}


def available_models() -> dict[str, Path]:
    """The GPTs to compare: the shipped one (when its checksums pass) and the one trained on this machine."""
    from engine import shipped
    from engine.coach.generate import TOKENIZER_FILE
    from engine.coach.model import weights_file

    found = {}
    ship = shipped.verified(shipped.COACH)
    if isinstance(ship, shipped.Shipped):
        found["shipped"] = ship.folder
    trained = paths.artifacts()
    if weights_file(trained) and (trained / TOKENIZER_FILE).is_file():
        found["trained"] = trained
    return found


def by_topic(rows: list[dict], modes: list[str]) -> dict:
    """Each topic's question count and mean similarity per mode, plain and beyond the question: where, if
    anywhere, a GPT mode wins."""
    topics: dict[str, list[dict]] = {}
    for row in rows:
        topics.setdefault(row["topic"], []).append(row)
    return {topic: {"questions": len(group),
                    "similarity": {m: round(float(np.mean([r[f"sim_{m}"] for r in group])), 3) for m in modes},
                    "similarity_beyond_question": {m: round(float(np.mean([r[f"beyond_{m}"] for r in group])), 3)
                                                   for m in modes}}
            for topic, group in sorted(topics.items())}


def topics_where_gpt_leads(topics: dict) -> list[str]:
    """The topics of `by_topic` where a GPT mode beats retrieval both plainly and beyond the question."""
    return [topic for topic, f in topics.items()
            if any(f["similarity"][m] > f["similarity"]["retrieval"]
                   and f["similarity_beyond_question"][m] > f["similarity_beyond_question"]["retrieval"]
                   for m in f["similarity"] if m != "retrieval")]


def run(limit: int | None = None, *, progress: bool = True, write: bool = True, split: str = "heldout",
        sampling=None) -> dict:
    """Every mode's answers to the held-out questions, scored. split="dev" answers the fine-tuning's dev
    questions instead, retrieving from the other training pairs: the place to choose decoding settings
    (`sampling`, default the product's) without reading the held-out answers; it writes nothing."""
    from engine.coach import train
    from engine.coach.generate import ModelMissing, load_generator

    started = time.time()
    corpus = load_corpus(write_split=False)
    if split == "dev":
        fit, heldout = train.dev_split(corpus.train)
        index, write = Retriever(fit), False
    elif split == "heldout":
        heldout, index = corpus.heldout, Retriever(corpus.train)
    else:
        raise ValueError(f"unknown split {split!r}: heldout or dev")
    heldout = heldout[:limit] if limit else heldout
    if not heldout:
        raise ValueError(f"the corpus has no {split} questions to evaluate on")
    base = sampling or retrieval.ANSWER_SAMPLING
    try:
        generator = load_generator()
    except ModelMissing:
        generator = None
    query_vectors = retrieval.encode([p.question for p in heldout])
    outputs: dict[str, list[str]] = {"retrieval": []}
    if generator:
        outputs.update({"gpt": [], "retrieval+gpt": []})
    rows = []
    for i, pair in enumerate(tqdm(heldout, desc="eval coach", disable=not progress)):
        hits = index.search(pair.question, SOURCES_K, vector=query_vectors[i])
        best, score = hits[0]
        outputs["retrieval"].append(best.answer)
        if generator:
            seeded = replace(base, seed=EVAL_SAMPLING_SEED + i)
            outputs["gpt"].append(generator.generate(pair.question, sampling=seeded))
            sources = [(p.question, p.answer) for p, _ in hits]
            outputs["retrieval+gpt"].append(generator.generate(pair.question, sources, seeded))
        rows.append({"id": pair.id, "topic": pair.topic, "question": pair.question, "retrieved_id": best.id,
                     "retrieved_question": best.question, "retrieval_score": round(score, 3),
                     "same_topic": best.topic == pair.topic})
    references = retrieval.encode([p.answer for p in heldout])
    similarity, beyond, echo = {}, {}, {}
    for mode, texts in outputs.items():
        vectors = retrieval.encode([t or "-" for t in texts])
        sims = np.sum(vectors * references, axis=1)
        similarity[mode] = float(sims.mean())
        beyond_sims = beyond_question(vectors, references, query_vectors)
        beyond[mode] = float(beyond_sims.mean())
        echo[mode] = float(np.sum(vectors * query_vectors, axis=1).mean())
        for row, s, b in zip(rows, sims, beyond_sims):
            row[f"sim_{mode}"], row[f"beyond_{mode}"] = round(float(s), 3), round(float(b), 3)
    for i, row in enumerate(rows):
        row["answers"] = {mode: texts[i] for mode, texts in outputs.items()}
    judged = judgement.saved(rows) if split == "heldout" else None
    language = {name: language_scores(folder, heldout) for name, folder in available_models().items()} \
        if split == "heldout" else {}
    result = {
        "split": split,
        "heldout_questions": len(heldout),
        "sampling": {k: v for k, v in asdict(base).items() if k != "seed"},
        "language_model": language,
        "similarity": similarity,
        "similarity_beyond_question": beyond,
        "question_echo": {"answers": echo,
                          "question_itself": float(np.sum(query_vectors * references, axis=1).mean())},
        "best_mode": judgement.choose_mode(similarity, judged, beyond),
        "judgement": judged,
        "by_topic": by_topic(rows, list(outputs)),
        "retrieval_same_topic_rate": float(np.mean([r["same_topic"] for r in rows])),
        "gpt_available": generator is not None,
        "measure": "mean cosine (all-MiniLM-L6-v2) between the produced answer and the held-out reference answer; "
                   "the held-out pair itself is not in the retrieval index and was never trained on. "
                   "similarity_beyond_question: the same with both embeddings' component along the question's "
                   "removed (an echo of the question scores about 0); question_echo: mean cosine of the answers "
                   "to the question, and the similarity the question itself would score as an answer",
        "seconds": round(time.time() - started, 1),
        "questions": rows,
    }
    if write:
        (paths.artifacts() / EVAL_FILE).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return result
