"""Speed of the recommendation path -> artifacts/bench/recsys.json.

    python bench/recsys.py [--sizes 10000,100000,1000000] [--base 3000] [--search-only] [--hnsw-efc 80,200]

1. Encoding throughput of our pipeline (engine.recsys.encoder.encode, ONNX Runtime by default) against raw
   SentenceTransformer.encode on the same job texts (median ratio of 8 paired rounds of 64 texts), and
   single-text latency of the ONNX (float, and int8 for profile queries) and torch backends side by side,
   and whether int8 profile vectors retrieve as well as float ones (MRR@10 on held-out real postings).
2. Index build: build_index() on a fresh data dir holding real postings (embedding included).
3. Top-k latency (median/p95, single query, k=15 = what recommend fetches for k=5), flat vs the product's
   approximate index (IVF, engine.recsys.index) at each size and several nprobe, and recall@5 against
   flat; optionally HNSW too (--hnsw-efc). Catalogues larger than the real one are made from --base real
   job embeddings plus small Gaussian noise, re-normalised (not uniform random vectors); queries are the
   embeddings of profile-like texts of other real postings, as a candidate's profile would be. Both are
   embedded once and cached in --cache-dir.
4. Memory: process RSS, index size, save/load time. 5. Incremental add of one job (add_job + sync) and end-to-end
   recommend() latency on the real catalogue, first model load excluded.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from engine import config, jobs, store  # noqa: E402
from engine.recsys import encoder as enc  # noqa: E402
from engine.recsys import index as idx  # noqa: E402
from engine.recsys.realdata import is_held_out, load_real_postings  # noqa: E402
from engine.recsys.recommend import recommend  # noqa: E402
from engine.recsys.text import job_text, profile_like_text  # noqa: E402

NOISE_SIGMA = 0.03   # per dimension: cosine to the source vector ~0.86, so copies are near, not duplicates


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def stats(ms: list[float], cpu_ms: list[float] | None = None) -> dict:
    """Wall-clock median/p95, and the same of process CPU time: on a shared, overloaded machine the CPU
    time is the better estimate of what one query costs on an idle one."""
    out = {"median_ms": round(float(np.median(ms)), 3), "p95_ms": round(float(np.percentile(ms, 95)), 3), "n": len(ms)}
    if cpu_ms:
        out |= {"cpu_median_ms": round(float(np.median(cpu_ms)), 3), "cpu_p95_ms": round(float(np.percentile(cpu_ms, 95)), 3)}
    return out


class Timer:
    """Wall and process-CPU milliseconds of a block, appended to two lists."""

    def __init__(self, wall: list[float], cpu: list[float]):
        self.wall, self.cpu = wall, cpu

    def __enter__(self):
        self.t, self.c = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        self.wall.append((time.perf_counter() - self.t) * 1000)
        self.cpu.append((time.process_time() - self.c) * 1000)


def bench_encoding(texts: list[str], rounds: int = 8, chunk: int = 64) -> dict:
    """Pipeline vs raw SentenceTransformer.encode on the same texts, in paired rounds of `chunk` texts
    (order alternating): the median of the per-round ratios cancels most of a shared machine's changing load,
    which a best-of-two over whole runs does not."""
    encoder = enc.load_encoder()
    raw = encoder.model
    raw.encode(texts[:16], batch_size=64)  # warm-up
    ours_s, raw_s, ours_c, raw_c = [], [], [], []
    for r in range(rounds):
        part = texts[(r * chunk) % len(texts):][:chunk]
        runs = [(raw_s, raw_c, lambda: raw.encode(part, batch_size=64, convert_to_numpy=True)),
                (ours_s, ours_c, lambda: enc.encode(part, batch_size=64))]
        for wall, cpu, fn in (runs if r % 2 == 0 else runs[::-1]):
            with Timer(wall, cpu):
                fn()
    n = rounds * chunk
    wall_ratios = [r / o for r, o in zip(raw_s, ours_s)]
    cpu_ratios = [r / o for r, o in zip(raw_c, ours_c)]
    return {"ratio": round(float(np.median(wall_ratios)), 3), "ratio_min_max": [round(min(wall_ratios), 3), round(max(wall_ratios), 3)],
            "cpu_ratio": round(float(np.median(cpu_ratios)), 3), "rounds": rounds, "texts_per_round": chunk,
            "raw_texts_per_s": round(1000 * n / sum(raw_s), 2), "pipeline_texts_per_s": round(1000 * n / sum(ours_s), 2),
            "pipeline_texts_per_cpu_s": round(1000 * n / sum(ours_c), 2), "texts": len(texts), "model": encoder.name,
            "mean_words": round(float(np.mean([len(t.split()) for t in texts])), 1)}


def bench_single_text(texts: list[str]) -> dict:
    """One text at a time (a new profile, a newly posted job): ONNX Runtime against torch on one thread,
    alternating text by text so both see the same load."""
    encoder = enc.load_encoder()
    if encoder.onnx is None:
        return {"skipped": "the ONNX backend is off or unavailable"}
    torch_path = enc.Encoder(encoder.name, encoder.path, encoder.version)   # same model, torch backend
    torch_path.encode(texts[:2]), encoder.encode(texts[:2])  # warm-up
    timings: dict[str, tuple[list[float], list[float]]] = {"onnx": ([], []), "torch": ([], []), "onnx_int8_query": ([], [])}
    for i, text in enumerate(texts):
        order = [("onnx", encoder.encode), ("torch", torch_path.encode), ("onnx_int8_query", encoder.encode_query)]
        for name, fn in (order if i % 2 == 0 else order[::-1]):
            with Timer(*timings[name]):
                fn([text])
    out = {name: stats(*pair) for name, pair in timings.items()}
    out["torch_over_onnx_median"] = round(out["torch"]["median_ms"] / out["onnx"]["median_ms"], 2)
    out["int8_query_model"] = bool(encoder.onnx.int8_queries)
    out["mean_words"] = round(float(np.mean([len(t.split()) for t in texts])), 1)
    return out


def query_precision_study(postings: list[dict], n_queries: int = 300) -> dict:
    """Do int8 vectors retrieve as well as float ones? Held-out real postings: corpus = their job texts;
    queries = profile-like texts (title removed) of n of them; relevant = the posting itself and held-out
    postings with the same normalised title. MRR@10 with float jobs and float queries, float jobs and
    int8 queries, and int8 jobs (embedded in index batches, as a build does) and int8 queries, as served;
    and how much of the float top 5 each keeps."""
    from engine.recsys.evaluate import mrr_at_k
    from engine.recsys.text import normal_title

    encoder = enc.load_encoder()
    if encoder.onnx is None or not encoder.onnx.int8_queries or not encoder.onnx.int8_jobs:
        return {"skipped": "no int8 model (or float asked for by JOBEXPRESSWAY_*_PRECISION)"}
    held = [p for p in postings if is_held_out(p)]
    texts_ = [job_text(p) for p in held]
    corpora = {"float": encoder.encode(texts_, batch_size=idx.EMBED_BATCH),
               "int8": encoder.encode_jobs(texts_, batch_size=idx.EMBED_BATCH)}
    picks = random.Random(0).sample(range(len(held)), min(n_queries, len(held)))
    texts = [profile_like_text(held[i]) for i in picks]
    titles = [normal_title(p.get("title", "")) for p in held]
    relevant = [{i} | {k for k, t in enumerate(titles) if t == titles[i]} for i in picks]
    queries = {"float": np.vstack([encoder.encode([t]) for t in texts]),
               "int8": np.vstack([encoder.encode_query([t]) for t in texts])}
    out: dict = {"queries": len(picks), "corpus": len(held)}
    tops = {}
    for name, jobs_side, query_side in (("float_jobs_float_queries", "float", "float"),
                                         ("float_jobs_int8_queries", "float", "int8"),
                                         ("int8_jobs_int8_queries", "int8", "int8")):
        ranks = np.argsort(-(queries[query_side] @ corpora[jobs_side].T), axis=1)[:, :10]
        rr = [mrr_at_k(list(row), rel) for row, rel in zip(ranks, relevant)]
        out[f"mrr@10_{name}"] = round(float(np.mean(rr)), 4)
        tops[name] = [set(row[:5]) for row in ranks]
    for name in ("float_jobs_int8_queries", "int8_jobs_int8_queries"):
        out[f"top5_overlap_{name}"] = round(float(np.mean(
            [len(a & b) / 5 for a, b in zip(tops["float_jobs_float_queries"], tops[name])])), 3)
    served = out["mrr@10_int8_jobs_int8_queries"] / out["mrr@10_float_jobs_float_queries"]
    out["served_mrr_loss_relative"] = round(1 - served, 4)
    out["job_vector_cosine_int8_vs_float"] = {
        "min": round(float(np.min(np.sum(corpora["float"] * corpora["int8"], axis=1))), 4),
        "median": round(float(np.median(np.sum(corpora["float"] * corpora["int8"], axis=1))), 4)}
    return out


def text_length_study(jobs_: list[dict], n: int = 300) -> dict:
    """Shorter job texts encode faster; do they retrieve worse? MRR@10 of profile-like queries (title
    removed) against job texts cut at different description lengths, relevant = the same posting."""
    rng = random.Random(1)
    sample = rng.sample(jobs_, min(n, len(jobs_)))
    queries = enc.encode([profile_like_text(j) for j in sample])
    out = {}
    for words in (30, 70, 150):
        texts = [job_text(j, description_words=words, responsibilities_words=words // 2) for j in sample]
        t = time.perf_counter()
        corpus = enc.encode(texts)
        tps = len(texts) / (time.perf_counter() - t)
        ranks = np.argsort(-(queries @ corpus.T), axis=1)[:, :10]
        rr = [1 / (list(r).index(i) + 1) if i in r else 0.0 for i, r in enumerate(ranks)]
        out[f"description_words_{words}"] = {"mrr@10": round(float(np.mean(rr)), 4), "texts_per_s": round(tps, 2),
                                             "mean_words": round(float(np.mean([len(x.split()) for x in texts])), 1)}
    return out


def cached_encode(texts: list[str], cache_dir: Path, label: str) -> np.ndarray:
    """Embeddings of these texts by the current encoder, kept in cache_dir (keyed by encoder version and the
    texts) so a rerun does not spend minutes re-embedding the same real postings."""
    key = hashlib.sha1("\n".join([enc.model_version(), *texts]).encode()).hexdigest()[:16]
    path = cache_dir / f"{label}-{len(texts)}-{key}.npy"
    if path.is_file():
        print(f"{label}: {len(texts)} vectors from {path}", flush=True)
        return np.load(path)
    t, c = time.perf_counter(), time.process_time()
    parts = []
    for start in range(0, len(texts), 256):
        parts.append(enc.encode(texts[start:start + 256], batch_size=64))
        print(f"{label}: embedded {start + len(parts[-1])}/{len(texts)} ({time.perf_counter() - t:.0f} s)", flush=True)
    vectors = np.vstack(parts).astype(np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path.with_suffix(".tmp.npy"), vectors)
    path.with_suffix(".tmp.npy").replace(path)
    print(f"{label}: {len(texts)} texts in {time.perf_counter() - t:.0f} s wall, {time.process_time() - c:.0f} CPU-s", flush=True)
    return vectors


def synthetic(base: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    if n <= len(base):
        return base[:n].copy()
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        block = base[rng.integers(0, len(base), m)] + rng.normal(0, NOISE_SIGMA, (m, base.shape[1])).astype(np.float32)
        out[start:start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def time_queries(index, queries: np.ndarray, k: int) -> tuple[dict, np.ndarray]:
    ms, cpu, labels = [], [], []
    for q in queries:
        with Timer(ms, cpu), idx.one_search_thread():  # as JobIndex.search does
            _, ids = index.search(q.reshape(1, -1), k)
        labels.append(ids[0])
    return stats(ms, cpu), np.array(labels)


def recall_at_5(labels: np.ndarray, exact: np.ndarray) -> float:
    return round(float(np.mean([len(set(a[:5]) & set(b[:5])) / 5 for a, b in zip(labels, exact)])), 4)


def timed(fn) -> tuple[object, float, float]:
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, round(time.perf_counter() - t, 1), round(time.process_time() - c, 1)


def bench_approximate(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, exact: np.ndarray,
                      nprobes: list[int]) -> dict:
    """The product's approximate index (engine.recsys.index, IVF) built on these vectors: build time
    (k-means training + adding), memory, save/load time, and latency + recall@5 at several nprobe."""
    import faiss

    rss_before = rss_mb()
    index, build_s, build_cpu = timed(lambda: idx.new_faiss_index("ivf", train_vectors=vectors))
    _, add_s, add_cpu = timed(lambda: index.add_with_ids(vectors, ids))
    out = {"kind": "IndexIVFFlat (inner product, direct map = hashtable)", "nlist": index.nlist,
           "train_vectors": min(len(vectors), idx.IVF_TRAIN_PER_LIST * index.nlist),
           "build_s": round(build_s + add_s, 1), "build_cpu_s": round(build_cpu + add_cpu, 1),
           "train_s": build_s, "train_cpu_s": build_cpu, "add_s": add_s, "add_cpu_s": add_cpu,
           "rss_growth_mb": round(rss_mb() - rss_before, 1), "load_average_after_build": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "jobs.faiss")
        _, out["save_s"], _ = timed(lambda: faiss.write_index(index, path))
        out["index_mb"] = round(os.path.getsize(path) / 2**20, 1)
        _, out["load_s"], _ = timed(lambda: faiss.read_index(path))  # freed at once: only the time matters
    out["by_nprobe"] = {}
    for nprobe in sorted(set(nprobes) | {idx.IVF_NPROBE}):
        index.nprobe = nprobe
        st, labels = time_queries(index, queries, 15)
        out["by_nprobe"][str(nprobe)] = st | {"recall@5_vs_flat": recall_at_5(labels, exact), "load_average": os.getloadavg()[0]}
    out["product_nprobe"] = idx.IVF_NPROBE
    out["product"] = out["by_nprobe"][str(idx.IVF_NPROBE)]
    return out


def bench_hnsw(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, exact: np.ndarray,
               ef_construction: int, ef_values: list[int]) -> dict:
    """For comparison only (the product used HNSW before IVF): IndexHNSWFlat M=32."""
    import faiss

    def build():
        index = faiss.IndexIDMap2(faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT))
        faiss.downcast_index(index.index).hnsw.efConstruction = ef_construction
        index.add_with_ids(vectors, ids)
        return index

    index, build_s, build_cpu = timed(build)
    out = {"M": 32, "efConstruction": ef_construction, "build_s": build_s, "build_cpu_s": build_cpu, "by_efSearch": {}}
    for ef in ef_values:
        faiss.downcast_index(index.index).hnsw.efSearch = ef
        st, labels = time_queries(index, queries, 15)
        out["by_efSearch"][str(ef)] = st | {"recall@5_vs_flat": recall_at_5(labels, exact), "load_average": os.getloadavg()[0]}
    return out


def bench_size(base: np.ndarray, queries: np.ndarray, n: int, nprobes: list[int], hnsw_efc: list[int],
               ef_values: list[int], rng) -> dict:
    vectors = synthetic(base, n, rng)
    ids = np.arange(1, n + 1, dtype=np.int64)
    result: dict = {"vectors": n, "product_index": idx.kind_for(n), "load_average_at_start": os.getloadavg()}
    flat = idx.new_faiss_index("flat")
    flat.add_with_ids(vectors, ids)
    flat_stats, exact = time_queries(flat, queries, 15)
    result["flat"] = flat_stats | {"index_mb": round(n * vectors.shape[1] * 4 / 2**20, 1), "load_average": os.getloadavg()[0]}
    del flat
    result["ivf"] = bench_approximate(vectors, ids, queries, exact, nprobes)
    for efc in hnsw_efc:
        result[f"hnsw_efc{efc}"] = bench_hnsw(vectors, ids, queries, exact, efc, ef_values)
    result["rss_mb"] = round(rss_mb(), 1)
    print(json.dumps(result), flush=True)
    return result


def bench_app(postings: list[dict]) -> dict:
    """Build the real index in a fresh data dir, then time one-job adds and recommend()."""
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(tmp)
        jobs.add_jobs(db, [dict(p, created_date="2026-01-01", source="bench") for p in postings])
        t, c = time.perf_counter(), time.process_time()
        index = idx.build_index(db)
        build_s, build_cpu = time.perf_counter() - t, time.process_time() - c
        out["index_build"] = {"jobs": index.size, "seconds": round(build_s, 1), "cpu_seconds": round(build_cpu, 1),
                              "jobs_per_s": round(index.size / build_s, 2),
                              "jobs_per_cpu_s": round(index.size / build_cpu, 2), "kind": index.kind,
                              "estimated_10k_minutes_on_2_idle_cores": round(10_000 / (2 * index.size / build_cpu) / 60, 1)}
        ids, vectors = index.cache.get(sorted(index.indexed), index.encoder_version)
        add_ms, add_cpu = [], []
        for i in range(15):
            job = dict(random.Random(i).choice(postings), title=f"Bench job {i}", created_date="2026-01-01")
            with Timer(add_ms, add_cpu):
                jobs.add_job(db, job)
                idx.get_index(db)   # the sync every recommendation does: embeds and adds the new job
        out["incremental_add_one_job"] = stats(add_ms, add_cpu)
        profiles = [profile_like_text(p) for p in random.Random(5).sample(postings, 40)]
        recommend(db, profiles[0])
        fresh, fresh_cpu, cached, cached_cpu = [], [], [], []
        for p in profiles[1:]:
            with Timer(fresh, fresh_cpu):
                recommend(db, p)
            with Timer(cached, cached_cpu):
                recommend(db, p)
        out["recommend_end_to_end"] = {"jobs": index.size, "new_profile_text": stats(fresh, fresh_cpu),
                                       "unchanged_profile_text": stats(cached, cached_cpu)}
    return out, vectors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--nprobe", default="16,32,64,128", help="IVF nprobe values timed (plus the product's)")
    parser.add_argument("--hnsw-efc", default="", help="also build HNSW M=32 with these efConstruction, to compare")
    parser.add_argument("--ef", default="128,256,512", help="HNSW efSearch values timed with --hnsw-efc")
    parser.add_argument("--base", type=int, default=3000, help="real postings embedded as the base catalogue")
    parser.add_argument("--app-jobs", type=int, default=500, help="real postings in the end-to-end data dir")
    parser.add_argument("--queries", type=int, default=200, help="profile queries timed per size")
    parser.add_argument("--search-only", action="store_true", help="skip encoding, build and end-to-end parts")
    parser.add_argument("--cache-dir", default=str(Path(tempfile.gettempdir()) / "jobexpressway-bench"),
                        help="embeddings of the base and query texts are kept here between runs")
    parser.add_argument("--text-study", action="store_true")
    parser.add_argument("--out", default=str(config.artifacts_dir() / "bench" / "recsys.json"))
    args = parser.parse_args()
    import faiss
    import torch

    postings = load_real_postings()
    if not postings:
        sys.exit("bench/recsys.py needs the real postings in the shared data folder (JOBEXPRESSWAY_SHARED_DATA)")
    rng = random.Random(0)
    rng.shuffle(postings)
    t = time.perf_counter()
    encoder = enc.load_encoder()
    report = {"command": " ".join(["python", *sys.argv]),
              "machine": {"cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(), "faiss_threads": faiss.omp_get_max_threads(),
                          "load_average_at_start": os.getloadavg()},
              "encoder": encoder.version, "encoder_backend": encoder.backend, "first_model_load_s": round(time.perf_counter() - t, 2)}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not args.search_only:
        print("encoding ...", flush=True)
        report["encoding"] = bench_encoding([job_text(p) for p in postings[:256]]) | {"load_average": os.getloadavg()}
        print(json.dumps(report["encoding"]), flush=True)
        report["single_text_encoding"] = bench_single_text([profile_like_text(p) for p in postings[:60]])
        print(json.dumps(report["single_text_encoding"]), flush=True)
        report["query_precision"] = query_precision_study(postings)
        print(json.dumps(report["query_precision"]), flush=True)
        if args.text_study:
            report["text_length_study"] = text_length_study([p for p in postings if is_held_out(p)])
            print(json.dumps(report["text_length_study"]), flush=True)
        print("real index build ...", flush=True)
        app, _ = bench_app(postings[:args.app_jobs])
        report |= app
        print(json.dumps(app), flush=True)
        out.write_text(json.dumps(report, indent=2))
    cache_dir = Path(args.cache_dir)
    base = cached_encode([job_text(p) for p in postings[:args.base]], cache_dir, "base")
    queries = cached_encode([profile_like_text(p) for p in postings[args.base:args.base + args.queries]], cache_dir, "queries")
    report["search"] = {"noise_sigma": NOISE_SIGMA, "base_real_vectors": len(base), "queries": len(queries),
                        "k": 15, "ivf_nlist_rule": "4 x sqrt(n)", "sizes": []}
    nrng = np.random.default_rng(0)
    nprobes = [int(x) for x in args.nprobe.split(",") if x]
    hnsw_efc = [int(x) for x in args.hnsw_efc.split(",") if x]
    ef_values = [int(x) for x in args.ef.split(",") if x]
    for n in [int(s) for s in args.sizes.split(",") if s]:
        print(f"search at {n:,} vectors ...", flush=True)
        report["search"]["sizes"].append(bench_size(base, queries, n, nprobes, hnsw_efc, ef_values, nrng))
        out.write_text(json.dumps(report, indent=2))  # keep partial results
    report["load_average_at_end"] = os.getloadavg()
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
