"""The IVF index above FLAT_LIMIT, on small synthetic vectors (no encoder): training, real removal,
read-back of a job's vector and save/load."""
import faiss
import numpy as np
import pytest

from engine.recsys import index as idx


def clustered(n: int, dim: int = 32, centres: int = 20, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, dim))
    x = c[rng.integers(0, centres, n)] + 0.3 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_ivf_lists_follow_four_sqrt_n_but_stay_filled():
    assert idx.ivf_lists(100_000) == 1264 and idx.ivf_lists(1_000_000) == 4000
    assert idx.ivf_lists(64) == 8 and idx.ivf_lists(3) == 1


def test_kind_switches_at_the_flat_limit(monkeypatch):
    monkeypatch.setattr(idx, "FLAT_LIMIT", 100)
    assert idx.kind_for(100) == "flat" and idx.kind_for(101) == "ivf"
    with pytest.raises(ValueError):
        idx.new_faiss_index("ivf", 32)
    with pytest.raises(ValueError):
        idx.new_faiss_index("hnsw", 32)


def test_ivf_finds_what_flat_finds_and_removes_for_real(tmp_path):
    x = clustered(2000)
    ids = np.arange(1000, 3000, dtype=np.int64)
    ivf = idx.new_faiss_index("ivf", 32, train_vectors=x)
    assert ivf.nlist == idx.ivf_lists(2000) and ivf.nprobe == idx.IVF_NPROBE
    flat = idx.new_faiss_index("flat", 32)
    job = idx.JobIndex("ivf", ivf, "v1", tmp_path, idx.EmbeddingCache(None), trained_on=2000)
    job.upsert(ids.tolist(), ["t0"] * 2000, x)
    flat.add_with_ids(x, ids)
    queries = clustered(50, seed=1)
    _, exact = flat.search(queries, 5)
    got = [[i for i, _ in job.search(q, 5)] for q in queries]
    recall = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(got, exact)])
    assert recall >= 0.95
    assert np.allclose(job.vector(1500), x[500])

    # an edit replaces the vector (no duplicate), a closure removes it from the index itself
    job.upsert([1500], ["t1"], x[:1])
    assert ivf.ntotal == 2000 and np.allclose(job.vector(1500), x[0])
    assert [i for i, _ in job.search(x[0], 2)] in ([1000, 1500], [1500, 1000])
    job.remove([1500, 1501])
    assert ivf.ntotal == 1998 and job.vector(1500) is None
    assert 1500 not in [i for i, _ in job.search(x[0], 5)]

    # saved and loaded: same vectors, same answers, nprobe from the code
    job.save()
    loaded = idx._load_saved(tmp_path, idx.EmbeddingCache(None))
    assert loaded.kind == "ivf" and loaded.trained_on == 2000 and loaded.size == 1998
    assert isinstance(loaded.faiss_index, faiss.IndexIVFFlat) and loaded.faiss_index.nprobe == idx.IVF_NPROBE
    assert np.allclose(loaded.vector(2999), x[1999])
    assert loaded.search(queries[0], 5) == job.search(queries[0], 5)


def test_outgrown_indexes_ask_for_a_rebuild(monkeypatch):
    monkeypatch.setattr(idx, "FLAT_LIMIT", 10)
    cache = idx.EmbeddingCache(None)
    flat = idx.JobIndex("flat", None, "v1", None, cache, indexed={i: "t" for i in range(20)})
    assert not flat.outgrown
    flat.indexed[20] = "t"
    assert flat.outgrown  # past 2 x FLAT_LIMIT: rebuilt as IVF
    ivf = idx.JobIndex("ivf", None, "v1", None, cache, indexed={i: "t" for i in range(40)}, trained_on=10)
    assert not ivf.outgrown
    ivf.indexed[40] = "t"
    assert ivf.outgrown  # lists trained on a quarter of today's jobs: retrained
    assert idx.JobIndex("hnsw", None, "v1", None, cache).outgrown  # an index of an older version


def test_big_indexes_save_less_often():
    cache = idx.EmbeddingCache(None)
    small = idx.JobIndex("flat", None, "v1", None, cache, indexed={i: "t" for i in range(500)}, unsaved=49)
    assert not idx.save_due(small)
    small.unsaved = 50
    assert idx.save_due(small)
    big = idx.JobIndex("ivf", None, "v1", None, cache, indexed={i: "t" for i in range(200_000)}, unsaved=199)
    assert not idx.save_due(big)  # 200k jobs: every 200 changes, not every 50
    big.unsaved = 200
    assert idx.save_due(big)
