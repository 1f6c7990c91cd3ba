"""Sentence encoding through ONNX Runtime: the same vectors as sentence-transformers, faster on a CPU.

One profile text (~100 word pieces) takes 30 ms median on one core here against 40 ms through torch
(bench/recsys.py, same run; cosine between the two vectors 1.000000), which brings adding one job under
50 ms. The transformer is exported once per model version into a cache folder (``config.cache_dir()``);
mean pooling and L2 normalisation run in numpy. Anything unexpected (another pooling, an export or
session failure, vectors that disagree with torch) makes ``load`` return None and the caller keeps torch.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import warnings
from pathlib import Path

import numpy as np

from engine import config
from engine.recsys.encoder import SMALL_BATCH   # one-thread cut-off shared with the torch path

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
INT8_MODEL = "model.int8.onnx"    # int8 weights: profiles 1.4x faster one at a time, job batches ~2x
INT8_AGREEMENT = 0.97             # least cosine between an int8 and a float vector on the probes
KEEP_EXPORTS = 4         # newest model exports kept in the cache; older ones are removed
_EXPORT_LOCK = threading.Lock()
_PROBES = [
    "Senior data engineer: Python, SQL, Spark and Airflow pipelines on AWS. Bachelor's degree. Austin, TX.",
    "Registered nurse for a busy emergency department; BLS and ACLS required; night shifts.",
    "x",
]


def int8_queries_wanted() -> bool:
    """Profiles are encoded with int8 weights unless JOBEXPRESSWAY_QUERY_PRECISION=float."""
    return os.environ.get("JOBEXPRESSWAY_QUERY_PRECISION", "int8").lower() != "float"


def int8_jobs_wanted() -> bool:
    """Jobs are embedded with int8 weights unless JOBEXPRESSWAY_JOB_PRECISION=float."""
    return os.environ.get("JOBEXPRESSWAY_JOB_PRECISION", "int8").lower() != "float"


def _int8_wanted() -> bool:
    return int8_queries_wanted() or int8_jobs_wanted()


def backend_wanted() -> bool:
    """ONNX unless JOBEXPRESSWAY_ENCODER_BACKEND=torch (benchmarks compare both; a way out if a wheel breaks)."""
    return os.environ.get("JOBEXPRESSWAY_ENCODER_BACKEND", "onnx").lower() != "torch"


class OnnxEncoder:
    """Tokenizer + ONNX session(s) for one exported model; ``encode`` mirrors SentenceTransformer.encode
    with mean pooling and normalisation."""

    def __init__(self, folder: Path, meta: dict):
        from transformers import AutoTokenizer

        self.folder = folder
        self.max_seq_length = int(meta["max_seq_length"])
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder / "tokenizer"), local_files_only=True)
        # read now: the cache may prune this folder later while sessions are still to be made from it
        self._model_bytes = (folder / "model.onnx").read_bytes()
        self._sessions: dict[object, object] = {}
        self._lock = threading.Lock()
        int8_file = folder / INT8_MODEL
        self.use_int8_model(int8_file.read_bytes() if int8_file.is_file() and _int8_wanted() else None)

    def use_int8_model(self, model_bytes: bytes | None) -> None:
        """Encode with these int8 ONNX bytes from now on where int8 is wanted (None: float everywhere)."""
        with self._lock:
            self._int8_bytes = model_bytes
            # int8 sessions are keyed ("int8", threads); the float ones by their thread count stay
            self._sessions = {k: v for k, v in self._sessions.items() if not isinstance(k, tuple)}

    def _session(self, threads: int, int8: bool = False):
        key = ("int8", threads) if int8 else threads
        with self._lock:
            if key not in self._sessions:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                # idle worker threads sleep instead of spinning: on 2 shared cores a spinning thread
                # steals the time the busy one needs
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._sessions[key] = ort.InferenceSession(
                    self._int8_bytes if int8 else self._model_bytes, options, providers=["CPUExecutionProvider"])
            return self._sessions[key]

    @property
    def int8_queries(self) -> bool:
        return self._int8_bytes is not None and int8_queries_wanted()

    @property
    def int8_jobs(self) -> bool:
        return self._int8_bytes is not None and int8_jobs_wanted()

    def encode_query(self, texts: list[str]) -> np.ndarray:
        """Query texts (a candidate's profile): through the int8 model when there is one. On 300 held-out
        real postings int8 queries gave MRR@10 0.833 against 0.840 and kept 92% of the top 5
        (bench/recsys.py, query_precision), for 22.8 instead of 32.2 ms per profile."""
        if not self.int8_queries:
            return self.encode(texts)
        session = self._session(1, int8=True)
        return np.vstack([self._batch([text], session) for text in texts])

    def encode_jobs(self, texts: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """Job texts for the index: through the int8 model when there is one (see docs/recsys.md,
        Encoding, for its speed and retrieval against float job vectors)."""
        return self.encode(texts, batch_size, show_progress, int8=self.int8_jobs)

    def _batch(self, texts: list[str], session) -> np.ndarray:
        tokens = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_seq_length,
                                return_tensors="np")
        feed = {name: tokens[name].astype(np.int64) for name in INPUTS}
        hidden = session.run(None, feed)[0]
        mask = tokens["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def encode(self, texts: list[str], batch_size: int = 64, show_progress: bool = False,
               int8: bool = False) -> np.ndarray:
        """(n, dim) float32 unit vectors from the float model (``int8``: from the int8 one, which must be loaded)."""
        texts = list(texts)
        threads = 1 if len(texts) <= SMALL_BATCH else (os.cpu_count() or 1)
        session = self._session(threads, int8=int8)
        # longest first, as sentence-transformers does: batches of similar length waste little padding
        order = np.argsort([-len(t) for t in texts], kind="stable")
        starts = range(0, len(texts), batch_size)
        if show_progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="Encoding", unit="batch")
        parts = []
        for start in starts:
            idx = order[start:start + batch_size]
            parts.append((idx, self._batch([texts[i] for i in idx], session)))
        out = np.zeros((len(texts), parts[0][1].shape[1]), dtype=np.float32)
        for idx, vectors in parts:
            out[idx] = vectors
        return out


def _least_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """The smallest cosine between matching rows of two sets of unit vectors."""
    return float(np.min(np.sum(a * b, axis=1)))


def _export_dir(version: str) -> Path:
    safe = version.replace("@", "-").replace("/", "_")
    return config.cache_dir() / "onnx" / safe


def _supported(st_model) -> bool:
    """Only the layout we mirror: Transformer -> mean Pooling -> (Normalize)."""
    modules = [type(m).__name__ for m in st_model]
    if modules[:2] != ["Transformer", "Pooling"] or any(m != "Normalize" for m in modules[2:]):
        return False
    pooling = st_model[1]
    mode = getattr(pooling, "pooling_mode", None) or ("mean" if getattr(pooling, "pooling_mode_mean_tokens", False) else None)
    return mode == "mean"


def _export(st_model, target: Path) -> None:
    """Write model.onnx, the tokenizer and meta.json into ``target`` (via a temporary folder, renamed at
    the end, so a half-written export is never used)."""
    import torch

    transformer = st_model[0].auto_model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    tokenizer = st_model.tokenizer
    sample = tokenizer(["a short sample text", "another"], padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    with torch.inference_mode(), warnings.catch_warnings():
        # the tracer warns about shape checks it freezes; the agreement check in ``load`` guards the result
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHiddenState(transformer), tuple(sample[n] for n in INPUTS), str(tmp / "model.onnx"),
                          input_names=list(INPUTS), output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=17, dynamo=False)
    tokenizer.save_pretrained(str(tmp / "tokenizer"))
    (tmp / "meta.json").write_text(json.dumps({"max_seq_length": st_model.max_seq_length}))
    if (target / "meta.json").is_file():   # another process finished the same export first: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
        return
    shutil.rmtree(target, ignore_errors=True)   # a half-written leftover
    try:
        os.replace(tmp, target)
    except OSError:
        if not (target / "meta.json").is_file():
            raise
        shutil.rmtree(tmp, ignore_errors=True)


def _quantize(folder: Path, encoder: OnnxEncoder) -> None:
    """Write the int8 model (profiles, job batches) beside the float one and switch ``encoder`` to it,
    when it agrees with the float model on the probes."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    tmp_pre, tmp_out = folder / f"pre.tmp{os.getpid()}.onnx", folder / f"int8.tmp{os.getpid()}.onnx"
    try:
        quant_pre_process(str(folder / "model.onnx"), str(tmp_pre), skip_symbolic_shape=True)
        # MatMul weights only, one scale per output channel: quantising everything (embeddings included,
        # one scale per tensor) gave query vectors at cosine 0.936 only
        quantize_dynamic(str(tmp_pre), str(tmp_out), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"])
        encoder.use_int8_model(tmp_out.read_bytes())
        agreement = _least_cosine(encoder.encode(_PROBES, int8=True), encoder.encode(_PROBES))
        if agreement < INT8_AGREEMENT:
            encoder.use_int8_model(None)
            log.warning("int8 model of %s disagrees (cosine %.4f); profiles and jobs stay float", folder.name, agreement)
            return
        os.replace(tmp_out, folder / INT8_MODEL)
    finally:
        tmp_pre.unlink(missing_ok=True)
        tmp_out.unlink(missing_ok=True)


def _prune(keep: Path) -> None:
    exports = [p for p in keep.parent.iterdir() if p.is_dir() and ".tmp" not in p.name]
    exports.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in exports if p != keep][KEEP_EXPORTS - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def load(version: str, st_loader) -> OnnxEncoder | None:
    """The ONNX encoder for a model version, exporting it first when the cache lacks it. ``st_loader()``
    gives the SentenceTransformer (loaded only when an export or the agreement check needs it)."""
    if not backend_wanted():
        return None
    folder = _export_dir(version)
    try:
        with _EXPORT_LOCK:
            fresh = not (folder / "meta.json").is_file()
            if fresh:
                st_model = st_loader()
                if not _supported(st_model):
                    return None
                folder.parent.mkdir(parents=True, exist_ok=True)
                _export(st_model, folder)
            encoder = OnnxEncoder(folder, json.loads((folder / "meta.json").read_text()))
            if fresh:
                # a new export must give torch's vectors, or it is not used
                reference = st_loader().encode(_PROBES, normalize_embeddings=True, convert_to_numpy=True)
                agreement = _least_cosine(reference, encoder.encode(_PROBES))
                if agreement < 0.9999:
                    log.warning("ONNX export of %s disagrees with torch (cosine %.5f); using torch", version, agreement)
                    shutil.rmtree(folder, ignore_errors=True)
                    return None
                _prune(folder)
            if _int8_wanted() and not (folder / INT8_MODEL).is_file():
                try:
                    _quantize(folder, encoder)
                except Exception as exc:   # profiles and jobs then stay float: slower, never wrong
                    encoder.use_int8_model(None)
                    log.warning("no int8 model for %s (%s)", version, exc)
            os.utime(folder)
            return encoder
    except Exception as exc:  # a broken wheel or an unwritable cache must not stop recommendations
        log.warning("ONNX encoder unavailable for %s (%s); using torch", version, exc)
        return None
