"""A word tokenizer: lowercased words, numbers and punctuation marks as tokens, a fixed vocabulary of the most
frequent training-split tokens, and an OOV token for the rest. Saved and loaded as JSON.

The coach's first GPT uses it; later ones use the byte-level BPE tokenizer (bpe.py), which has the same
interface and control tokens. `load_tokenizer` reads either from the "kind" its file records."""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

PAD, BOS, Q, A, EOS, UNK = "<pad>", "<bos>", "<q>", "<a>", "<eos>", "<unk>"
SPECIALS = (PAD, BOS, Q, A, EOS, UNK)   # PAD is id 0 so that masks are simply `ids != 0`
# words keep inner apostrophes and a trailing ++/# (don't, c++, c#); any other mark is a token of its own
TOKEN_RE = re.compile(r"\d+(?:\.\d+)+|[^\W_]+(?:'[^\W_]+)*(?:\+\+|#)?|\S", re.UNICODE)
_NO_SPACE_BEFORE = set(".,;:!?)]}%'\"")
_NO_SPACE_AFTER = set("([{$\"")


def split_words(text: str) -> list[str]:
    return TOKEN_RE.findall(text.lower())


class PairLayout:
    """How every coach tokenizer lays out a question-answer pair with the shared control tokens."""

    bos_id: int
    q_id: int
    a_id: int
    eos_id: int

    def encode(self, text: str) -> list[int]:
        raise NotImplementedError

    def encode_pair(self, question: str, answer: str | None = None) -> list[int]:
        """<bos> <q> question <a> answer <eos>; with answer=None, the prompt that asks for an answer."""
        ids = [self.bos_id, self.q_id, *self.encode(question), self.a_id]
        if answer is not None:
            ids += [*self.encode(answer), self.eos_id]
        return ids


class WordTokenizer(PairLayout):
    kind = "word"

    def __init__(self, vocab: list[str]):
        assert tuple(vocab[: len(SPECIALS)]) == SPECIALS, "special tokens first"
        self.vocab = list(vocab)
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.pad_id, self.bos_id, self.q_id, self.a_id, self.eos_id, self.unk_id = range(len(SPECIALS))

    @classmethod
    def fit(cls, texts: Iterable[str], vocab_size: int = 5000) -> WordTokenizer:
        counts = Counter(w for t in texts for w in split_words(t))
        # ties broken alphabetically so the vocabulary is the same on every run
        words = sorted(counts, key=lambda w: (-counts[w], w))[: vocab_size - len(SPECIALS)]
        return cls(list(SPECIALS) + words)

    def __len__(self) -> int:
        return len(self.vocab)

    def encode(self, text: str) -> list[int]:
        return [self.index.get(w, self.unk_id) for w in split_words(text)]

    def oov_rate(self, text: str) -> float:
        ids = self.encode(text)
        return sum(i == self.unk_id for i in ids) / len(ids) if ids else 0.0

    def decode(self, ids: Iterable[int], *, skip_special: bool = True) -> str:
        words = []
        for i in ids:
            w = self.vocab[i] if 0 <= i < len(self.vocab) else UNK
            if skip_special and w in SPECIALS and w != UNK:
                continue
            words.append(w)
        return detokenize(words)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps({"kind": self.kind, "vocab": self.vocab}, ensure_ascii=False))

    @classmethod
    def load(cls, path: str | Path) -> WordTokenizer:
        return cls(json.loads(Path(path).read_text())["vocab"])


TOKENIZER_KINDS = ("word", "bpe")


def fit_tokenizer(kind: str, texts: Iterable[str], vocab_size: int):
    """A tokenizer of the given kind learnt from the texts (the training split only)."""
    if kind == "bpe":
        from engine.coach.bpe import BPETokenizer

        return BPETokenizer.fit(texts, vocab_size)
    if kind == "word":
        return WordTokenizer.fit(texts, vocab_size)
    raise ValueError(f"unknown tokenizer kind {kind!r}; choose one of {', '.join(TOKENIZER_KINDS)}")


def load_tokenizer(path: str | Path):
    """The tokenizer saved at path, of whichever kind it records (files without a kind are word tokenizers)."""
    kind = json.loads(Path(path).read_text()).get("kind", "word")
    if kind == "bpe":
        from engine.coach.bpe import BPETokenizer

        return BPETokenizer.load(path)
    if kind == "word":
        return WordTokenizer.load(path)
    raise ValueError(f"{path}: unknown tokenizer kind {kind!r}")


def detokenize(words: list[str]) -> str:
    """Join tokens back into readable text: no space before closing marks, capitalised sentence starts."""
    out: list[str] = []
    capital = True
    for w in words:
        piece = w.capitalize() if capital and w[:1].isalpha() else w
        if w[:1].isalnum() or w in ("<unk>",):
            capital = False
        if out and not (w in _NO_SPACE_BEFORE or out[-1] in _NO_SPACE_AFTER):
            out.append(" ")
        out.append(piece)
        if w in (".", "!", "?"):
            capital = True
    text = "".join(out)
    return re.sub(r"\bi\b", "I", text)
