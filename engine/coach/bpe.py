"""A byte-level BPE tokenizer for the coach GPT (the `tokenizers` package): every text encodes, nothing is
ever unknown, and case and spelling survive the round trip, unlike the word tokenizer's lowercased words.

The coach's control tokens (<pad> <bos> <q> <a> <eos> <unk>) keep ids 0-5, as in the word tokenizer, and the
BPE pieces follow from id 6. The control tokens are not registered with `tokenizers`, on purpose: it would
match their spelling inside user text, so a question containing "<eos>" could end an answer. Here they can
only come from the code that lays out a prompt.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from engine.coach.tokenizer import SPECIALS, PairLayout

OFFSET = len(SPECIALS)           # BPE piece i has coach id OFFSET + i


class BPETokenizer(PairLayout):
    kind = "bpe"

    def __init__(self, bpe: Tokenizer):
        self.bpe = bpe
        self.pad_id, self.bos_id, self.q_id, self.a_id, self.eos_id, self.unk_id = range(OFFSET)
        pieces = bpe.get_vocab()
        self.vocab = list(SPECIALS) + sorted(pieces, key=pieces.get)

    @classmethod
    def fit(cls, texts: Iterable[str], vocab_size: int = 4096, min_frequency: int = 2) -> BPETokenizer:
        """Learn merges from the texts; the vocabulary holds the 256 bytes, the merges and the 6 control
        tokens (so vocab_size counts them all, like the word tokenizer's)."""
        bpe = Tokenizer(models.BPE())
        bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
        bpe.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=max(vocab_size - OFFSET, 257), min_frequency=min_frequency,
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
        bpe.train_from_iterator(texts, trainer)
        return cls(bpe)

    def __len__(self) -> int:
        return len(self.vocab)

    def encode(self, text: str) -> list[int]:
        return [OFFSET + i for i in self.bpe.encode(text, add_special_tokens=False).ids]

    def oov_rate(self, text: str) -> float:
        return 0.0                # bytes cover every text

    def decode(self, ids: Iterable[int], *, skip_special: bool = True) -> str:
        """The text of the BPE pieces (control tokens dropped); each encoded text starts with the space the
        pre-tokenizer added, which is stripped."""
        pieces = [i - OFFSET for i in ids if OFFSET <= i < len(self.vocab)]
        return self.bpe.decode(pieces).strip()

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps({"kind": self.kind, "specials": list(SPECIALS), "bpe": self.bpe.to_str()}))

    @classmethod
    def load(cls, path: str | Path) -> BPETokenizer:
        data = json.loads(Path(path).read_text())
        if data.get("specials") != list(SPECIALS):
            raise ValueError(f"{path}: control tokens {data.get('specials')} differ from {list(SPECIALS)}")
        return cls(Tokenizer.from_str(data["bpe"]))
