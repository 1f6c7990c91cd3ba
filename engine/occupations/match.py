"""Title -> occupation: the encoder in use (Job-Rec, or the pretrained MiniLM) against the occupations'
titles.

Each occupation is written as a few short titles: its own title, up to ``REPORTED`` titles workers
reported and alternate titles (never the held-out ones, never one O*NET gives several occupations) up to
``TITLES_PER_OCCUPATION`` in all. A query's
score for an occupation is its best cosine to any of them (a title matches a title, not a centroid of
many). The ~8,000 title vectors take seconds to minutes to embed, so they are cached per encoder version
under the cache folder; a retrained model gets fresh ones.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine import config
from engine.occupations.head import OccupationHead, head_for
from engine.occupations.table import OccupationTable, load_table

TITLES_PER_OCCUPATION = 8
REPORTED = 3
_lock = threading.Lock()
_matchers: dict[str, "OccupationMatcher"] = {}


@dataclass(frozen=True)
class OccupationMatch:
    code: str
    title: str
    confidence: float   # the best cosine between the query and one of the occupation's titles (0..1)


def occupation_titles(table: OccupationTable, per_occupation: int = TITLES_PER_OCCUPATION) -> list[tuple[str, str]]:
    """(code, title) rows a matcher reads: each occupation's title, a few reported titles, then alternate
    titles in a fixed hash order (O*NET lists them alphabetically, which would favour 'A...'). A spelling
    O*NET gives several occupations ("Security Officer") is left out: with one of them it would be a
    perfect match for an arbitrary one."""
    owners: dict[str, set[str]] = {}
    for code, title, _ in table.alternate_titles:
        owners.setdefault(title.lower(), set()).add(code)
    for code, title in table.reported_titles:
        owners.setdefault(title.lower(), set()).add(code)
    reported: dict[str, list[str]] = {}
    for code, title in table.reported_titles:
        reported.setdefault(code, []).append(title)
    alternates: dict[str, list[str]] = {}
    for code, title, held in table.alternate_titles:
        if not held:
            alternates.setdefault(code, []).append(title)
    rows = []
    for occ in table.occupations:
        chosen = {occ.title.lower(): occ.title}
        for t in [t for t in reported.get(occ.code, []) if len(owners[t.lower()]) == 1][:REPORTED]:
            chosen.setdefault(t.lower(), t)
        for t in sorted(alternates.get(occ.code, []), key=lambda t: hashlib.sha1(t.encode()).hexdigest()):
            if len(chosen) >= per_occupation:
                break
            if len(owners[t.lower()]) == 1:
                chosen.setdefault(t.lower(), t)
        rows.extend((occ.code, t) for t in list(chosen.values())[:per_occupation])
    return rows


def titles_digest(titles: list[str]) -> str:
    return hashlib.sha1("\n".join(titles).encode()).hexdigest()[:12]


def vectors_path(encoder_version: str, titles: list[str]):
    return config.cache_dir() / "occupations" / f"{encoder_version.replace('@', '_')}-{titles_digest(titles)}.npy"


@lru_cache(maxsize=1)
def _product_titles() -> tuple[str, ...]:
    return tuple(t for _, t in occupation_titles(load_table()))


def _version(encoder_version: str, head: OccupationHead | None, titles: list[str]) -> str:
    return f"{encoder_version}{'+' + head.version if head else ''}#{titles_digest(titles)}"


def matcher_version() -> str:
    """What a stored occupation depends on: the encoder, its occupation head and the titles the matcher
    reads (a change of any re-assigns jobs). Computed without loading the model."""
    from engine.recsys.encoder import model_version

    version = model_version()
    return _version(version, head_for(version), list(_product_titles()))


def matcher_ready() -> bool:
    """The product's matcher can answer without embedding the occupations first (a page may wait for it)."""
    from engine.recsys.encoder import model_version

    version = model_version()
    with _lock:
        if any(key.startswith(f"{version}+") for key in _matchers):
            return True
    return vectors_path(version, list(_product_titles())).is_file()


def best_per_occupation(sims: np.ndarray, owner: np.ndarray, n_occupations: int) -> np.ndarray:
    """(queries, occupations) from (queries, title rows): each occupation scores as its best title."""
    out = np.full((len(sims), n_occupations), -1.0, dtype=np.float32)
    np.maximum.at(out.T, owner, sims.T)
    return out


class OccupationMatcher:
    """Nearest occupations of titles for one encoder (anything with ``encode(texts)`` and ``version``), its
    vectors passed through an occupation head when one is given (Job-Rec-v2, engine/occupations/head.py)."""

    def __init__(self, encoder, table: OccupationTable | None = None, per_occupation: int = TITLES_PER_OCCUPATION,
                 show_progress: bool = False, head: OccupationHead | None = None):
        self.encoder = encoder
        self.table = table or load_table()
        self.by_code = self.table.by_code
        rows = occupation_titles(self.table, per_occupation)
        self.codes = [o.code for o in self.table.occupations]
        position = {c: i for i, c in enumerate(self.codes)}
        self.owner = np.array([position[c] for c, _ in rows])   # title row -> occupation row
        self.head = head
        self.version = _version(encoder.version, head, [t for _, t in rows])
        self.vectors = self._project(self._title_vectors([t for _, t in rows], show_progress))

    def _project(self, vectors: np.ndarray) -> np.ndarray:
        return self.head.apply(vectors) if self.head is not None else vectors

    def _title_vectors(self, titles: list[str], show_progress: bool) -> np.ndarray:
        path = vectors_path(self.encoder.version, titles)
        if path.is_file():
            vectors = np.load(path)
            if vectors.shape[0] == len(titles):
                return vectors
        vectors = self.encoder.encode(titles, batch_size=256, show_progress=show_progress).astype(np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
        return vectors

    def scores(self, titles: list[str]) -> np.ndarray:
        """(queries, occupations): the best cosine of each query to each occupation's titles."""
        sims = self._project(self.encoder.encode(list(titles), batch_size=256)) @ self.vectors.T   # (Q, title rows)
        return best_per_occupation(sims, self.owner, len(self.codes))

    def top(self, titles: list[str], k: int = 5) -> list[list[OccupationMatch]]:
        if not titles:
            return []
        out = []
        for row in self.scores(titles):
            best = np.argsort(-row, kind="stable")[:k]
            out.append([OccupationMatch(self.codes[i], self.by_code[self.codes[i]].title,
                                        round(float(max(row[i], 0.0)), 3)) for i in best])
        return out


def matcher() -> OccupationMatcher:
    """The product's matcher, for the encoder the product uses now and its occupation head (rebuilt when
    either changes)."""
    from engine.recsys.encoder import load_encoder

    enc = load_encoder()
    head = head_for(enc.version)
    key = f"{enc.version}+{head.version if head else ''}"
    with _lock:
        if key not in _matchers:
            _matchers.clear()
            _matchers[key] = OccupationMatcher(enc, head=head)
        return _matchers[key]
