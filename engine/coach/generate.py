"""Sampling from the trained coach GPT: temperature, top-k and top-p (nucleus), stopping at <eos>, streamed
as text pieces. Uses the NumPy key/value-cache forward pass (fastpath.py) of the Keras model's weights.

Retrieval-augmented prompts (`rag_prompt`) lay the top retrieved pairs out exactly as training pairs are
laid out in the token stream, then the user's question, so the model continues with an answer:

    [<bos> <q> source question <a> source answer <eos>] x k   <bos> <q> question <a>   -> answer <eos>

The question is kept first (its end, where the ask usually is), then room for the answer is reserved, then
sources are added best first while they fit (the last one may be cut at its end). An answer stops at <eos>,
at the start of a new pair (<bos>/<q>), or at the token limit, where it is cut back to its last full
sentence (`finish_answer`), so it never trails off mid-thought.

Two decoding aids, off unless `Sampling` asks for them:
- `copy`: a copy distribution (`CopyTable`) over the tokens that follow, in the sources' answers and the
  question, the longest run of the answer's last tokens found there, mixed into the model's next-token
  probabilities with that weight, the way pointer-generator and kNN-LM decoders mix a copy or neighbour
  distribution into a language model's. A small GPT then carries whole phrases of the sources and the
  question's own terms instead of drifting off them; it still picks every token.
- `no_repeat_ngram`: a token that would repeat an n-gram already in the answer is never drawn ("team's
  team's team's")."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from engine.coach import paths
from engine.coach.tokenizer import load_tokenizer

TOKENIZER_FILE = "tokenizer.json"


class ModelMissing(FileNotFoundError):
    """No usable coach model (none trained here, the shipped one missing or damaged); the message says why
    and names the command that trains one."""


def model_dir() -> Path:
    """The coach GPT to load: the one trained on this machine (artifacts/coach), else the one shipped in the
    repository when its checksums pass."""
    from engine import shipped
    from engine.coach.model import weights_file

    trained = paths.artifacts()
    if weights_file(trained) and (trained / TOKENIZER_FILE).is_file():
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
    copy: float = 0.0             # weight of the copy distribution (0 = the model alone)
    no_repeat_ngram: int = 0      # 0 = off


COPY_CONTEXT = 8                 # longest run of the answer's last tokens looked up in the sources


class CopyTable:
    """For each run (up to COPY_CONTEXT tokens) found in the source texts, how strongly each token follows it;
    the empty run maps to the tokens that start the source answers. Sources are weighted best first (1, 1/2,
    1/3 ...); the question (weight 1) lends its terms but never starts an answer."""

    def __init__(self, answers: list[list[int]], question: list[int] | None = None):
        self.next: dict[tuple[int, ...], dict[int, float]] = {}
        texts = [(ids, 1.0 / (rank + 1), True) for rank, ids in enumerate(answers)]
        if question:
            texts.append((question, 1.0, False))
        for ids, weight, starts in texts:
            if starts and ids:
                self._add((), ids[0], weight)
            for end in range(1, len(ids)):
                for n in range(1, min(COPY_CONTEXT, end) + 1):
                    self._add(tuple(ids[end - n:end]), ids[end], weight)

    def _add(self, run: tuple[int, ...], token: int, weight: float) -> None:
        follows = self.next.setdefault(run, {})
        follows[token] = follows.get(token, 0.0) + weight

    def distribution(self, answer: list[int], size: int) -> np.ndarray | None:
        """Probabilities of the tokens that follow the longest run of answer's end found in the sources."""
        runs = [tuple(answer[len(answer) - n:]) for n in range(min(COPY_CONTEXT, len(answer)), 0, -1)] or [()]
        for run in runs:                           # the empty run only starts an answer
            follows = self.next.get(run)
            if follows:
                probs = np.zeros(size)
                probs[list(follows)] = list(follows.values())
                return probs / probs.sum()
        return None


def repeated_ngram_tokens(answer: list[int], n: int) -> list[int]:
    """Tokens that would complete an n-gram the answer already holds."""
    if n <= 0 or len(answer) < n - 1:
        return []
    prefix = tuple(answer[len(answer) - n + 1:]) if n > 1 else ()
    return [answer[i + n - 1] for i in range(len(answer) - n + 1) if tuple(answer[i:i + n - 1]) == prefix]


def mix_copy(logp: np.ndarray, copy: np.ndarray | None, weight: float) -> np.ndarray:
    """Log of (1 - weight) * model + weight * copy; the model alone where there is nothing to copy."""
    if copy is None or weight <= 0:
        return logp
    weight = min(weight, 0.99)               # the model keeps a share: a banned copy token never leaves nothing
    model = np.exp(logp - logp.max())
    model /= model.sum()
    with np.errstate(divide="ignore"):
        return np.log((1 - weight) * model + weight * copy)


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


ANSWER_SHARE = 0.25              # of the window, kept free for the answer after a RAG prompt


def question_ids(tokenizer, question: str, budget: int) -> tuple[list[int], bool]:
    """<bos> <q> question <a> within budget tokens, keeping the question's end; and whether it was cut."""
    ids = tokenizer.encode_pair(question)
    if len(ids) <= budget:
        return ids, False
    return [tokenizer.bos_id, tokenizer.q_id, *ids[-(budget - 3):-1], tokenizer.a_id], True


def rag_prompt(tokenizer, question: str, sources: list[tuple[str, str]], window: int) -> tuple[list[int], int, bool]:
    """The prompt for an answer conditioned on retrieved (question, answer) pairs, best first. Returns the
    ids, how many sources it holds, and whether the question was cut."""
    asked, truncated = question_ids(tokenizer, question, window // 2)
    room = window - int(window * ANSWER_SHARE) - len(asked)
    context: list[int] = []
    used = 0
    for source_question, source_answer in sources:
        ids = tokenizer.encode_pair(source_question, source_answer)
        if len(ids) > room:                        # cut the source's end; keep its closing <eos>
            if room - 1 < ids.index(tokenizer.a_id) + 2:
                break                              # not even one word of its answer would fit
            ids = ids[: room - 1] + [tokenizer.eos_id]
        context += ids
        room -= len(ids)
        used += 1
    return context + asked, used, truncated


_SENTENCE_END = (".", "!", "?", ".)", '."')


def finish_answer(text: str, *, stopped: bool) -> str:
    """An answer that stopped by itself is kept whole; one cut by the token limit ends at its last full
    sentence (or, with none, is kept and marked with an ellipsis)."""
    text = text.strip()
    if stopped or not text or text.endswith(_SENTENCE_END):
        return text
    ends = [text.rfind(mark + " ") for mark in (".", "!", "?")]
    cut = max(ends)
    return text[: cut + 1] if cut > 0 else text + " ..."


def sample_token(logp: np.ndarray, sampling: Sampling, rng: np.random.Generator) -> int:
    probs = filter_logprobs(logp, sampling)
    return int(rng.choice(probs.size, p=probs))


def as_sources(context: tuple[str, str] | list[tuple[str, str]] | None) -> list[tuple[str, str]]:
    """The retrieved (question, answer) pairs, given one pair, a list of them or none."""
    return [context] if isinstance(context, tuple) else list(context or [])


class Generator:
    """The tokenizer, the Keras model and its NumPy fast path, loaded from one artifacts folder."""

    def __init__(self, folder: str | Path | None = None):
        folder = Path(folder or model_dir())
        from engine.coach import model as gpt   # imports keras (seconds): only when a model is really used
        from engine.coach.fastpath import NumpyGPT

        if not gpt.weights_file(folder) or not (folder / TOKENIZER_FILE).exists():
            raise ModelMissing(f"The coach model is not trained yet. Run `{paths.train_command()}` to train it.")
        self.folder = folder
        self.tokenizer = load_tokenizer(folder / TOKENIZER_FILE)
        self.model, self.config = gpt.load(folder)
        self.fast = NumpyGPT(self.model, self.config)

    def prompt_ids(self, question: str, context: tuple[str, str] | list[tuple[str, str]] | None = None
                   ) -> tuple[list[int], bool]:
        """<bos> <q> question <a>, after the retrieved pair(s) in context when given (see rag_prompt); the
        question is cut from the left to leave room for an answer. Returns the ids and whether it was cut."""
        sources = as_sources(context)
        if not sources:
            return question_ids(self.tokenizer, question, self.config.seq_len // 2)
        ids, _, truncated = rag_prompt(self.tokenizer, question, sources, self.config.seq_len)
        return ids, truncated

    def stream_ids(self, prompt: list[int], sampling: Sampling = Sampling(),
                   copy_table: CopyTable | None = None) -> Iterator[int]:
        rng = np.random.default_rng(sampling.seed)
        window = self.config.seq_len
        with threadpool_limits(1):                 # tiny matmuls: extra BLAS threads only contend
            cache = self.fast.new_cache()
            logp = self.fast.forward(prompt, cache)
            context = list(prompt)
            tok = self.tokenizer
            banned, stops = [tok.pad_id, tok.unk_id], {tok.eos_id, tok.bos_id, tok.q_id}   # <bos>/<q>: a new pair
            answer: list[int] = []
            for _ in range(sampling.max_new_tokens):
                if copy_table is not None and sampling.copy > 0:
                    logp = mix_copy(logp, copy_table.distribution(answer, logp.size), sampling.copy)
                logp = logp.copy()
                logp[banned] = -np.inf               # never print <unk> or padding
                logp[repeated_ngram_tokens(answer, sampling.no_repeat_ngram)] = -np.inf
                token = sample_token(logp, sampling, rng)
                if token in stops:
                    return
                yield token
                answer.append(token)
                context.append(token)
                if cache.length + 1 > window:      # slide: keep the last 3/4 of the window and re-read it
                    context = context[-(window * 3 // 4):]
                    cache = self.fast.new_cache()
                    logp = self.fast.forward(context, cache)
                else:
                    logp = self.fast.forward([token], cache)

    def stream_text(self, question: str, context: tuple[str, str] | list[tuple[str, str]] | None = None,
                    sampling: Sampling = Sampling()) -> Iterator[str]:
        """Yields pieces of the answer text as tokens arrive (each piece extends what came before). The
        answer is decoded whole at each step (a BPE piece may be half a character, a word may change case)
        and only a consistent extension is shown."""
        for _, piece in self._pieces(question, context, sampling):
            yield piece

    def stream_answer(self, question: str, context: tuple[str, str] | list[tuple[str, str]] | None = None,
                      sampling: Sampling = Sampling()) -> Iterator[str]:
        """Yields the answer so far as it grows; the last value is the finished answer (cut back to its last
        full sentence when the token limit stopped it, see finish_answer)."""
        text, ids = "", []
        for ids, piece in self._pieces(question, context, sampling):
            text += piece
            yield text
        finished = finish_answer(text, stopped=len(ids) < sampling.max_new_tokens)
        if finished != text:
            yield finished

    def copy_table(self, question: str, context) -> CopyTable:
        return CopyTable([self.tokenizer.encode(answer) for _, answer in as_sources(context)],
                         self.tokenizer.encode(question))

    def _pieces(self, question, context, sampling) -> Iterator[tuple[list[int], str]]:
        prompt, _ = self.prompt_ids(question, context)
        table = self.copy_table(question, context) if sampling.copy > 0 else None
        ids: list[int] = []
        shown = ""
        for token in self.stream_ids(prompt, sampling, table):
            ids.append(token)
            text = self.tokenizer.decode(ids)
            if text.startswith(shown) and len(text) > len(shown) and not text.endswith("\ufffd"):
                yield ids, text[len(shown):]
                shown = text
        if ids and not shown:
            yield ids, ""          # tokens that spell nothing still count towards the limit

    def generate(self, question: str, context: tuple[str, str] | list[tuple[str, str]] | None = None,
                 sampling: Sampling = Sampling()) -> str:
        answer = ""
        for answer in self.stream_answer(question, context, sampling):
            pass
        return answer.strip()


_cache: dict[tuple[str, float], Generator] = {}
_lock = threading.Lock()


def load_generator(folder: str | Path | None = None) -> Generator:
    """One Generator per process and weights file (reloaded when the weights change)."""
    from engine.coach.model import weights_file

    folder = Path(folder or model_dir())
    weights = weights_file(folder)
    if weights is None:
        raise ModelMissing(f"The coach model is not trained yet. Run `{paths.train_command()}` to train it.")
    key = (str(folder), weights.stat().st_mtime)
    with _lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = Generator(folder)
        return _cache[key]
