"""Jobs: storage, keyword search (SQLite FTS5; PostgreSQL: ``engine.jobs_search_postgres``), filters,
pagination, saved jobs and view/save events."""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import sqlite_utils

from engine.authz import Actor, NotFound, require_signed_in
from engine.choices import CATEGORY_NAMES
from engine import jobs_search_postgres
from engine.store import insert_row, is_postgres, one, transaction, utcnow

# The fields of one job, in the order the project's CSV format writes them.
JOB_FIELDS = (
    "title", "description", "company", "location", "category", "created_date", "deadline",
    "salary_min", "salary_max", "requirements", "responsibilities", "contact_email", "required_skills",
    "education_level", "remote", "employment_type",
)
SORTS = {
    "relevance": "rank",  # only meaningful with a keyword query; falls back to newest
    "newest": "j.created_date DESC, j.id DESC",
    "salary": "COALESCE(j.salary_max, j.salary_min, 0) DESC, j.id DESC",
    "deadline": "j.deadline IS NULL, j.deadline, j.id",  # open-ended postings last
}
_WORD = re.compile(r"\w+", re.UNICODE)
COUNT_CAP = 2000          # keyword/location searches count (and rank) this far, then report "2,000+"
BROWSE_COUNT_CAP = 10_000  # searches without them count this far (500 pages of 20), then report "10,000+"
# bm25 weights of jobs_fts's columns: title, company, category, location, required_skills, description
BM25 = "bm25(jobs_fts, 10.0, 2.0, 3.0, 1.0, 4.0, 1.0)"
_FTS_OPERATORS = {"AND", "OR", "NOT", "NEAR"}  # typed words, not operators: they carry no meaning in a job search


def job_fingerprint(job: dict) -> str:
    """Same title, company, location and opening text = same posting, whatever its source."""
    key = "|".join(
        re.sub(r"\s+", " ", str(job.get(k) or "")).strip().lower()
        for k in ("title", "company", "location")
    ) + "|" + re.sub(r"\s+", " ", str(job.get("description") or ""))[:300].strip().lower()
    return hashlib.sha1(key.encode()).hexdigest()


def _row_for_db(job: dict) -> dict:
    row = {k: job.get(k) for k in JOB_FIELDS if k in job}
    skills = job.get("required_skills") or []
    if isinstance(skills, str):
        skills = json.loads(skills) if skills.startswith("[") else [s.strip() for s in skills.split(",") if s.strip()]
    row["required_skills"] = json.dumps(list(dict.fromkeys(skills)))
    for text_col in ("description", "company", "location", "requirements", "responsibilities"):
        row[text_col] = row.get(text_col) or ""
    row["category"] = row.get("category") or "Other"
    row["created_date"] = row.get("created_date") or date.today().isoformat()
    if row.get("remote") is not None:
        row["remote"] = 1 if row["remote"] in (True, 1, "1", "true", "True", "yes") else 0
    row["status"] = job.get("status", "open")
    row["source"] = job.get("source", "generated")
    row["company_id"] = job.get("company_id")
    row["posted_by"] = job.get("posted_by")
    row["fraud_score"] = job.get("fraud_score")
    row["fingerprint"] = job.get("fingerprint") or job_fingerprint(job)
    row["updated_at"] = utcnow()
    return row


def add_jobs(db: sqlite_utils.Database, jobs: Iterable[dict], batch_size: int = 2000) -> tuple[int, int]:
    """Insert jobs, skipping postings already stored (same fingerprint). Returns (inserted, duplicates)."""
    inserted = duplicates = 0
    batch: list[dict] = []

    def flush() -> None:
        nonlocal inserted, duplicates
        with transaction(db):
            for row in batch:
                cur = db.execute(
                    f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)}) "
                    "ON CONFLICT (fingerprint) DO NOTHING",
                    list(row.values()),
                )
                if cur.rowcount:
                    inserted += 1
                else:
                    duplicates += 1
        batch.clear()

    for job in jobs:
        batch.append(_row_for_db(job))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return inserted, duplicates


def add_job(db: sqlite_utils.Database, job: dict) -> int:
    """Insert one job (used for postings made in the app) and return its id."""
    with transaction(db):
        return insert_row(db, "jobs", _row_for_db(job))


def decode_job(row: dict) -> dict:
    job = dict(row)
    try:
        job["required_skills"] = json.loads(job.get("required_skills") or "[]")
    except (TypeError, ValueError):
        job["required_skills"] = []
    return job


def visible_to_candidates_sql(alias: str = "j") -> str:
    """Open, not expired. Pending-review (possible fraud) and closed jobs stay hidden from candidates.
    Today (UTC) is written into the SQL as a literal of our own making: no database date function needed."""
    today = datetime.now(timezone.utc).date().isoformat()
    return f"{alias}.status = 'open' AND ({alias}.deadline IS NULL OR {alias}.deadline >= '{today}')"


def get_job(db: sqlite_utils.Database, job_id: int, actor: Actor | None = None) -> dict:
    """One job. Jobs that are not public are shown only to their company's recruiters and the admin."""
    row = one(db, "SELECT * FROM jobs WHERE id = ?", [job_id])
    if row is None:
        raise NotFound(f"There is no job with id {job_id}.")
    public = row["status"] == "open"
    if not public and not (actor and (actor.is_admin or (actor.is_recruiter and actor.company_id == row["company_id"]))):
        raise NotFound(f"There is no job with id {job_id}.")
    return decode_job(row)


def search_words(text: str) -> list[str]:
    """The words of free text a search looks for (at most 20): quotes, punctuation and operators dropped."""
    return [w for w in _WORD.findall(text or "") if w.upper() not in _FTS_OPERATORS][:20]


def fts_query(text: str) -> str | None:
    """Turn free text into a safe FTS5 query: words only (quotes and operators dropped), all required,
    the last one as a prefix so results appear while typing."""
    words = search_words(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


@dataclass
class JobFilters:
    query: str = ""
    category: str | list[str] | None = None
    location: str = ""
    salary_min: int | None = None   # the job pays at least this (its max, or min when no max)
    salary_max: int | None = None   # the job's min is at most this
    remote: bool | None = None
    posted_since: str | None = None  # YYYY-MM-DD
    company_id: int | None = None
    occupation: str | None = None    # an O*NET code: jobs whose title was matched to it (the facet)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    include_hidden: bool = False     # recruiters/admin listing their own jobs


@dataclass
class SearchResult:
    jobs: list[dict]
    total: int
    page: int
    per_page: int
    capped: bool = False   # counting stopped at COUNT_CAP / BROWSE_COUNT_CAP: show "2,000+" / "10,000+"
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1


def _categories(filters: JobFilters) -> list[str]:
    if not filters.category:
        return []
    return [filters.category] if isinstance(filters.category, str) else list(filters.category)


def location_pattern(location: str) -> str:
    """The LIKE pattern of a location filter (over the lowered location)."""
    return f"%{location.strip().lower()}%"


def _filter_sql(filters: JobFilters, location: bool = True) -> tuple[list[str], list]:
    """WHERE clauses and parameters of everything but the keyword query (and the location's without
    ``location``: PostgreSQL names the matching locations instead, see ``search_jobs``)."""
    where: list[str] = []
    params: list = []
    if not filters.include_hidden:
        where.append(visible_to_candidates_sql())
    if cats := _categories(filters):
        where.append(f"j.category IN ({', '.join('?' for _ in cats)})")
        params.extend(cats)
    if location and filters.location.strip():
        where.append("lower(j.location) LIKE ?")   # PostgreSQL's LIKE heeds case, SQLite's does not
        params.append(location_pattern(filters.location))
    if filters.salary_min is not None:
        where.append("COALESCE(j.salary_max, j.salary_min) >= ?")
        params.append(int(filters.salary_min))
    if filters.salary_max is not None:
        where.append("j.salary_min <= ?")
        params.append(int(filters.salary_max))
    if filters.remote is not None:
        where.append("j.remote = ?")
        params.append(1 if filters.remote else 0)
    if filters.posted_since:
        where.append("j.created_date >= ?")
        params.append(filters.posted_since)
    if filters.company_id is not None:
        where.append("j.company_id = ?")
        params.append(filters.company_id)
    if filters.occupation:
        from engine.occupations.jobs import MIN_CONFIDENCE  # a guess below it is not the job's occupation

        where.append("j.id IN (SELECT job_id FROM job_occupations WHERE code = ? AND confidence >= ?)")
        params.extend([filters.occupation, MIN_CONFIDENCE])
    return where, params


def _fts_match(filters: JobFilters) -> tuple[str | None, bool]:
    """The full-text query for the keyword plus the location and (with a keyword) category filters: they
    narrow the candidates inside the index; the SQL filters still apply exactly. Returns (match, has_keyword)."""
    keyword = fts_query(filters.query)
    parts = [f"({keyword})"] if keyword else []
    if (cats := _categories(filters)) and keyword:  # alone, a category is answered faster by its covering index
        phrases = ['"' + " ".join(_WORD.findall(c)) + '"' for c in cats if _WORD.findall(c)]
        if phrases:
            parts.append("{category} : (" + " OR ".join(phrases) + ")")
    if location := fts_query(filters.location):
        parts.append(f"location : ({location})")
    return (" AND ".join(parts) or None), keyword is not None


def search_jobs(db: sqlite_utils.Database, filters: JobFilters) -> SearchResult:
    """One page of jobs matching the filters, and how many match in all.

    A keyword or location is looked up in the full-text index: FTS5 on SQLite (``_fts5_matching_ids``),
    ``jobs_search`` on PostgreSQL (``engine.jobs_search_postgres``), both stopping at COUNT_CAP + 1
    matches, ranked by relevance (title weighted most) when all were seen. On PostgreSQL a location
    becomes the list of stored locations it names (``matching_locations``); without a keyword, its jobs
    are counted (up to COUNT_CAP) and paged like a browse, through ``idx_jobs_location`` and the sort's
    index. Without a keyword or location, covering indexes answer count (up to BROWSE_COUNT_CAP) and page
    alone. The page is chosen by id first and only its rows are read in full."""
    keyword, location = search_words(filters.query), search_words(filters.location)
    postgres = is_postgres(db)
    where, params = _filter_sql(filters, location=not (postgres and location))
    if postgres and location:
        where.append("j.location = ANY(?)")
        params.append(jobs_search_postgres.matching_locations(db, location, location_pattern(filters.location)))
    where_sql = ("WHERE " + " AND ".join(where)) if where else ""
    sort = SORTS.get(filters.sort, SORTS["newest"])
    if sort == "rank" and not keyword:
        sort = SORTS["newest"]
    per_page = max(1, min(int(filters.per_page), 100))
    page = max(1, int(filters.page))
    limit = [per_page, (page - 1) * per_page]
    if postgres and keyword:
        capped_sort = SORTS["newest"] if sort == "rank" else sort   # ranking every match would be too slow
        ids, total, capped = jobs_search_postgres.matching_ids(db, keyword, location, _categories(filters), where, params,
                                                                sort, capped_sort, limit, COUNT_CAP)
    elif not postgres and (keyword or location):
        ids, total, capped = _fts5_matching_ids(db, filters, where, params, sort, limit)
    else:
        # Browsing counts as far as anyone pages (BROWSE_COUNT_CAP); counting every visible job of a large
        # catalogue costs more than finding the page. A location search counts as far as a keyword's.
        cap = COUNT_CAP if location else BROWSE_COUNT_CAP
        total = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM jobs j {where_sql} LIMIT {cap + 1}) AS m",
                           params).fetchone()[0]
        capped = total > cap
        total = min(total, cap)
        id_sql = f"SELECT j.id FROM jobs j {where_sql} ORDER BY {sort} LIMIT ? OFFSET ?"
        ids = [r[0] for r in db.execute(id_sql, [*params, *limit]).fetchall()]
    rows = {r["id"]: r for r in db.query(f"SELECT * FROM jobs WHERE id IN ({', '.join('?' for _ in ids)})", ids)} if ids else {}
    return SearchResult([decode_job(rows[i]) for i in ids if i in rows], total, page, per_page, capped)


def _fts5_matching_ids(db: sqlite_utils.Database, filters: JobFilters, where: list[str], params: list, sort: str,
                       limit: list[int]) -> tuple[list[int], int, bool]:
    """SQLite's keyword/location search: the page's ids, the count (at most COUNT_CAP) and whether it is capped.

    Speed (bench/jobs.py, indexes in store.m110): keyword, category and location go into one full-text
    query whose matches stream, in rowid order, through the narrow ``idx_jobs_filter`` index (CROSS JOIN
    keeps that order, so SQLite neither re-runs MATCH per job nor reads wide job rows to check filters).
    That one query stops at COUNT_CAP + 1 matches, sorts them (bm25 with the title weighted most, or the
    chosen order) and counts them with a window function. Past COUNT_CAP (``capped``) the first rows by id
    say nothing about order, so the page comes from walking the sort's index (newest first for relevance)."""
    and_where = (" AND " + " AND ".join(where)) if where else ""
    match, _ = _fts_match(filters)
    # The full-text matches stream through the narrow filter index and stop at COUNT_CAP + 1 rows.
    matches = (f"SELECT j.id, j.created_date, j.salary_min, j.salary_max, j.deadline{{score}} "
               f"FROM jobs_fts m CROSS JOIN jobs j INDEXED BY idx_jobs_filter ON j.id = m.rowid "
               f"WHERE jobs_fts MATCH ?{and_where} LIMIT {COUNT_CAP + 1}")
    rows = []
    if sort == "rank":  # count first: bm25 is worth computing only when every match is seen
        total = db.execute(f"SELECT count(*) FROM ({matches.format(score='')})", [match, *params]).fetchone()[0]
        if total <= COUNT_CAP:
            rows = db.execute(f"SELECT j.id FROM ({matches.format(score=f', {BM25} AS score')}) AS j "
                              "ORDER BY j.score, j.id LIMIT ? OFFSET ?", [match, *params, *limit]).fetchall()
    else:  # one query sorts the matches and counts them (a window count): MATCH runs once
        rows = db.execute(f"SELECT j.id, count(*) OVER () FROM ({matches.format(score='')}) AS j "
                          f"ORDER BY {sort} LIMIT ? OFFSET ?", [match, *params, *limit]).fetchall()
        total = rows[0][1] if rows else db.execute(f"SELECT count(*) FROM ({matches.format(score='')})",
                                                   [match, *params]).fetchone()[0]
    if total <= COUNT_CAP:
        return [r[0] for r in rows], total, False
    # the rows seen are only the first by id: walk an index in the page's order instead
    sort = SORTS["newest"] if sort == "rank" else sort  # bm25 over every match would be too slow
    id_sql = (f"SELECT j.id FROM jobs j WHERE j.id IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?)"
              f"{and_where} ORDER BY {sort} LIMIT ? OFFSET ?")
    return [r[0] for r in db.execute(id_sql, [match, *params, *limit]).fetchall()], COUNT_CAP, True


def categories(db: sqlite_utils.Database) -> list[str]:
    """The search filter's categories: the vocabulary's, then any other a stored job carries (an imported
    job's "Other")."""
    stored = [r["category"] for r in db.query("SELECT DISTINCT category FROM jobs ORDER BY category")]
    return [*CATEGORY_NAMES, *(c for c in stored if c and c not in CATEGORY_NAMES)]


def save_job(db: sqlite_utils.Database, actor: Actor, job_id: int) -> None:
    require_signed_in(actor)
    get_job(db, job_id, actor)
    with transaction(db):
        db.execute("INSERT INTO saved_jobs (user_id, job_id, saved_at) VALUES (?, ?, ?) "
                   "ON CONFLICT (user_id, job_id) DO NOTHING",
                   [actor.user_id, job_id, utcnow()])
        record_event(db, actor, job_id, "save")


def unsave_job(db: sqlite_utils.Database, actor: Actor, job_id: int) -> None:
    require_signed_in(actor)
    with transaction(db):
        db.execute("DELETE FROM saved_jobs WHERE user_id = ? AND job_id = ?", [actor.user_id, job_id])


def is_saved(db: sqlite_utils.Database, actor: Actor, job_id: int) -> bool:
    require_signed_in(actor)
    return one(db, "SELECT 1 AS x FROM saved_jobs WHERE user_id = ? AND job_id = ?", [actor.user_id, job_id]) is not None


def saved_jobs(db: sqlite_utils.Database, actor: Actor) -> list[dict]:
    require_signed_in(actor)
    rows = db.query(
        "SELECT j.*, s.saved_at FROM saved_jobs s JOIN jobs j ON j.id = s.job_id WHERE s.user_id = ? ORDER BY s.saved_at DESC",
        [actor.user_id],
    )
    return [decode_job(r) for r in rows]


def record_event(db: sqlite_utils.Database, actor: Actor, job_id: int, kind: str) -> None:
    """A candidate's view/save/apply, kept for re-ranking recommendations."""
    if actor is None or not actor.is_candidate:   # anonymous visitors leave no trace
        return
    with transaction(db):
        db.execute("INSERT INTO job_events (user_id, job_id, kind, at) VALUES (?, ?, ?, ?)",
                   [actor.user_id, job_id, kind, utcnow()])
