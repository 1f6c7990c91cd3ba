"""Jobs' and profiles' occupations: assigning them, reading them, the search facet and the recruiter's
"did you mean".

A job's occupation comes from its title alone (titles are what people type and what O*NET lists); it is
stored in ``job_occupations`` with the matcher version that chose it (encoder + the titles it reads), so a
retrained model re-assigns.
Titles repeat (10,000 generated jobs have a few hundred), so each distinct title is matched once.
A profile's occupation comes from its headline and is computed when shown (one short text).
"""
from __future__ import annotations

import atexit
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from engine import priority
from engine.occupations.match import OccupationMatch, matcher, matcher_ready, matcher_version
from engine.store import transaction

BATCH = 256
MIN_CONFIDENCE = 0.5   # below this the best occupation is a guess: not shown, not used to explain matches
MAX_TITLE_CHARS = 150


# Words that say how senior, not what the job is ("Lead" would otherwise read as the metal). Unlike
# recsys.text.SENIORITY this keeps "Head", "Chief" and "Associate": "Head Chef", "Chief Executives".
_RANK = re.compile(r"\b(senior|sr|junior|jr|lead|principal|staff|i{1,3}|iv|mid|level|entry)\b\.?", re.I)
_FIRST_PART = re.compile(r"\s[-\u2013\u2014]\s|[,|(\[:;]")


def query_title(title: str) -> str:
    """What of a posting's title names the occupation: its first part (before " - ", a comma or a
    bracket), without seniority words, pay or numbers: "Lead Data Engineer (Python) - Remote" -> "Data
    Engineer". Falls back to the tidied title when nothing is left."""
    tidy = " ".join(str(title or "").split())
    first = _FIRST_PART.split(tidy, maxsplit=1)[0]
    core = " ".join(re.sub(r"\$?\d[\d.,]*", " ", _RANK.sub(" ", first)).split()).strip(" -/&")
    return core or tidy


def match_titles(titles: list[str], k: int = 1) -> list[list[OccupationMatch]]:
    """The product's occupations for posting titles (each read through ``query_title``)."""
    return matcher().top([query_title(t) or "job" for t in titles], k)


def jobs_without_occupation(db: sqlite_utils.Database, version: str,
                            job_ids: list[int] | None = None) -> list[tuple[int, str]]:
    if job_ids is not None and not job_ids:   # (PostgreSQL refuses an empty IN ())
        return []
    only = f" AND j.id IN ({', '.join('?' for _ in job_ids)})" if job_ids is not None else ""
    return [(r[0], r[1] or "") for r in db.execute(
        "SELECT j.id, j.title FROM jobs j LEFT JOIN job_occupations o ON o.job_id = j.id "
        f"WHERE (o.job_id IS NULL OR o.model_version != ?){only} ORDER BY j.id", [version, *(job_ids or [])]).fetchall()]


def assignment_needed(db: sqlite_utils.Database) -> bool:
    """Some job has no occupation from the current model (cheap: one indexed probe)."""
    return db.execute("SELECT 1 FROM jobs j LEFT JOIN job_occupations o ON o.job_id = j.id "
                      "WHERE o.job_id IS NULL OR o.model_version != ? LIMIT 1", [matcher_version()]).fetchone() is not None


def assign_jobs(db: sqlite_utils.Database, progress: Callable[[int, int], None] | None = None,
                job_ids: list[int] | None = None) -> int:
    """Give every job (or those of ``job_ids``) without a current occupation one, committed per batch of
    titles. Returns how many jobs were given one."""
    m = matcher()
    version = m.version
    pending = jobs_without_occupation(db, version, job_ids)
    by_title: dict[str, list[int]] = {}
    for job_id, title in pending:
        by_title.setdefault(title.strip(), []).append(job_id)
    titles = list(by_title)
    if progress:
        progress(0, len(titles))
    for start in range(0, len(titles), BATCH):
        batch = titles[start:start + BATCH]
        rows = [(job_id, best[0].code, float(best[0].confidence), version)
                for title, best in zip(batch, match_titles(batch)) for job_id in by_title[title]]
        with transaction(db):
            db.executemany("INSERT INTO job_occupations (job_id, code, confidence, model_version) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT (job_id) DO UPDATE SET code = excluded.code, confidence = excluded.confidence, "
                           "model_version = excluded.model_version", rows)
        if progress:
            progress(min(start + BATCH, len(titles)), len(titles))
    return len(pending)


def occupations_of(db: sqlite_utils.Database, job_ids: list[int]) -> dict[int, OccupationMatch]:
    """job id -> its occupation, for the jobs that have one confident enough to show."""
    if not job_ids:
        return {}
    from engine.occupations.table import load_table

    by_code = load_table().by_code
    rows = db.execute(f"SELECT job_id, code, confidence FROM job_occupations WHERE job_id IN "
                      f"({', '.join('?' for _ in job_ids)}) AND confidence >= ?", [*job_ids, MIN_CONFIDENCE]).fetchall()
    return {r[0]: OccupationMatch(r[1], by_code[r[1]].title, r[2]) for r in rows if r[1] in by_code}


def with_occupations(db: sqlite_utils.Database, jobs: list[dict]) -> list[dict]:
    """The jobs, each with "occupation": its OccupationMatch or None (for cards and pages)."""
    known = occupations_of(db, [j["id"] for j in jobs])
    return [dict(j, occupation=known.get(j["id"])) for j in jobs]


def match_explanations(db: sqlite_utils.Database, profile: dict, job_ids: list[int]) -> dict[int, str]:
    """job id -> "Same occupation as your headline: Data Scientists (15-2051.00)" for the jobs whose
    occupation is the profile's (their occupations are assigned first where missing: a few titles)."""
    if not job_ids or not matcher_ready():   # never make a page wait for the occupations' first embedding
        return {}
    mine = profile_occupation(profile)
    if mine is None:
        return {}
    assign_jobs(db, job_ids=list(job_ids))
    return {job_id: f"Same occupation as your headline: {occ.title} ({occ.code})"
            for job_id, occ in occupations_of(db, list(job_ids)).items() if occ.code == mine.code}


def occupation_facet(db: sqlite_utils.Database) -> list[tuple[str, str, int]]:
    """(code, title, open jobs) for every occupation with an open job, most jobs first: the search facet."""
    from engine.jobs import visible_to_candidates_sql
    from engine.occupations.table import load_table

    by_code = load_table().by_code
    rows = db.execute(f"SELECT o.code, count(*) FROM job_occupations o JOIN jobs j ON j.id = o.job_id "
                      f"WHERE o.confidence >= ? AND {visible_to_candidates_sql()} GROUP BY o.code "
                      f"ORDER BY count(*) DESC, o.code", [MIN_CONFIDENCE]).fetchall()
    return [(code, by_code[code].title, n) for code, n in rows if code in by_code]


def suggest_occupations(title: str, k: int = 3) -> list[OccupationMatch]:
    """What a recruiter typing ``title`` may mean ("did you mean: Data Scientists, 15-2051.00")."""
    cleaned = " ".join(str(title or "").split())
    if not cleaned:
        return []
    if len(cleaned) > MAX_TITLE_CHARS:
        raise ValueError(f"A job title has at most {MAX_TITLE_CHARS} characters.")
    return _suggest(cleaned, k, matcher_version())


@lru_cache(maxsize=512)
def _suggest(title: str, k: int, version: str) -> list[OccupationMatch]:
    return [m for m in match_titles([title], k)[0] if m.confidence >= MIN_CONFIDENCE]


def profile_occupation(profile: dict) -> OccupationMatch | None:
    """The occupation of a candidate's headline ("Senior Data Engineer"), or None without one."""
    headline = " ".join(str(profile.get("headline") or "").split())[:MAX_TITLE_CHARS]
    if not headline:
        return None
    found = _suggest(headline, 1, matcher_version())
    return found[0] if found else None


class AssignStatus:
    """The background assignment of one data folder: its process while it runs."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def error(self) -> str | None:
        code = None if self.process is None else self.process.poll()
        return f"the assignment process exited with code {code}" if code else None


RESTART_AFTER_S = 60   # pages ask on every view: a run that failed, or left a job it cannot match, waits
_status: dict[str, AssignStatus] = {}
_status_lock = threading.Lock()


def _stop_at_exit() -> None:
    """Stop the assignments this process started (each batch commits on its own: the next run resumes)."""
    for status in _status.values():
        if status.running:
            status.process.terminate()


def start_background_assign(data_dir=None) -> AssignStatus:
    """Assign jobs' occupations in a separate process at the lowest CPU priority (`engine occupations assign`;
    the first time the occupation vectors are embedded: about a minute), one per data folder at a time and
    at most one start per RESTART_AFTER_S. In a thread of the page server the encoding held its interpreter
    and every page crawled meanwhile; pages show jobs while it runs and occupations appear as its batches
    commit."""
    from engine import config

    key = str(config.data_dir(data_dir))
    with _status_lock:
        status = _status.setdefault(key, AssignStatus())
        if status.running or (status.process and time.monotonic() - status.started_at < RESTART_AFTER_S):
            return status
        if not any(s.process for s in _status.values()):
            atexit.register(_stop_at_exit)
        Path(key).mkdir(parents=True, exist_ok=True)
        with open(Path(key) / "occupations-assign.log", "ab") as log:
            status.process = subprocess.Popen(
                [sys.executable, "-m", "engine", "occupations", "assign", "--data-dir", key],
                cwd=config.PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=priority.lowest)   # pages first
        status.started_at = time.monotonic()
    return status
