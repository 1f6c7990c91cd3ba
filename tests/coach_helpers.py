"""Shared bits of the coach tests: the tiny fixture corpus in a tmp corpus dir, and a fast fake encoder."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "coach_mini.jsonl"


def use_mini_corpus(tmp_path: Path, monkeypatch) -> Path:
    """Point the coach at a copy of the fixture corpus and at tmp artifacts (no shipped GPT either)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURE, corpus / "mini.jsonl")
    monkeypatch.setenv("JOBEXPRESSWAY_COACH_CORPUS", str(corpus))
    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    monkeypatch.setenv("JOBEXPRESSWAY_SHIPPED_MODELS", str(tmp_path / "no-shipped-models"))
    return corpus


def bag_of_words_encode(texts: list[str], dim: int = 512) -> np.ndarray:
    """A deterministic stand-in for the sentence encoder: hashed 5-letter word stems, unit length."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        for w in re.findall(r"[a-z0-9]+", text.lower()):
            if len(w) > 2:
                out[row, int(hashlib.md5(w[:5].encode()).hexdigest(), 16) % dim] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)
