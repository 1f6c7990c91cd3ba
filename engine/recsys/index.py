"""The FAISS job index of one data dir: inner product over normalised Job-Rec vectors.

- Flat (exact, in an IndexIDMap2 so labels are job ids) up to FLAT_LIMIT jobs; above it IVF
  (IndexIVFFlat, nlist = 4 sqrt(n) k-means lists, job ids stored directly, a hashtable direct map so a job's
  vector can be read back and removed). Both remove jobs for real, so edits and closures never leave stale
  vectors behind. IVF was chosen over HNSW by bench/recsys.py (docs/recsys.md, Speed).
- The FAISS files are saved in ``<data_dir>/index/`` (never under artifacts): ``jobs.faiss`` and
  ``meta.json`` (stamp, watermark, job id -> updated_at of each indexed vector). The job vectors themselves
  live in the database (``job_vectors``, see ``EmbeddingCache``), written batch by batch, so a build that
  crashes resumes where it stopped, and every replica on one database shares them: a replica without
  index files builds its index from the stored vectors without loading the encoder (inline when every job
  has one, up to INLINE_LOAD_LIMIT jobs), and a job one replica embedded is read, not embedded, by the
  others' syncs.
- The stamp (encoder version and job-text format, see `vector_version`, + index kind) decides full
  rebuilds, as does a catalogue that outgrew its index (a flat one past 2 x FLAT_LIMIT, an IVF one past 4x
  the jobs it was trained on). Otherwise ``sync`` is incremental: jobs stamped (``updated_at``) after the
  watermark, or within the overlap window that catches late stamps (``_changed_jobs``), whose stamp differs
  from the indexed one are replaced (their stored vector,
  or a new embedding when none is stored for that text); closed or rejected jobs are dropped. Visibility (open, not
  expired, not pending review) is checked at query time against the database, so a hidden job never shows
  even before a sync.
- One ``JobIndex`` per data dir per process (module cache). A large build runs in its own process
  (``start_background_build``: `python -m engine index build --background`, at the lowest CPU priority),
  never in the process that serves pages: embedding in the web server made every page crawl while it ran.
  The builder publishes its progress in ``<data_dir>/index/build.json`` and holds ``build.lock``, so one
  build runs per data dir whoever started it (`engine init --build-index`, a page, the CLI); a thread of
  the server follows the file into ``BUILD_STATUS`` for the UI and loads the saved index when it is ready.
"""
from __future__ import annotations

import atexit
import fcntl
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

import numpy as np
import sqlite_utils

from engine import priority
from engine.recsys import encoder as enc
from engine.recsys.text import JOB_TEXT_FORMAT, job_text

FLAT_LIMIT = 50_000        # exact search stays under ~10 ms up to here on 2 cores
IVF_NPROBE = 64            # lists scanned per query: see bench/recsys.py (recall@5 vs flat, latency)
IVF_TRAIN_PER_LIST = 64    # k-means sample size per list: enough for stable centroids, bounded build time
IVF_REGROW = 4             # rebuild (retrain) an IVF index once it holds this many times its training size
INLINE_BUILD_LIMIT = 64    # a first build this small runs inside the request; larger ones in the background
SAVE_EVERY = 50            # incremental changes between saves (the embedding cache keeps the rest safe)
SAVE_SHARE = 1000          # ...or one change per this many jobs: writing a 1M index took 1.4 s (bench)
INLINE_LOAD_LIMIT = FLAT_LIMIT  # a missing index whose vectors are all stored loads inside the request up to here
SYNC_OVERLAP_S = 120       # a sync re-reads jobs stamped this long before its previous re-read: updated_at is
                           # the writer's clock, and a replica's clock or a slow commit may put it behind a
                           # stamp already seen; the re-read jobs whose vector is current cost a dict lookup
OVERLAP_EVERY_S = 2.0      # ...at most this often (other syncs read past the watermark only): after a bulk
                           # import every job is in the window, and reading them all on each request cost 0.3 s at 3k
STATUS_EVERY_S = 0.5       # the build publishes its progress at most this often
EMBED_BATCH = 64
READ_CHUNK = 2048          # jobs read (and sorted by text length) at a time during a build
INDEXED_STATUSES = ("open", "pending_review")   # pending jobs may be approved without a re-embed

ProgressCallback = Callable[[int, int], None]


class IndexNotReady(RuntimeError):
    """The index is being built (or must be); ``status`` says how far it is."""

    def __init__(self, status: "BuildStatus"):
        super().__init__(f"The job index is being built ({status.done}/{status.total} jobs embedded).")
        self.status = status


@dataclass
class BuildStatus:
    state: str = "idle"         # idle | building | ready | failed
    done: int = 0
    total: int = 0
    error: str | None = None
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else (1.0 if self.state == "ready" else 0.0)


BUILD_STATUS: dict[str, BuildStatus] = {}
_indexes: dict[str, "JobIndex"] = {}
_loaded_meta: dict[str, int] = {}      # data dir -> mtime of the meta.json last loaded (or found stale)
_lock = threading.RLock()
_stopping = threading.Event()           # set at exit (or SIGTERM in a build process): builds stop between batches
_build_threads: list[threading.Thread] = []     # watchers of build processes
_build_processes: list[subprocess.Popen] = []   # build processes this process started


class BuildStopped(RuntimeError):
    """The process is exiting; the build resumes from its cached embeddings next time."""


def index_dir_of(db: sqlite_utils.Database) -> Path | None:
    """``<data_dir>/index`` (the folder beside the SQLite file, or the configured one of a PostgreSQL
    database), None for an in-memory SQLite database (then nothing is saved)."""
    from engine import store

    if not store.is_postgres(db) and _sqlite_in_memory(db):
        return None
    return Path(db.data_dir).resolve() / "index"


def _sqlite_in_memory(db: sqlite_utils.Database) -> bool:
    # an in-memory database still has a data dir (the configured one): its index must not be saved there
    return not any(row[1] == "main" and row[2] for row in db.execute("PRAGMA database_list").fetchall())


def _key(db: sqlite_utils.Database) -> str:
    d = index_dir_of(db)
    return str(d) if d else f"memory:{id(db)}"


IN_CHUNK = 900             # ids per "IN (...)" list (SQLite allows 999 parameters)
SCAN_ABOVE = 5000          # get(): more ids than this are read by scanning the table in job id order
SCAN_PAGE = 20_000         # rows per page of that scan (30 MB of vectors): bounded memory at 1M jobs
LEGACY_FILE = "embeddings.sqlite"   # where a data dir kept its vectors before m313_recsys_job_vectors


class EmbeddingCache:
    """job_id -> (updated_at, vector version, vector): the database's ``job_vectors`` table, shared by every
    process and replica on that database. Written in committed batches, so a build that stops resumes.

    It reads and writes through a connection of its own (builds run in threads and build processes, and
    their batches must commit whatever the caller's connection is doing); ``None`` gives a private
    in-memory store, for an index used on its own (tests of the index)."""

    def __init__(self, db=None, *, owned: bool = True):
        from engine import store

        if db is None:
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            db = store.SqliteDatabase(conn, Path("."))
            store.apply_migrations(db)
        self.db, self.owned = db, owned
        self.postgres = store.is_postgres(db)
        self.lock = threading.Lock()

    @classmethod
    def of(cls, db) -> "EmbeddingCache":
        """The store of this database, on a new connection (an in-memory SQLite database cannot be opened
        twice: its own connection is shared, and left open when the cache closes)."""
        from engine import store

        if store.is_postgres(db):
            from engine.postgres import PostgresDatabase

            return cls(PostgresDatabase(db.url, db.data_dir))
        if _sqlite_in_memory(db):
            return cls(db, owned=False)
        return cls(store.connect(db.data_dir))

    def close(self) -> None:
        if self.owned:
            self.db.close()

    def current(self, version: str, ids: list[int] | None = None) -> dict[int, str]:
        """job id -> updated_at of its stored vector (of these ids, or all)."""
        with self.lock:
            if ids is None:
                return dict(self.db.execute("SELECT job_id, updated_at FROM job_vectors WHERE version = ?",
                                            [version]).fetchall())
            out: dict[int, str] = {}
            for start in range(0, len(ids), IN_CHUNK):
                chunk = ids[start:start + IN_CHUNK]
                out.update(self.db.execute(f"SELECT job_id, updated_at FROM job_vectors WHERE version = ? AND job_id IN "
                                           f"({','.join('?' * len(chunk))})", [version, *chunk]).fetchall())
            return out

    def put(self, ids: list[int], updated: list[str], version: str, vectors: np.ndarray) -> None:
        """Store (or replace) these vectors in one transaction. A job deleted meanwhile is skipped (its row
        would break the foreign key): the SELECT finds no job to attach the vector to."""
        from engine.store import transaction

        if not ids:
            return
        rows = [(u, version, np.ascontiguousarray(v, np.float32).tobytes(), i) for i, u, v in zip(ids, updated, vectors)]
        with self.lock, transaction(self.db):
            self.db.executemany(
                "INSERT INTO job_vectors (job_id, updated_at, version, vec) SELECT id, ?, ?, ? FROM jobs WHERE id = ? "
                "ON CONFLICT (job_id) DO UPDATE SET updated_at = excluded.updated_at, version = excluded.version, "
                "vec = excluded.vec", rows)

    def get(self, ids: list[int], version: str) -> tuple[list[int], np.ndarray]:
        """(ids that have a stored vector of this version, their vectors as rows), in job id order. Many ids
        (a build) are read by paging through the table in id order instead of by IN lists."""
        wanted = sorted(set(ids))
        out_ids: list[int] = []
        blocks: list[np.ndarray] = []
        read = self._read_binary if self.postgres else self.db.execute
        with self.lock:
            if len(wanted) > SCAN_ABOVE:
                keep, last, stop = set(wanted), wanted[0] - 1, wanted[-1]
                while last < stop:
                    rows = read("SELECT job_id, vec FROM job_vectors WHERE version = ? AND job_id > ? "
                                           "AND job_id <= ? ORDER BY job_id LIMIT ?",
                                           [version, last, stop, SCAN_PAGE]).fetchall()
                    if not rows:
                        break
                    last = rows[-1][0]
                    self._collect([r for r in rows if r[0] in keep], out_ids, blocks)
            else:
                for start in range(0, len(wanted), IN_CHUNK):
                    chunk = wanted[start:start + IN_CHUNK]
                    rows = read(f"SELECT job_id, vec FROM job_vectors WHERE version = ? AND job_id IN "
                                f"({','.join('?' * len(chunk))}) ORDER BY job_id", [version, *chunk]).fetchall()
                    self._collect(rows, out_ids, blocks)
        return out_ids, (np.vstack(blocks) if blocks else np.zeros((0, enc.DIM), np.float32))

    def _read_binary(self, sql: str, params: list):
        return self.db.execute(sql, params, binary=True)   # bytea in binary: half the time of hex text

    @staticmethod
    def _collect(rows, out_ids: list[int], blocks: list[np.ndarray]) -> None:
        if rows:
            out_ids.extend(r[0] for r in rows)
            blocks.append(np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float32).reshape(len(rows), -1))

    def missing(self, version: str) -> int:
        """Indexable jobs without a stored vector of this version for their current text."""
        with self.lock:
            return self.db.execute(
                "SELECT count(*) FROM jobs j LEFT JOIN job_vectors v ON v.job_id = j.id AND v.version = ? "
                f"AND v.updated_at = j.updated_at WHERE j.status IN ({_indexed_sql()}) AND v.job_id IS NULL",
                [version]).fetchone()[0]

    def clear(self) -> None:
        """Forget every stored vector (``index build --rebuild``: every replica's jobs are embedded anew)."""
        from engine.store import transaction

        with self.lock, transaction(self.db):
            self.db.execute("DELETE FROM job_vectors")


def _indexed_sql() -> str:
    return ", ".join(repr(s) for s in INDEXED_STATUSES)


def import_legacy_vectors(db) -> int:
    """Take over the vectors a data dir kept in ``index/embeddings.sqlite`` before they moved into the
    database (run by the migration, inside its transaction), for jobs that still exist; returns how many.
    Returns the rows read; the file is left where it is. Nothing to do for an in-memory database or a data
    dir without the file."""
    from engine import store

    if not store.is_postgres(db) and _sqlite_in_memory(db):
        return 0
    path = Path(db.data_dir) / "index" / LEGACY_FILE
    if not path.is_file():
        return 0
    legacy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = legacy.execute("SELECT job_id, updated_at, version, vec FROM vectors")
    except sqlite3.Error:
        legacy.close()
        return 0   # not a vector cache we know: nothing to take over
    taken = 0
    try:
        while rows := cursor.fetchmany(IN_CHUNK):
            db.executemany("INSERT INTO job_vectors (job_id, updated_at, version, vec) SELECT id, ?, ?, ? FROM jobs "
                           "WHERE id = ? ON CONFLICT (job_id) DO NOTHING",
                           [(u, v, bytes(b), i) for i, u, v, b in rows])
            taken += len(rows)
    finally:
        legacy.close()
    return taken


_omp_lock = threading.Lock()
_omp_default: int | None = None


class one_search_thread:
    """A single query runs on one OpenMP thread: measured on the shared 2-core machine, flat 100k went from
    88 ms to 18 ms median and HNSW 20k from 0.5 to 0.26 ms (the second thread only waits). Bulk adds keep
    every thread: the default is restored after each search."""

    def __enter__(self):
        import faiss

        global _omp_default
        with _omp_lock:
            _omp_default = _omp_default or faiss.omp_get_max_threads()
            faiss.omp_set_num_threads(1)

    def __exit__(self, *exc):
        import faiss

        with _omp_lock:
            faiss.omp_set_num_threads(_omp_default)


def ivf_lists(n: int) -> int:
    """4 sqrt(n) lists (1,265 at 100k, 4,000 at 1M), but at least 8 vectors per list for tiny catalogues."""
    return max(1, min(int(4 * n ** 0.5), n // 8))


def new_faiss_index(kind: str, dim: int = enc.DIM, train_vectors: np.ndarray | None = None):
    """An empty index whose labels are job ids. IVF needs the vectors to train its lists on (a sample of
    IVF_TRAIN_PER_LIST per list); they are not added."""
    import faiss

    if kind == "flat":
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    if kind != "ivf":
        raise ValueError(f"unknown index kind {kind!r}")
    if train_vectors is None or not len(train_vectors):
        raise ValueError("an IVF index needs vectors to train on")
    nlist = ivf_lists(len(train_vectors))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = min(len(train_vectors), IVF_TRAIN_PER_LIST * nlist)
    rows = np.sort(np.random.default_rng(0).choice(len(train_vectors), sample, replace=False))
    index.train(np.ascontiguousarray(train_vectors[rows], np.float32))
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct(job id) and remove_ids
    index.nprobe = IVF_NPROBE
    return index


def kind_for(n: int) -> str:
    return "flat" if n <= FLAT_LIMIT else "ivf"


@dataclass
class JobIndex:
    kind: str
    faiss_index: object
    encoder_version: str
    directory: Path | None
    cache: EmbeddingCache
    watermark: str = ""                                   # max updated_at seen by the last build/sync
    indexed: dict[int, str] = field(default_factory=dict)  # job id -> updated_at of its vector
    trained_on: int = 0                                    # IVF: jobs its lists were trained on
    overlap_read_at: float = 0.0                           # time.monotonic() of the last sync that re-read the overlap
    overlap_read_stamp: str = ""                           # ...and the time then, in the stamps' format
    unsaved: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def size(self) -> int:
        return len(self.indexed)

    @property
    def stamp(self) -> dict:
        return {"encoder_version": self.encoder_version, "kind": self.kind}

    @property
    def outgrown(self) -> bool:
        """Its kind no longer fits the catalogue: an unknown kind (an HNSW index of an older version), a flat
        index far past FLAT_LIMIT, or an IVF index whose lists were trained on far fewer jobs."""
        if self.kind == "flat":
            return self.size > 2 * FLAT_LIMIT
        return self.kind != "ivf" or self.size > IVF_REGROW * max(self.trained_on, 1)

    # --- changes -------------------------------------------------------------------------------------
    def upsert(self, ids: list[int], updated: list[str], vectors: np.ndarray) -> None:
        if not ids:
            return
        with self.lock:
            present = np.array([i for i in ids if i in self.indexed], dtype=np.int64)
            if len(present):
                self.faiss_index.remove_ids(present)
            self.faiss_index.add_with_ids(np.ascontiguousarray(vectors, np.float32), np.array(ids, dtype=np.int64))
            self.indexed.update(zip(ids, updated))
            self.unsaved += len(ids)

    def remove(self, ids: list[int]) -> None:
        ids = [i for i in ids if i in self.indexed]
        if not ids:
            return
        with self.lock:
            self.faiss_index.remove_ids(np.array(ids, dtype=np.int64))
            for i in ids:
                self.indexed.pop(i, None)
            self.unsaved += len(ids)

    # --- queries -------------------------------------------------------------------------------------
    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(job id, cosine) best first; ids no longer indexed are dropped."""
        q = np.ascontiguousarray(vector.reshape(1, -1), np.float32)
        with self.lock:
            with one_search_thread():
                scores, labels = self.faiss_index.search(q, min(k, max(self.faiss_index.ntotal, 1)))
        out = [(int(label), float(s)) for s, label in zip(scores[0], labels[0]) if label >= 0 and int(label) in self.indexed]
        return out[:k]

    def vector(self, job_id: int) -> np.ndarray | None:
        with self.lock:
            if job_id not in self.indexed:
                return None
            return self.faiss_index.reconstruct(int(job_id))

    # --- persistence ---------------------------------------------------------------------------------
    def save(self) -> None:
        if self.directory is None:
            return
        import faiss

        with self.lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            faiss.write_index(self.faiss_index, str(self.directory / "jobs.faiss.tmp"))
            meta = {"stamp": self.stamp, "watermark": self.watermark, "trained_on": self.trained_on,
                    "indexed": {str(k): v for k, v in self.indexed.items()}, "saved_at": time.time()}
            (self.directory / "meta.json.tmp").write_text(json.dumps(meta))
            (self.directory / "jobs.faiss.tmp").replace(self.directory / "jobs.faiss")
            (self.directory / "meta.json.tmp").replace(self.directory / "meta.json")
            self.unsaved = 0


def _load_saved(directory: Path, cache: EmbeddingCache) -> JobIndex | None:
    import faiss

    try:
        meta = json.loads((directory / "meta.json").read_text())
        index = faiss.read_index(str(directory / "jobs.faiss"))
    except (OSError, ValueError, RuntimeError):
        return None
    if meta["stamp"]["kind"] == "ivf":
        index.nprobe = IVF_NPROBE  # the current setting, not the one saved with the file
    return JobIndex(meta["stamp"]["kind"], index, meta["stamp"]["encoder_version"], directory, cache,
                    meta.get("watermark", ""), {int(k): v for k, v in meta.get("indexed", {}).items()},
                    int(meta.get("trained_on", 0)))


def _jobs_to_index(db, since: str | None = None, inclusive: bool = True) -> list[dict]:
    """Every job to index; or every job (any status) stamped after ``since`` (or at it, when ``inclusive``).
    The second is sorted here, not by the query: after a bulk import (thousands of jobs per stamp) SQLite's
    planner would rather scan every job in id order than search idx_jobs_updated and sort."""
    sql = "SELECT id, updated_at, status FROM jobs"
    if since is not None:
        rows = db.query(sql + f" WHERE updated_at {'>=' if inclusive else '>'} ?", [since])
        return sorted(rows, key=lambda row: row["id"])
    return list(db.query(sql + f" WHERE status IN ({', '.join(repr(s) for s in INDEXED_STATUSES)}) ORDER BY id"))


def _embed_missing(db, cache: EmbeddingCache, jobs: list[dict], version: str, load_encoder: Callable,
                   progress: ProgressCallback | None, status: BuildStatus | None) -> None:
    """Embed the jobs whose cached vector is missing or older, in committed batches. A job whose text has a
    shipped vector for this version (the default catalogue, see shipped_vectors) takes it instead; the
    encoder is loaded only when something is left to embed. Jobs are read a chunk at a time and embedded
    longest first, so a batch holds texts of similar length and pads little."""
    from engine.recsys import shipped_vectors

    cached = cache.current(version, [j["id"] for j in jobs] if len(jobs) < 900 else None)
    todo = [j for j in jobs if cached.get(j["id"]) != j["updated_at"]]
    total, done = len(jobs), len(jobs) - len(todo)
    table = shipped_vectors.for_version(version) if todo else None
    _report(done, total, progress, status)
    for start in range(0, len(todo), READ_CHUNK):
        ids = [j["id"] for j in todo[start:start + READ_CHUNK]]
        rows = [r for i in range(0, len(ids), 900) for r in
                db.query(f"SELECT * FROM jobs WHERE id IN ({','.join('?' * len(ids[i:i + 900]))})", ids[i:i + 900])]
        texts = [job_text(r) for r in rows]
        embed = list(range(len(rows)))
        if table is not None:
            hits, vectors = table.lookup(texts)
            cache.put([rows[i]["id"] for i in hits], [rows[i]["updated_at"] for i in hits], version, vectors)
            embed = sorted(set(embed) - set(hits))
            done += len(hits)
        embed.sort(key=lambda i: -len(texts[i]))
        _report(done, total, progress, status)   # the shipped vectors of this chunk
        for b in range(0, len(embed), EMBED_BATCH):
            if _stopping.is_set():
                raise BuildStopped("The process is exiting.")
            batch = embed[b:b + EMBED_BATCH]
            vectors = load_encoder().encode_jobs([texts[i] for i in batch], batch_size=EMBED_BATCH)
            cache.put([rows[i]["id"] for i in batch], [rows[i]["updated_at"] for i in batch], version, vectors)
            done += len(batch)
            _report(done, total, progress, status)


def _report(done: int, total: int, progress: ProgressCallback | None, status: BuildStatus | None) -> None:
    if status:
        status.done, status.total = done, total
    if progress:
        progress(done, total)


def vector_version(model_version: str) -> str:
    """What a stored job vector depends on: the encoder and the way a job is written as text."""
    return f"{model_version} text{JOB_TEXT_FORMAT}"


class _build_lock:
    """One build per data dir across processes (an flock on ``build.lock``, released when its holder exits)."""

    def __init__(self, directory: Path | None):
        self.directory, self.file = directory, None

    def __enter__(self):
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.file = open(self.directory / "build.lock", "w")
            fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        if self.file is not None:
            self.file.close()   # releases the lock


def _publish(directory: Path | None, status: BuildStatus, last: list[float], force: bool = False) -> None:
    """Write the build's progress to ``build.json`` (at most every STATUS_EVERY_S unless ``force``)."""
    if directory is None or (not force and time.monotonic() - last[0] < STATUS_EVERY_S):
        return
    last[0] = time.monotonic()
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f"build.json.tmp{os.getpid()}"
    tmp.write_text(json.dumps(asdict(status) | {"pid": os.getpid()}))
    tmp.replace(directory / "build.json")


def read_build_file(directory: Path | None) -> dict | None:
    try:
        return json.loads((directory / "build.json").read_text()) if directory else None
    except (OSError, ValueError):
        return None


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_index(db: sqlite_utils.Database, progress_callback: ProgressCallback | None = None,
                rebuild: bool = False) -> JobIndex:
    """A full build from the database (resuming from cached embeddings), saved and made current."""
    key = _key(db)
    status = BUILD_STATUS.setdefault(key, BuildStatus())
    status.state, status.error, status.started_at, status.finished_at = "building", None, time.time(), None
    directory = index_dir_of(db)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        _publish(directory, status, last)
        if progress_callback:
            progress_callback(done, total)

    try:
        with _build_lock(directory):
            _publish(directory, status, last, force=True)
            cache = _indexes[key].cache if key in _indexes else EmbeddingCache.of(db)
            if rebuild:
                cache.clear()
            jobs = _jobs_to_index(db)
            version = vector_version(enc.model_version())
            _embed_missing(db, cache, jobs, version, enc.load_encoder, progress, status)
            ids, vectors = cache.get([j["id"] for j in jobs], version)
            updated = {j["id"]: j["updated_at"] for j in jobs}
            kind = kind_for(len(ids))
            index = JobIndex(kind, new_faiss_index(kind, train_vectors=vectors), version, directory, cache,
                             max(updated.values(), default=""), trained_on=len(ids) if kind == "ivf" else 0)
            index.upsert(ids, [updated[i] for i in ids], vectors)
            index.save()
            with _lock:
                _indexes[key] = index
            status.state, status.finished_at = "ready", time.time()
            _publish(directory, status, last, force=True)
        return index
    except Exception as exc:
        status.state, status.error = "failed", f"{type(exc).__name__}: {exc}"
        _publish(directory, status, last, force=True)
        raise


def spawn_build(data_dir: str | Path | None = None) -> subprocess.Popen:
    """Start `python -m engine index build --background` for a data dir (``priority.lowest``), its output in
    ``<data_dir>/index/build.log``. It waits for (then reuses) any build already running there."""
    from engine import config, store

    directory = index_dir_of(store.connect(data_dir))
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "build.log", "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "engine", "index", "build", "--background", "--json",
                                 "--data-dir", str(directory.parent)],
                                cwd=config.PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=priority.lowest)   # pages first


def start_background_build(data_dir: str | Path | None = None) -> BuildStatus:
    """Build in a separate process (once per data dir; a build already running there, e.g. started by
    `engine init --build-index`, is followed instead) and return a status a thread keeps up to date."""
    from engine import store

    db = store.connect(data_dir)
    key, directory = _key(db), index_dir_of(db)
    with _lock:
        status = BUILD_STATUS.setdefault(key, BuildStatus())
        if status.state == "building":
            return status
        status.state, status.done, status.total, status.error = "building", 0, 0, None
        status.started_at, status.finished_at = time.time(), None
        running = read_build_file(directory)
        process = None
        if not (running and running.get("state") == "building" and _alive(running.get("pid"))):
            process = spawn_build(directory.parent)
            _build_processes.append(process)
        watcher = threading.Thread(target=_follow, args=(key, directory, status, process),
                                   name=f"index-build:{key}", daemon=True)
        if not _build_threads:
            atexit.register(_stop_background_builds)
        _build_threads.append(watcher)
        watcher.start()
    return status


def _follow(key: str, directory: Path, status: BuildStatus, process: subprocess.Popen | None) -> None:
    """Copy a build process's published progress into ``status`` until it is ready (then the saved index
    replaces this process's copy) or has failed or exited."""
    pid = process.pid if process else (read_build_file(directory) or {}).get("pid")
    while True:
        info = read_build_file(directory)
        mine = info is not None and info.get("pid") == pid
        if mine:
            status.done, status.total = int(info.get("done") or 0), int(info.get("total") or 0)
        if mine and info.get("state") == "ready":
            with _lock:
                _indexes.pop(key, None)   # the next request loads the saved index
                _loaded_meta.pop(key, None)
            status.state, status.finished_at = "ready", time.time()
            return
        if mine and info.get("state") == "failed":
            status.state, status.error = "failed", info.get("error") or "the build failed"
            return
        if process.poll() is not None if process else not _alive(pid):
            last = read_build_file(directory) or {}
            if last.get("pid") == pid and last.get("state") in ("ready", "failed"):
                continue   # it finished between the two reads: handled above
            code = process.returncode if process else "unknown"
            status.state, status.error = "failed", f"the build process exited (code {code}); see {directory / 'build.log'}"
            return
        if _stopping.is_set() and process is None:
            return   # a build another process started goes on without us
        time.sleep(0.25)


def _stop_background_builds() -> None:
    """At exit, ask the build processes this process started to stop after their batch (their finished
    batches stay in the embedding cache, so the next build resumes) and stop following them."""
    _stopping.set()
    for process in _build_processes:
        if process.poll() is None:
            process.terminate()
    for process in _build_processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    for thread in _build_threads:
        thread.join(timeout=10)


def save_due(index: JobIndex) -> bool:
    """Enough unsaved changes to pay for a save inside a request. A big index saves less often: a restart
    then re-syncs the rest from the watermark with vectors from the embedding cache, embedding nothing."""
    return index.unsaved >= max(SAVE_EVERY, index.size // SAVE_SHARE)


def _overlap_start(stamp: str) -> str:
    """SYNC_OVERLAP_S before a stamp (a bad stamp: the stamp itself)."""
    try:
        return (datetime.fromisoformat(stamp) - timedelta(seconds=SYNC_OVERLAP_S)).isoformat()
    except ValueError:
        return stamp


def _changed_jobs(db, index: JobIndex) -> list[dict]:
    """The jobs a sync must look at. Most syncs read the jobs stamped after the watermark. At most every
    OVERLAP_EVERY_S a sync also re-reads the jobs stamped up to SYNC_OVERLAP_S before the previous such
    read (before the watermark, the first time), where a job stamped late lands. The window follows the
    clock, not the watermark: jobs sharing the watermark's second (a bulk import) are read once, not on
    every request (at 1M jobs that made each recommendation take seconds)."""
    from engine import store

    if not index.watermark:
        return _jobs_to_index(db, since="")
    # stamps have whole seconds: the watermark's own second is read again while it may still be filling
    since, inclusive = index.watermark, index.watermark >= store.utc_ago(seconds=OVERLAP_EVERY_S)
    overlap_due = time.monotonic() - index.overlap_read_at >= OVERLAP_EVERY_S
    if overlap_due:
        now, start = store.utcnow(), _overlap_start(index.overlap_read_stamp or index.watermark)
        if start <= since:
            since, inclusive = start, True
    changed = _jobs_to_index(db, since=since, inclusive=inclusive)
    if overlap_due:
        index.overlap_read_at, index.overlap_read_stamp = time.monotonic(), now
    return changed


def sync(db: sqlite_utils.Database, index: JobIndex) -> int:
    """Bring the index up to date with the jobs changed since it last looked (_changed_jobs). Vectors come
    from the shared job_vectors table when another process or replica already embedded the job's current
    text; only the rest is embedded. Returns the jobs whose vector was added, replaced or removed."""
    changed = _changed_jobs(db, index)
    keep = [j for j in changed if j["status"] in INDEXED_STATUSES and index.indexed.get(j["id"]) != j["updated_at"]]
    drop = [j["id"] for j in changed if j["status"] not in INDEXED_STATUSES and j["id"] in index.indexed]
    if keep:
        _embed_missing(db, index.cache, keep, index.encoder_version, enc.load_encoder, None, None)
        ids, vectors = index.cache.get([j["id"] for j in keep], index.encoder_version)
        updated = {j["id"]: j["updated_at"] for j in keep}
        index.upsert(ids, [updated[i] for i in ids], vectors)
    index.remove(drop)
    index.watermark = max([index.watermark, *(j["updated_at"] for j in changed)])
    if (keep or drop) and save_due(index):
        index.save()
    return len(keep) + len(drop)


@dataclass
class IndexStatus:
    data_dir: str | None
    state: str
    kind: str | None
    size: int
    encoder_version: str
    index_encoder_version: str | None
    needs_build: bool
    done: int = 0
    total: int = 0
    error: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _current(db: sqlite_utils.Database) -> JobIndex | None:
    """The loaded index of this data dir if its stamp matches the encoder (loading it from disk once, and
    again when a build process saved a newer one)."""
    key = _key(db)
    version = vector_version(enc.model_version())
    directory = index_dir_of(db)
    with _lock:
        index = _indexes.get(key)
        if (index is None or index.encoder_version != version) and directory and (directory / "meta.json").is_file():
            stamp = (directory / "meta.json").stat().st_mtime_ns
            if _loaded_meta.get(key) != stamp:
                _loaded_meta[key] = stamp
                cache = index.cache if index else EmbeddingCache.of(db)
                loaded = _load_saved(directory, cache)
                if loaded is not None:
                    _indexes[key] = index = loaded
                elif index is None:
                    cache.close()
    if index is None or index.encoder_version != version or index.outgrown:
        return None
    return index


def index_status(db: sqlite_utils.Database) -> IndexStatus:
    index = _current(db)
    key = _key(db)
    loaded = _indexes.get(key)
    build = BUILD_STATUS.get(key, BuildStatus())
    return IndexStatus(str(index_dir_of(db)) if index_dir_of(db) else None,
                       build.state if build.state != "idle" else ("ready" if index else "missing"),
                       index.kind if index else None, index.size if index else 0, vector_version(enc.model_version()),
                       loaded.encoder_version if loaded else None, index is None, build.done, build.total, build.error)


def get_index(db: sqlite_utils.Database, *, inline_limit: int = INLINE_BUILD_LIMIT,
              load_limit: int = INLINE_LOAD_LIMIT) -> JobIndex:
    """The up-to-date index of this data dir. A stale or missing index is rebuilt inline when there is little
    to embed (up to ``inline_limit`` jobs), or when every job's vector is stored (a new replica, a lost index
    folder) and there are at most ``load_limit`` of them: that build reads vectors and embeds nothing.
    Otherwise ``IndexNotReady`` is raised with the background build's status."""
    index = _current(db)
    if index is not None:
        with index.lock:
            sync(db, index)
        return index
    status = BUILD_STATUS.get(_key(db))
    if status and status.state == "building":
        raise IndexNotReady(status)
    pending = db.execute(f"SELECT count(*) FROM jobs WHERE status IN ({_indexed_sql()})").fetchone()[0]
    if pending <= inline_limit:
        return build_index(db)
    if pending <= load_limit:
        cache = EmbeddingCache.of(db)
        try:
            stored_all = cache.missing(vector_version(enc.model_version())) == 0
        finally:
            cache.close()
        if stored_all:
            return build_index(db)
    raise IndexNotReady(status or BuildStatus(state="missing", total=pending))


def forget_indexes() -> None:
    """Drop loaded indexes (tests; after deleting an index folder), closing their vector stores' connections."""
    with _lock:
        for index in _indexes.values():
            index.cache.close()
        _indexes.clear()
        _loaded_meta.clear()
        BUILD_STATUS.clear()
