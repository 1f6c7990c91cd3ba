"""Replicas on one database share the job vectors (the job_vectors table): a replica without index files
builds its index from the stored vectors without the encoder, and a job one replica embedded is picked up
by another's next recommendation without being embedded again.

A "replica" here is a separate module state of engine.recsys.index (its own loaded indexes, watermarks and
vector-store connection) or a separate process; on PostgreSQL each has a data dir of its own, on SQLite
they share the one the database file is in. The fast tests count the calls of a stand-in encoder (a word
-> direction map, so a profile naming a job's words finds it); the slow one runs the real encoder."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from engine import jobs, store
from engine.recsys import encoder as enc
from engine.recsys import index as idx
from engine.recsys.recommend import recommend
from engine.recsys.text import job_text
from recsys_data import tiny_jobs

ROOT = Path(__file__).resolve().parent.parent
MARKERS = ("neonatal", "lighthouse")   # words that pull a text their own way; no catalogue job has either


class CountingEncoder:
    """Deterministic unit vectors (a hash of the text, pulled along a marker word's axis) and a record of
    every text it was asked to encode."""

    name, version, label, backend = "counting", "counting@1", "counting", "test"

    def __init__(self):
        self.encoded: list[str] = []

    def _vectors(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), enc.DIM), np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).normal(size=enc.DIM) * 0.05
            for axis, word in enumerate(MARKERS):
                if word in text.lower():
                    v[axis] += 1.0
            out[row] = v / np.linalg.norm(v)
        return out

    def encode(self, texts, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        self.encoded.extend(texts)
        return self._vectors(list(texts))

    encode_jobs = encode

    def encode_query(self, texts) -> np.ndarray:   # a profile: not a job vector, not counted
        return self._vectors(list(texts))


@pytest.fixture
def encoder(monkeypatch):
    fake = CountingEncoder()
    monkeypatch.setattr(enc, "load_encoder", lambda path=None: fake)
    return fake


@pytest.fixture(autouse=True)
def fresh_index_state():
    idx.forget_indexes()
    yield
    idx.forget_indexes()


class Replica:
    """One replica's own index state (what a separate server process holds) over the shared database."""

    def __init__(self, data_dir: Path, name: str, tmp_path: Path):
        own_dir = tmp_path / name if store.is_postgres(store.connect(data_dir)) else data_dir
        self.db = store.connect(own_dir)
        self.state = ({}, {}, {})

    @contextmanager
    def active(self):
        saved = (idx._indexes, idx._loaded_meta, idx.BUILD_STATUS)
        idx._indexes, idx._loaded_meta, idx.BUILD_STATUS = self.state
        try:
            yield self.db
        finally:
            idx._indexes, idx._loaded_meta, idx.BUILD_STATUS = saved

    def close(self):
        for index in self.state[0].values():
            index.cache.close()
        self.db.close()


@pytest.fixture
def replicas(data_dir, tmp_path):
    made: list[Replica] = []

    def make(name: str) -> Replica:
        made.append(Replica(data_dir, name, tmp_path))
        return made[-1]

    yield make
    for replica in made:
        replica.close()


def _catalogue(db, encoder) -> None:
    """16 jobs whose vectors are already stored (as after any replica's first build)."""
    for job in tiny_jobs(2):
        jobs.add_job(db, job)
    idx.build_index(db)
    assert len(encoder.encoded) == 16
    encoder.encoded.clear()
    idx.forget_indexes()


def _remove_index_files(db) -> None:
    for name in ("jobs.faiss", "meta.json"):
        (idx.index_dir_of(db) / name).unlink(missing_ok=True)


NEONATAL_JOB = {"title": "Neonatal Intensive Care Nurse", "category": "Nursing",
                "description": "Care for premature newborns in our neonatal intensive care unit.",
                "required_skills": ["Neonatal resuscitation", "BLS"]}


def test_a_replica_without_index_files_builds_from_stored_vectors_without_the_encoder(db, encoder, replicas, monkeypatch):
    _catalogue(db, encoder)
    _remove_index_files(db)
    stored = idx.EmbeddingCache.of(db)
    version = idx.vector_version(enc.model_version())
    ids, vectors = stored.get(sorted(stored.current(version)), version)
    stored.close()
    monkeypatch.setattr(enc, "load_encoder", lambda path=None: pytest.fail("the encoder was loaded"))
    new = replicas("new")
    with new.active() as rdb:
        index = idx.get_index(rdb, inline_limit=0)   # every vector is stored: built inline, nothing embedded
        assert index.size == 16 and sorted(index.indexed) == ids
        assert np.allclose(index.vector(ids[3]), vectors[3])
        assert (idx.index_dir_of(rdb) / "jobs.faiss").is_file()


def test_a_job_embedded_by_one_replica_is_recommended_by_another_without_embedding(db, encoder, replicas):
    _catalogue(db, encoder)
    a, b = replicas("a"), replicas("b")
    with b.active() as bdb:
        assert idx.get_index(bdb).size == 16    # B is up before the job is posted
    with a.active() as adb:
        new_id = jobs.add_job(adb, NEONATAL_JOB)
        assert recommend(adb, "neonatal nurse", k=1)[0].job_id == new_id   # A's sync embeds it
        posted = next(adb.query("SELECT * FROM jobs WHERE id = ?", [new_id]))
        assert encoder.encoded == [job_text(posted)]
    encoder.encoded.clear()
    with b.active() as bdb:
        started = time.monotonic()
        recs = recommend(bdb, "neonatal nurse", k=1)
        took = time.monotonic() - started
        assert recs[0].job_id == new_id and took < 5, took
        assert encoder.encoded == []            # read from job_vectors, not embedded again

    # an edit on A (embedded there) replaces B's vector; a closure on A drops it from B's index
    with a.active() as adb:
        adb.execute("UPDATE jobs SET title = 'Lighthouse Keeper', description = 'Keep the lighthouse lamp lit.', "
                    "required_skills = '[\"Lamp care\"]', updated_at = '2999-01-01T00:00:00+00:00' WHERE id = ?", [new_id])
        assert recommend(adb, "lighthouse keeper", k=1)[0].job_id == new_id
        assert len(encoder.encoded) == 1
    encoder.encoded.clear()
    with b.active() as bdb:
        assert recommend(bdb, "lighthouse keeper", k=1)[0].job_id == new_id
        assert new_id not in [r.job_id for r in recommend(bdb, "neonatal nurse", k=3)]
        assert encoder.encoded == []
        bdb.execute("UPDATE jobs SET status = 'closed', updated_at = '2999-01-02T00:00:00+00:00' WHERE id = ?", [new_id])
    with a.active() as adb:
        assert new_id not in [r.job_id for r in recommend(adb, "lighthouse keeper", k=3)]
        assert new_id not in idx.get_index(adb).indexed


def test_a_job_stamped_behind_the_watermark_is_still_picked_up(db, encoder, replicas):
    """updated_at is the writing replica's clock: a replica whose clock is behind (or a commit that took a
    while) stamps a job earlier than jobs another replica has already synced past."""
    _catalogue(db, encoder)
    b = replicas("b")
    with b.active() as bdb:
        index = idx.get_index(bdb)
        late = jobs.add_job(bdb, NEONATAL_JOB | {"title": "Neonatal Nurse (late)"})
        ahead = jobs.add_job(bdb, {"title": "Forklift Driver", "description": "Drive forklifts."})
        bdb.execute("UPDATE jobs SET updated_at = '2999-01-01T00:01:00+00:00' WHERE id = ?", [ahead])
        idx.get_index(bdb)
        assert index.watermark == "2999-01-01T00:01:00+00:00" and late in index.indexed
        index.remove([late])   # as if B had synced before the late job's commit became visible
        bdb.execute("UPDATE jobs SET updated_at = '2999-01-01T00:00:00+00:00' WHERE id = ?", [late])
        index.overlap_read_at -= idx.OVERLAP_EVERY_S   # as if that long had passed since the last re-read
        assert late in idx.get_index(bdb).indexed   # 60 s behind the watermark: within the overlap


def test_another_process_builds_and_syncs_from_stored_vectors_without_the_encoder(db, encoder, data_dir, tmp_path):
    """A separate process (a replica starting up) with no index files: it builds from the stored vectors and
    serves similar jobs for a job this process posted and embedded, never loading an encoder."""
    _catalogue(db, encoder)
    new_id = jobs.add_job(db, NEONATAL_JOB)
    idx.get_index(db)                         # this process embeds the new job
    assert len(encoder.encoded) == 1
    _remove_index_files(db)
    other_dir = tmp_path / "other" if store.is_postgres(db) else data_dir
    script = textwrap.dedent(f"""
        import json, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from engine import store
        from engine.recsys import encoder as enc, index as idx
        from engine.recsys.recommend import similar_jobs

        def refuse(*a, **k):
            raise SystemExit("the encoder was loaded")
        enc.load_encoder = refuse
        db = store.connect({str(other_dir)!r})
        started = time.monotonic()
        index = idx.get_index(db, inline_limit=0)
        took = time.monotonic() - started
        similar = [r.job_id for r in similar_jobs(db, {new_id}, k=3)]
        print(json.dumps({{"size": index.size, "has_new": {new_id} in index.indexed, "took": took,
                          "similar": similar, "vector": index.vector({new_id}).tolist()}}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["size"] == 17 and out["has_new"] and len(out["similar"]) == 3 and new_id not in out["similar"]
    assert out["took"] < 5, out["took"]
    assert np.allclose(out["vector"], encoder._vectors([job_text(next(db.query("SELECT * FROM jobs WHERE id = ?", [new_id])))])[0],
                       atol=1e-6)


NICU = "Neonatal intensive care nurse: premature newborns in the NICU, neonatal resuscitation, BLS"


@pytest.mark.slow
def test_with_the_real_encoder_a_posted_job_is_recommended_on_the_other_replica_unembedded(db, replicas, monkeypatch):
    for job in tiny_jobs(2):
        jobs.add_job(db, job)
    real = enc.load_encoder()
    job_texts: list[str] = []
    original = type(real).encode_jobs

    def counting(self, texts, *args, **kwargs):
        job_texts.extend(texts)
        return original(self, texts, *args, **kwargs)

    monkeypatch.setattr(type(real), "encode_jobs", counting)
    a, b = replicas("a"), replicas("b")
    with a.active() as adb:
        idx.get_index(adb)
    with b.active() as bdb:
        idx.get_index(bdb)
    assert len(job_texts) == 16               # B loaded what A embedded
    with a.active() as adb:
        new_id = jobs.add_job(adb, NEONATAL_JOB)
        assert recommend(adb, NICU, k=1)[0].job_id == new_id
    text = job_text(next(db.query("SELECT * FROM jobs WHERE id = ?", [new_id])))
    assert job_texts.count(text) == 1
    with b.active() as bdb:
        started = time.monotonic()
        assert recommend(bdb, NICU, k=1)[0].job_id == new_id
        assert time.monotonic() - started < 5
    assert job_texts.count(text) == 1         # B did not embed it again


def test_vectors_of_an_older_data_dirs_file_are_taken_over(db):
    """Before job_vectors, a data dir kept its vectors in index/embeddings.sqlite: the migration takes
    them over for jobs that still exist, so an upgrade embeds nothing again."""
    import sqlite3

    ids = [jobs.add_job(db, job) for job in tiny_jobs(1)[:3]]
    stamps = dict(db.execute("SELECT id, updated_at FROM jobs").fetchall())
    vectors = np.eye(4, enc.DIM, dtype=np.float32)
    (Path(db.data_dir) / "index").mkdir(exist_ok=True)
    with sqlite3.connect(Path(db.data_dir) / "index" / idx.LEGACY_FILE) as old:
        old.execute("CREATE TABLE vectors (job_id INTEGER PRIMARY KEY, updated_at TEXT NOT NULL, version TEXT NOT NULL, "
                    "vec BLOB NOT NULL)")
        old.executemany("INSERT INTO vectors VALUES (?, ?, 'v1', ?)",
                        [(i, stamps.get(i, "gone"), v.tobytes()) for i, v in zip([*ids, 999], vectors)])
    assert idx.import_legacy_vectors(db) == 4
    cache = idx.EmbeddingCache.of(db)
    assert cache.current("v1") == {i: stamps[i] for i in ids}     # the deleted job's vector is left behind
    got_ids, got = cache.get(ids, "v1")
    assert got_ids == ids and np.array_equal(got, vectors[:3])
    cache.close()


def test_jobs_sharing_the_watermarks_stamp_are_read_once_not_on_every_sync(db, encoder, monkeypatch):
    """A bulk import stamps thousands of jobs with one second. Syncs after it read what changed since, not
    every job carrying the watermark's stamp again: at 1M jobs each recommendation re-read all of them."""
    _catalogue(db, encoder)
    imported = store.utc_ago(minutes=10)
    db.execute("UPDATE jobs SET updated_at = ?", [imported])
    _remove_index_files(db)
    index = idx.get_index(db)
    assert (index.watermark, index.size) == (imported, 16)
    index.overlap_read_at -= idx.OVERLAP_EVERY_S
    idx.get_index(db)                      # the first overlap re-read covers the watermark's second once
    read: list[int] = []
    real = idx._jobs_to_index
    monkeypatch.setattr(idx, "_jobs_to_index", lambda *a, **k: read.append(len(rows := real(*a, **k))) or rows)
    for overlap_due in (False, True, False, True):
        if overlap_due:
            index.overlap_read_at -= idx.OVERLAP_EVERY_S
        idx.get_index(db)
    assert read == [0, 0, 0, 0]
    posted = jobs.add_job(db, NEONATAL_JOB)   # a new job is still seen by the next sync
    idx.get_index(db)
    assert read[-1] == 1 and posted in index.indexed


def test_a_sync_after_a_bulk_import_searches_the_stamp_index_instead_of_reading_every_job(db):
    """Jobs imported in bulk share a few stamps, and ANALYZE then tells SQLite that a stamp matches thousands
    of jobs: asked for them in id order, it scanned the whole table on every sync (a recommendation took 0.6 s
    at 1M jobs, bench/scale.py) although nothing had changed since the watermark."""
    if store.is_postgres(db):
        pytest.skip("the planner choice measured here is SQLite's")
    stamps = [store.utc_ago(minutes=m) for m in (30, 20, 10)]
    rows = [(f"Imported {i}", "open", stamps[i % 3][:10], stamps[i % 3], f"bulk-{i}") for i in range(3000)]
    db.executemany("INSERT INTO jobs (title, status, created_date, updated_at, fingerprint) VALUES (?, ?, ?, ?, ?)", rows)
    db.execute("ANALYZE")
    steps = []
    db.conn.set_progress_handler(lambda: steps.append(1), 100)   # one call per 100 VM instructions
    try:
        assert idx._jobs_to_index(db, since=stamps[-1], inclusive=False) == []
    finally:
        db.conn.set_progress_handler(None, 0)
    assert len(steps) < 10, f"{len(steps) * 100} instructions to find no job among 3,000"
    assert [r["id"] for r in idx._jobs_to_index(db, since=stamps[-1])] == [r[0] for r in db.execute(
        "SELECT id FROM jobs WHERE updated_at = ? ORDER BY id", [stamps[-1]]).fetchall()]
