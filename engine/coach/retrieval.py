"""Answers that are right: the nearest corpus questions by sentence-encoder similarity, shown as sources, and
optionally a GPT answer conditioned on the top matches (generate.rag_prompt).

``encode(texts)`` is the one place that loads the encoder (all-MiniLM-L6-v2 from its installed package,
offline), so it can be swapped for the platform's shared encoder in one line.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from engine.coach import paths
from engine.coach.corpus import Corpus, QAPair, load_corpus
from engine.coach.generate import Sampling

MODES = ("auto", "gpt", "retrieval", "retrieval+gpt")
MAX_MESSAGE_CHARS = 1500       # longer messages are cut (the GPT sees 100 tokens anyway)
SOURCES_K = 3                  # retrieved pairs shown as sources and given to the GPT in retrieval+gpt
LOW_SCORE = 0.45               # below this cosine the nearest question is probably about something else
SAME_QUESTION = 0.85           # at or above it the nearest question is the one asked, reworded; below it, a
                               # neighbouring one (held-out questions: 240 of 242 nearest others score below)
EVAL_FILE = "eval.json"
ANSWER_SAMPLING = Sampling()   # the GPT modes' decoding; copying and the repeat ban stay off (docs/coach.md)
_lock = threading.Lock()


def _encoder():
    """The general-purpose MiniLM, shared with the recommender's process cache. The coach matches questions
    to questions, which the job-tuned Job-Rec-v1 was not trained for."""
    from engine.recsys.encoder import load_encoder, pretrained_path

    return load_encoder(pretrained_path()).model


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length 384-d embeddings (N, 384), so a dot product is the cosine similarity."""
    with _lock:
        vectors = _encoder().encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


@dataclass
class Answer:
    text: str
    sources: list[dict] = field(default_factory=list)   # [{id, question, score, topic}]
    mode: str = "retrieval"
    notice: str | None = None


class Retriever:
    """Cosine search over the questions of a set of pairs; the embeddings are cached on disk by content."""

    def __init__(self, pairs: list[QAPair]):
        self.pairs = list(pairs)
        key = hashlib.sha1(json.dumps([p.question for p in self.pairs]).encode()).hexdigest()[:16]
        cache = paths.artifacts() / f"question-embeddings-{key}.npy"
        if cache.exists():
            self.vectors = np.load(cache)
        else:
            self.vectors = encode([p.question for p in self.pairs])
            np.save(cache, self.vectors)

    def search(self, query: str, k: int = 3, *, vector: np.ndarray | None = None) -> list[tuple[QAPair, float]]:
        q = encode([query])[0] if vector is None else vector
        scores = self.vectors @ q
        top = np.argsort(-scores)[:k]
        return [(self.pairs[i], float(scores[i])) for i in top]


_retrievers: dict[str, Retriever] = {}


@functools.lru_cache(maxsize=1)
def _default_corpus_cached(folder: str) -> Corpus:
    return load_corpus(write_split=False)


def default_corpus() -> Corpus:
    return _default_corpus_cached(str(paths.corpus_dir()))


def default_retriever() -> Retriever:
    """The product's index: every corpus pair (the held-out split is only kept out of training)."""
    corpus = default_corpus()
    key = f"{paths.corpus_dir()}:{corpus.fingerprint()}"
    if key not in _retrievers:
        _retrievers.clear()
        _retrievers[key] = Retriever(corpus.pairs)
    return _retrievers[key]


def best_mode() -> str:
    """The mode that scored best in the saved evaluation (retrieval when none has been run)."""
    path = paths.artifacts() / EVAL_FILE
    try:
        return json.loads(path.read_text())["best_mode"]
    except (OSError, ValueError, KeyError):
        return "retrieval"


ANSWER_SOURCES = {
    "retrieval": "Answers come from our own interview corpus: the closest questions and their model answers, "
                 "with sources. (The coach also has a small GPT trained on the corpus, under “Answer from”; it is "
                 "not the default because it scored lower on held-out questions.)",
    "retrieval+gpt": "Answers come from our own interview corpus, completed by a small GPT trained on it.",
    "gpt": "Answers are written by a small GPT trained on our own interview corpus.",
}


def answer_source() -> str:
    """What writes the coach's answers by default (``best_mode``), in words for the candidate."""
    return ANSWER_SOURCES.get(best_mode(), ANSWER_SOURCES["retrieval"])


def clean_message(text: str | None) -> tuple[str, str | None]:
    """Strip, collapse whitespace, cut very long messages; returns (text, notice or None)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) > MAX_MESSAGE_CHARS:
        return text[:MAX_MESSAGE_CHARS], f"Your message was long, so only its first {MAX_MESSAGE_CHARS} characters were read."
    return text, None


def looks_non_english(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) < 0.6


def _join(*notices: str | None) -> str | None:
    kept = [n for n in notices if n]
    return " ".join(kept) or None


def answered_instead(hits: list[tuple[QAPair, float]]) -> str | None:
    """Says which question a corpus answer was written for when it is not the one asked (None when it is)."""
    if not hits or hits[0][1] >= SAME_QUESTION:
        return None
    asked = hits[0][0].question
    end = "" if asked.endswith(("?", ".", "!")) else "."
    return f"The coach has no answer to exactly this question; this one answers the closest it has: “{asked}”{end}"


def answer_stream(question: str, mode: str = "auto", *, k: int = SOURCES_K, retriever: Retriever | None = None,
                  sampling=None) -> Iterator[Answer]:
    """Yields the answer as it grows (one Answer per new piece of text); the last one is complete."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    text, notice = clean_message(question)
    if not text:
        yield Answer("Please type an interview question, for example: \"How do I answer 'tell me about yourself'?\"",
                     mode=mode, notice="empty message")
        return
    if looks_non_english(text):
        notice = _join(notice, "The coach was trained on English questions; answers in other languages may miss.")
    chosen = best_mode() if mode == "auto" else mode
    hits = (retriever or default_retriever()).search(text, k)
    sources = [{"id": p.id, "question": p.question, "topic": p.topic, "score": round(s, 3)} for p, s in hits]
    if hits and hits[0][1] < LOW_SCORE:
        notice = _join(notice, "This question is not close to anything in the coach's corpus; treat the answer with care.")
    if chosen == "retrieval":
        yield Answer(hits[0][0].answer, sources, chosen, _join(notice, answered_instead(hits)))
        return

    from engine.coach.generate import ModelMissing, load_generator

    try:
        generator = load_generator()
    except ModelMissing as exc:
        yield Answer(hits[0][0].answer, sources, "retrieval",
                     _join(notice, f"{exc} Showing the closest corpus answer.", answered_instead(hits)))
        return
    context = [(p.question, p.answer) for p, _ in hits] if chosen == "retrieval+gpt" else None
    _, truncated = generator.prompt_ids(text, context)
    if truncated:
        notice = _join(notice, f"Only the last words of your question fit the model's {generator.config.seq_len}-token window.")
    shown = Answer("", sources if context else [], chosen, notice)
    for so_far in generator.stream_answer(text, context, sampling or ANSWER_SAMPLING):
        shown = replace(shown, text=so_far)
        yield shown
    if not shown.text.strip():
        shown = replace(shown, text="(the model produced no answer; try rephrasing)")
    yield shown


def answer(question: str, mode: str = "auto", **kw) -> Answer:
    last = None
    for last in answer_stream(question, mode, **kw):
        pass
    return last
