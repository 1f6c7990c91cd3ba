"""Sentence embeddings for training and evaluating the classifiers, cached on disk.

Embedding is the slow step (~28 long texts/s on 2 cores), and the evaluations embed the same postings with
the same models again and again, so vectors are kept under artifacts/cache/embeddings/<model stamp>/,
keyed by a hash of the text. A retrained model gets a new stamp, hence a fresh cache.
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np

from engine import config

PRETRAINED = "all-MiniLM-L6-v2"
JOB_REC = "Job-Rec-v1"
ONET_FINETUNE = "O*NET fine-tune"   # Job-Rec-v1 fine-tuned whole on O*NET titles: evaluated beside it, never served
_lock = threading.Lock()


def _encoder_module():
    from engine.recsys import encoder  # imported late: it pulls in torch only when a model is loaded

    return encoder


def model_path(name: str) -> Path | None:
    """Folder of a named model; None when no Job-Rec-v1 is here (neither trained nor shipped intact)."""
    enc = _encoder_module()
    if name == PRETRAINED:
        return enc.pretrained_path()
    if name == JOB_REC:
        return enc.jobrec_path()
    if name == ONET_FINETUNE:
        from engine.occupations.evaluate import onet_finetune_path

        return onet_finetune_path() if enc._has_weights(onet_finetune_path()) else None
    raise ValueError(f"Unknown model {name!r}; expected {PRETRAINED!r}, {JOB_REC!r} or {ONET_FINETUNE!r}.")


def available_models() -> list[str]:
    return [m for m in (PRETRAINED, JOB_REC, ONET_FINETUNE) if model_path(m) is not None]


def model_stamp(name: str) -> str:
    path = model_path(name)
    if path is None:
        raise FileNotFoundError(f"{name} is not trained on this machine: run `python -m engine train encoder`.")
    return f"{name}@{_encoder_module().folder_version(path)}"


def _encode(name: str, texts: list[str], show_progress: bool) -> np.ndarray:
    """The one place a model is called: the project's shared encoder (loaded once per process)."""
    enc = _encoder_module()
    return enc.load_encoder(model_path(name)).encode(texts, show_progress=show_progress)


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def embed(texts: list[str], name: str = JOB_REC, show_progress: bool = False, cache: bool = True) -> np.ndarray:
    """(n, 384) float32 L2-normalised vectors of `texts` by model `name`, reusing cached ones."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    if not cache:
        return _encode(name, list(texts), show_progress)
    folder = config.artifacts_dir() / "cache" / "embeddings" / model_stamp(name).replace("@", "_")
    with _lock:
        known: dict[bytes, np.ndarray] = {}
        keys_file, vecs_file = folder / "keys.npy", folder / "vectors.npy"
        if keys_file.is_file() and vecs_file.is_file():
            keys, vecs = np.load(keys_file), np.load(vecs_file)
            known = {bytes(k): v for k, v in zip(keys, vecs)}
        wanted = [_key(t) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, wanted) if k not in known))
        if missing:
            vectors = _encode(name, missing, show_progress)
            for t, v in zip(missing, vectors):
                known[_key(t)] = v
            folder.mkdir(parents=True, exist_ok=True)
            all_keys = list(known)
            np.save(folder / "keys.tmp.npy", np.array(all_keys, dtype="S20"))
            np.save(folder / "vectors.tmp.npy", np.stack([known[k] for k in all_keys]).astype(np.float32))
            (folder / "keys.tmp.npy").replace(keys_file)
            (folder / "vectors.tmp.npy").replace(vecs_file)
        return np.stack([known[k] for k in wanted]).astype(np.float32)
