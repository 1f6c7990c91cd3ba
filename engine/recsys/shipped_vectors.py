"""Job vectors of the default generated catalogue (`python -m engine init`: 10,000 jobs, seed 42), shipped
beside Job-Rec-v1 so a fresh clone's first index build embeds nothing (embedding them takes ~6 minutes on
2 cores).

Each vector is keyed by the sha1 of the job's text (``text.job_text``), and the file records the vector
version it was made with (shipped Job-Rec-v1's content version and the job-text format, see
``index.vector_version``). The index build takes a shipped vector only when both match, so an edited or
new job (another text), a retrained model or a new job-text format is embedded as before. Stored as int8
with one scale per vector (3.9 MB instead of 15 MB float32; cosine to the float vector >= 0.9999).
"""
from __future__ import annotations

import hashlib
import tempfile
import threading
from pathlib import Path

import numpy as np

from engine import shipped

FILE = "vectors.npz"
_lock = threading.Lock()
_loaded: dict[str, "ShippedVectors"] = {}   # shipped version -> table


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and one float32 scale per row (the row's largest magnitude maps to 127)."""
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    return np.round(vectors / scale[:, None]).astype(np.int8), scale


def dequantize(codes: np.ndarray, scale: np.ndarray) -> np.ndarray:
    vectors = codes.astype(np.float32) * scale[:, None]
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)


class ShippedVectors:
    def __init__(self, vector_version: str, keys: np.ndarray, codes: np.ndarray, scale: np.ndarray):
        self.vector_version = vector_version
        # numpy's fixed-width bytes drop trailing NULs: a digest ending in 0x00 (1 in 256) comes back short
        self.row = {bytes(k).ljust(20, b"\0"): i for i, k in enumerate(keys)}
        self.codes, self.scale = codes, scale

    def __len__(self) -> int:
        return len(self.row)

    def lookup(self, texts: list[str]) -> tuple[list[int], np.ndarray]:
        """(positions in ``texts`` that have a shipped vector, their float32 unit vectors)."""
        found = [(i, r) for i, t in enumerate(texts) if (r := self.row.get(text_key(t))) is not None]
        rows = np.array([r for _, r in found], dtype=np.int64)
        vectors = dequantize(self.codes[rows], self.scale[rows]) if len(rows) else np.zeros((0, self.codes.shape[1]), np.float32)
        return [i for i, _ in found], vectors


def for_version(vector_version: str) -> ShippedVectors | None:
    """The shipped vectors when they were made for exactly this vector version (and their checksums pass)."""
    found = shipped.load(shipped.JOB_REC_CATALOGUE)
    if found is None or found.manifest.get("vector_version") != vector_version:
        return None
    with _lock:
        if found.version not in _loaded:
            with np.load(found.path(FILE)) as data:
                _loaded.clear()
                _loaded[found.version] = ShippedVectors(vector_version, data["keys"], data["codes"], data["scale"])
        return _loaded[found.version]


def default_catalogue_texts(jobs: int, seed: int) -> list[str]:
    """The job texts of `engine init`'s catalogue, read back from a real database as the index reads them."""
    from engine import store
    from engine.commands.jobs import init_database
    from engine.recsys.text import job_text

    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(Path(tmp))
        init_database(db, jobs, seed, progress=False)
        texts = [job_text(row) for row in db.query("SELECT * FROM jobs ORDER BY id")]
        db.close()
    return texts


def ship(jobs: int, seed: int, log=print) -> shipped.Shipped:
    """Embed the default catalogue with the shipped Job-Rec-v1 and ship the vectors beside it."""
    import io

    from engine.recsys import encoder as enc
    from engine.recsys.index import vector_version

    model = shipped.load(shipped.JOB_REC)
    if model is None:
        raise RuntimeError(shipped.problem(shipped.JOB_REC) or "No shipped Job-Rec-v1 to embed with.")
    encoder = enc.load_encoder(model.folder)
    texts = list(dict.fromkeys(default_catalogue_texts(jobs, seed)))
    log(f"embedding {len(texts):,} job texts of the default catalogue with {encoder.version} ...")
    vectors = encoder.encode(texts, batch_size=32, show_progress=True)
    codes, scale = quantize(vectors)
    worst = float(np.min(np.sum(dequantize(codes, scale) * vectors, axis=1)))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, keys=np.array([text_key(t) for t in texts], dtype="S20"), codes=codes, scale=scale)
    version = vector_version(encoder.version)
    return shipped.ship(shipped.JOB_REC_CATALOGUE, {FILE: buffer.getvalue()}, {
        "title": "Job vectors of the default catalogue",
        "vector_version": version,
        "model_version": model.version,
        "catalogue": {"command": "python -m engine init", "jobs": jobs, "seed": seed, "distinct_texts": len(texts)},
        "trained_by": {"command": "python -m engine ship catalogue", "commit": shipped.git_commit()},
        "form": "int8 with one float32 scale per vector, keyed by sha1 of the job text",
        "metrics": {"least_cosine_to_float": round(worst, 6)},
        "intended_use": "the first index build of a fresh `engine init` catalogue: these jobs are not embedded again",
        "limits": "used only for jobs whose text is unchanged and only with the Job-Rec-v1 and job-text format "
                  f"they were made with ({version}); any other job is embedded as before",
    })
