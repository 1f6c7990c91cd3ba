"""Top-k jobs for a candidate, and jobs similar to a job.

profile -> text -> vector (cached by text, so a changed profile gives fresh results) -> FAISS top-k ->
only jobs a candidate may see (open, not expired, not pending review) and not already applied to, with the
skills the candidate has and lacks. Re-ranking by views/saves/applications is off: see docs/recsys.md.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field

import numpy as np
import sqlite_utils

from engine import decisions
from engine.authz import Actor, NotFound
from engine.jobs import decode_job, visible_to_candidates_sql
from engine.recsys import encoder as enc
from engine.recsys import placement
from engine.recsys.fit import match_skills
from engine.recsys.index import JobIndex, get_index
from engine.recsys.placement import CandidateContext
from engine.recsys.text import as_list, job_text, profile_text
from engine.store import one, transaction


class EmptyProfile(ValueError):
    """The profile says nothing to match on; the UI asks the candidate to add skills."""

    def __init__(self, message: str = "Add your skills (and a headline or some experience) to your profile to get "
                                      "job recommendations."):
        super().__init__(message)


@dataclass
class Recommendation:
    job_id: int
    title: str
    company: str
    category: str
    location: str
    score: float                      # cosine similarity, -1..1 (in practice 0..1)
    matched_skills: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    nearness: str = "unknown"         # near | remote | country | far | unknown (placement.nearness)
    level_fit: bool | None = None     # at the candidate's level; None when they gave no level

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Profile:
    text: str
    skills: list[str]
    user_id: int | None = None
    location: str | None = None


@dataclass
class Placed:
    """Recommendations ranked with the candidate's place and level, and the note to show beside them."""
    recommendations: list[Recommendation]
    note: str | None
    context: CandidateContext


_VECTOR_CACHE_SIZE = 256
_vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_vectors_lock = threading.Lock()


def _text_vector(text: str) -> np.ndarray:
    """The encoded profile text, cached by (model, text): unchanged profiles skip the encoder."""
    key = (enc.model_version(), text)
    with _vectors_lock:
        if key in _vectors:
            _vectors.move_to_end(key)
            return _vectors[key]
    vector = enc.encode_query([text])[0]
    with _vectors_lock:
        _vectors[key] = vector
        while len(_vectors) > _VECTOR_CACHE_SIZE:
            _vectors.popitem(last=False)
    return vector


def resolve_profile(db: sqlite_utils.Database, who) -> Profile:
    """An Actor (their stored profile), a profile dict, or a free text."""
    if isinstance(who, Actor):
        user = one(db, "SELECT * FROM users WHERE id = ?", [who.user_id])
        if user is None:
            raise NotFound("Unknown user.")
        return Profile(profile_text(user), as_list(user.get("skills")), who.user_id, user.get("location"))
    if isinstance(who, dict):
        return Profile(profile_text(who), as_list(who.get("skills")), who.get("id"), who.get("location"))
    return Profile(" ".join(str(who or "").split()), [])


def applied_job_ids(db: sqlite_utils.Database, user_id: int | None) -> set[int]:
    if user_id is None:
        return set()
    return {r["job_id"] for r in db.query("SELECT job_id FROM applications WHERE candidate_id = ?", [user_id])}


def _visible_jobs(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    rows = db.query(f"SELECT * FROM jobs j WHERE j.id IN ({','.join('?' * len(ids))}) AND {visible_to_candidates_sql()}", ids)
    return {r["id"]: decode_job(r) for r in rows}


def _top_visible(db, index: JobIndex, vector: np.ndarray, k: int, exclude: set[int]) -> list[tuple[dict, float]]:
    """Search wider until k visible, non-excluded jobs are found or the index is exhausted."""
    fetch = k + len(exclude) + 10
    while True:
        hits = index.search(vector, fetch)
        rows = _visible_jobs(db, [i for i, _ in hits if i not in exclude])
        found = [(rows[i], s) for i, s in hits if i in rows]
        if len(found) >= k or fetch >= index.size:
            return found[:k]
        fetch *= 4


def _to_rec(job: dict, score: float, skills: list[str], text: str) -> Recommendation:
    matched, missing = match_skills(job.get("required_skills"), skills, text)
    return Recommendation(job["id"], job["title"], job["company"], job["category"], job["location"],
                          round(float(score), 4), matched, missing)


PLACE_POOL = 60   # nearest jobs by meaning that place and level may reorder (k=5 -> 60; k=50 -> 150)


def recommend_placed(db: sqlite_utils.Database, who, k: int = 5, *, by_place: bool = True) -> Placed:
    """Top-k jobs for an Actor's profile, a profile dict or a free text, best first: the jobs closest in
    meaning, reordered by the candidate's place, work mode and level (``by_place=False``: meaning alone, for
    measuring). Raises EmptyProfile when there is nothing to match on, IndexNotReady while a large index builds."""
    profile = resolve_profile(db, who)
    if not profile.text.strip():
        raise EmptyProfile()
    k = max(1, min(int(k), 100))
    index = get_index(db)
    vector = _text_vector(profile.text)
    exclude = applied_job_ids(db, profile.user_id)
    context = placement.candidate_context(profile.text, profile.location)
    pool = _top_visible(db, index, vector, max(PLACE_POOL, 3 * k) if by_place and context.known else k, exclude)
    if by_place and context.known:
        pool = sorted(pool, key=lambda js: -placement.adjusted_score(js[1], context, js[0]))[:k]
    recs = []
    for job, score in pool:
        rec = _to_rec(job, score, profile.skills, profile.text)
        rec.nearness = placement.nearness(context, job)
        rec.level_fit = None if context.level is None else placement.level_fits(context.level, placement.job_level(job["title"]))
        recs.append(rec)
    if isinstance(who, Actor):
        _record_shown(db, who, profile, recs)
    return Placed(recs, placement.placement_note(context, [r.nearness for r in recs]), context)


def recommend(db: sqlite_utils.Database, who, k: int = 5) -> list[Recommendation]:
    """``recommend_placed``'s jobs alone."""
    return recommend_placed(db, who, k).recommendations


def _record_shown(db: sqlite_utils.Database, who: Actor, profile: Profile, recs: list[Recommendation]) -> None:
    """Log the recommendations a candidate is shown (the decision log, engine.decisions)."""
    encoder = enc.load_encoder()
    digest = decisions.input_hash(profile.text)
    with transaction(db):
        for rank, rec in enumerate(recs, 1):
            decisions.record_ai(db, "recommendation", model=encoder.name, model_version=encoder.version,
                                input_hash=digest, output={"rank": rank, "score": rec.score}, shown_to=who.user_id,
                                job_id=rec.job_id, candidate_id=who.user_id)


def similar_jobs(db: sqlite_utils.Database, job_id: int, k: int = 5) -> list[Recommendation]:
    """Top-k visible jobs most like this one, itself excluded. Matched/missing compare with its skills."""
    row = one(db, "SELECT * FROM jobs WHERE id = ?", [job_id])
    if row is None:
        raise NotFound(f"There is no job with id {job_id}.")
    job = decode_job(row)
    index = get_index(db)
    vector = index.vector(job_id)
    if vector is None:  # closed or not yet indexed: embed it on the spot
        vector = _text_vector(job_text(job))
    k = max(1, min(int(k), 100))
    skills = job["required_skills"]
    return [_to_rec(other, score, skills, "") for other, score in _top_visible(db, index, vector, k, {job_id})]
