"""Sampling from the trained coach GPT: temperature, top-k and top-p (nucleus), stopping at <eos>, streamed
as text pieces. Uses the NumPy key/value-cache forward pass (fastpath.py) of the Keras model's weights."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from engine.coach import paths
from engine.coach.tokenizer import WordTokenizer, detokenize

TOKENIZER_FILE = "tokenizer.json"


class ModelMissing(FileNotFoundError):
    """No usable coach model (none trained here, the shipped one missing or damaged); the message says why
    and names the command that trains one."""


def model_dir() -> Path:
    """The coach GPT to load: the one trained on this machine (artifacts/coach), else the one shipped in the
    repository when its checksums pass."""
    from engine import shipped
    from engine.coach.model import WEIGHTS_FILE

    trained = paths.artifacts()
    if (trained / WEIGHTS_FILE).is_file() and (trained / TOKENIZER_FILE).is_file():
        return trained
    found = shipped.verified(shipped.COACH)
    if isinstance(found, shipped.Shipped):
        return found.folder
    reason = found.message if shipped.folder(shipped.COACH).exists() else "The coach model is not trained yet."
    raise ModelMissing(f"{reason} Run `{paths.train_command()}` to train it.")


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.7      # 0 = greedy
    top_k: int = 40               # 0 = off
    top_p: float = 0.9            # 1.0 = off
    max_new_tokens: int = 120
    seed: int | None = None


def filter_logprobs(logp: np.ndarray, sampling: Sampling) -> np.ndarray:
    """Probabilities after temperature, top-k and top-p; tokens cut off get exactly 0."""
    if sampling.temperature <= 0:
        probs = np.zeros_like(logp, dtype=np.float64)
        probs[int(np.argmax(logp))] = 1.0
        return probs
    z = logp.astype(np.float64) / sampling.temperature
    if 0 < sampling.top_k < z.size:
        kth = np.partition(z, -sampling.top_k)[-sampling.top_k]
        z = np.where(z < kth, -np.inf, z)
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    if sampling.top_p < 1.0:
        order = np.argsort(-probs, kind="stable")
        cum = np.cumsum(probs[order])
        keep = cum - probs[order] < sampling.top_p     # smallest set whose mass reaches top_p (first always kept)
        cut = np.zeros_like(probs)
        cut[order[keep]] = probs[order[keep]]
        probs = cut / cut.sum()
    return probs


def sample_token(logp: np.ndarray, sampling: Sampling, rng: np.random.Generator) -> int:
    probs = filter_logprobs(logp, sampling)
    return int(rng.choice(probs.size, p=probs))


class Generator:
    """The tokenizer, the Keras model and its NumPy fast path, loaded from one artifacts folder."""

    def __init__(self, folder: str | Path | None = None):
        folder = Path(folder or model_dir())
        from engine.coach import model as gpt   # imports keras (seconds): only when a model is really used
        from engine.coach.fastpath import NumpyGPT

        if not (folder / gpt.WEIGHTS_FILE).exists() or not (folder / TOKENIZER_FILE).exists():
            raise ModelMissing(f"The coach model is not trained yet. Run `{paths.train_command()}` to train it.")
        self.folder = folder
        self.tokenizer = WordTokenizer.load(folder / TOKENIZER_FILE)
        self.model, self.config = gpt.load(folder)
        self.fast = NumpyGPT(self.model, self.config)

    def prompt_ids(self, question: str, context: tuple[str, str] | None = None) -> tuple[list[int], bool]:
        """<bos> <q> question <a>, optionally preceded by a retrieved pair; cut from the left to leave room for
        an answer. Returns the ids and whether anything was cut."""
        tok, window = self.tokenizer, self.config.seq_len
        question_ids = tok.encode_pair(question)
        budget = window // 2                       # a question alone leaves half the window for the answer
        truncated = False
        if len(question_ids) > budget:             # keep the end of a long question, where the ask usually is
            question_ids = [tok.bos_id, tok.q_id, *question_ids[-(budget - 3):-1], tok.a_id]
            truncated = True
        if context:   # the retrieved pair may fill up to 3/4 of the window; the answer continues after it
            room = window * 3 // 4 - len(question_ids)
            ctx = tok.encode_pair(*context)[: max(0, room - 1)]
            if len(ctx) > 4:
                question_ids = ctx + [tok.eos_id] + question_ids
        return question_ids, truncated

    def stream_ids(self, prompt: list[int], sampling: Sampling = Sampling()) -> Iterator[int]:
        rng = np.random.default_rng(sampling.seed)
        window = self.config.seq_len
        with threadpool_limits(1):                 # tiny matmuls: extra BLAS threads only contend
            cache = self.fast.new_cache()
            logp = self.fast.forward(prompt, cache)
            context = list(prompt)
            tok = self.tokenizer
            banned, stops = [tok.pad_id, tok.unk_id], {tok.eos_id, tok.bos_id, tok.q_id}   # <bos>/<q>: a new pair
            for _ in range(sampling.max_new_tokens):
                logp = logp.copy()
                logp[banned] = -np.inf               # never print <unk> or padding
                token = sample_token(logp, sampling, rng)
                if token in stops:
                    return
                yield token
                context.append(token)
                if cache.length + 1 > window:      # slide: keep the last 3/4 of the window and re-read it
                    context = context[-(window * 3 // 4):]
                    cache = self.fast.new_cache()
                    logp = self.fast.forward(context, cache)
                else:
                    logp = self.fast.forward([token], cache)

    def stream_text(self, question: str, context: tuple[str, str] | None = None,
                    sampling: Sampling = Sampling()) -> Iterator[str]:
        """Yields pieces of the answer text as tokens arrive (each piece extends what came before)."""
        prompt, _ = self.prompt_ids(question, context)
        words: list[str] = []
        shown = ""
        for token in self.stream_ids(prompt, sampling):
            if token in (self.tokenizer.pad_id, self.tokenizer.bos_id, self.tokenizer.q_id, self.tokenizer.a_id):
                continue
            words.append(self.tokenizer.vocab[token])
            text = detokenize(words)
            if text.startswith(shown):
                yield text[len(shown):]
                shown = text

    def generate(self, question: str, context: tuple[str, str] | None = None, sampling: Sampling = Sampling()) -> str:
        return "".join(self.stream_text(question, context, sampling)).strip()


_cache: dict[tuple[str, float], Generator] = {}
_lock = threading.Lock()


def load_generator(folder: str | Path | None = None) -> Generator:
    """One Generator per process and weights file (reloaded when the weights change)."""
    from engine.coach.model import WEIGHTS_FILE

    folder = Path(folder or model_dir())
    weights = folder / WEIGHTS_FILE
    if not weights.exists():
        raise ModelMissing(f"The coach model is not trained yet. Run `{paths.train_command()}` to train it.")
    key = (str(folder), weights.stat().st_mtime)
    with _lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = Generator(folder)
        return _cache[key]
