"""Keyword and location search over jobs on PostgreSQL: the counterpart of the FTS5 query in ``engine.jobs``.

``jobs_search`` (migration ``m300_search_postgres``) holds each job's weighted tsvector (title A, category
and skills B, company and location C, description D), kept by a trigger and read through a GIN index.
A keyword query is built from the same words the SQLite search uses (``engine.jobs.search_words``): each required,
the last one a prefix (``:*``) so results appear while typing. That is ``to_tsquery``, not
``websearch_to_tsquery``: the latter has no prefix form, and every query here ends in one; the words are
already reduced to letters and digits, so nothing in them can read as an operator.
Both sides use the 'english' configuration (stemming, as SQLite's porter tokenizer stems), so "developers"
finds "Developer". Unlike FTS5 it drops stop words: "the" or "it" adds nothing to a query, and a query of
stop words alone finds nothing (FTS5 would find every job with a word starting so).
"""
from __future__ import annotations

from engine.store import Database

# ts_rank_cd's weights of the document's D, C, B, A parts (description; company, location; category,
# skills; title): a title match outranks one in the text, as bm25's column weights make it on SQLite.
RANK_WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'"
CONFIG = "'english'"


def tsquery(words: list[str], weight: str = "", prefix: bool = True) -> str | None:
    """``to_tsquery`` text of words (letters, digits, underscores only): all required, the last a prefix
    (unless not ``prefix``); ``weight`` ("A".."D") restricts each to that part of the document."""
    if not words:
        return None
    terms = [f"{w}:{weight}" if weight else w for w in words[:-1]]
    return " & ".join([*terms, f"{words[-1]}:{'*' if prefix else ''}{weight}".rstrip(":")])


def category_query(db: Database, categories: list[str]) -> str | None:
    """A tsquery (as text) that every job of the categories matches: each category's words as its
    document has them (``plainto_tsquery`` parses and stems the name as ``jobs_search_document`` does:
    "Design (UX/UI)" gives 'design' & 'ux/ui'), any of the categories. None when a category has no such
    word (stop words only, like "Other"): an OR without it would leave that category's jobs out."""
    parts = [r[0] for r in db.execute(f"SELECT plainto_tsquery({CONFIG}, c)::text FROM unnest(CAST(? AS TEXT ARRAY)) AS c",
                                      [list(categories)]).fetchall()]
    if not parts or not all(parts):
        return None
    return " | ".join(f"( {p} )" for p in parts)


def matching_locations(db: Database, words: list[str], pattern: str) -> list[str]:
    """The stored locations (``job_locations``, migration m320) a location filter names: those containing
    ``pattern`` (the LIKE of ``engine.jobs._filter_sql``) that also have the filter's words (the last a
    prefix), as SQLite's full-text match on the location column requires ("ca" is not part of "Chicago").
    Jobs are then found by their location being one of these: an exact, indexed condition the planner
    estimates from its statistics."""
    conditions, values = ["lower(location) LIKE ?"], [pattern]
    if words:
        conditions.append(f"to_tsvector({CONFIG}, location) @@ to_tsquery({CONFIG}, ?)")
        values.append(tsquery(words))
    return [r[0] for r in db.execute(f"SELECT location FROM job_locations WHERE {' AND '.join(conditions)}",
                                     values).fetchall()]


def matching_ids(db: Database, keyword: list[str], location: list[str], categories: list[str], where: list[str],
                 params: list, sort: str, capped_sort: str, limit: list[int], count_cap: int) -> tuple[list[int], int, bool]:
    """The page's job ids, the number of matches (at most ``count_cap``) and whether counting stopped
    there, for the keyword words plus the other filters (``where``/``params`` over ``jobs j``, which hold
    the exact category and location conditions). ``sort`` is an ORDER BY of ``engine.jobs.SORTS`` or
    "rank" (relevance); ``capped_sort`` the order used when there are more matches than counted.

    The same steps as on SQLite: matches stop at count_cap + 1 rows; when all were seen they are ranked
    (or sorted and counted in one query); past the cap the page comes from the sort's order over every
    match, newest first instead of by rank (ranking every match of a common word would be too slow)."""
    # Counting, the category's and location's words narrow the index lookup, as on SQLite: without them a
    # common keyword in a small category reads every keyword match to find the few (or none) in it.
    # Location words are looked for in the document's C part (company and location). Past the cap the
    # matches are many, and the keyword alone is looked up: the planner, which takes the extra words for
    # independent of the exact category and location conditions, would expect few matches and sort them
    # all instead of walking the sort's index.
    keyword_q = tsquery(keyword)
    index_q = " & ".join(q for q in (keyword_q, tsquery(location, "C")) if q)
    category_q = category_query(db, categories) if categories else None
    by_words = f"s.document @@ to_tsquery({CONFIG}, ?)"
    narrowed, extra = (f"s.document @@ (to_tsquery({CONFIG}, ?) && ?::tsquery)", [category_q]) if category_q else (by_words, [])
    values = [index_q, *extra, *params]

    def matches(document_condition: str) -> str:
        return f"FROM jobs_search s JOIN jobs j ON j.id = s.job_id WHERE {' AND '.join([document_condition, *where])}"

    matched = matches(narrowed)
    columns = "j.id, j.created_date, j.salary_min, j.salary_max, j.deadline"
    first = f"SELECT {columns}{{score}} {matched} LIMIT {count_cap + 1}"

    def count(query: str = index_q) -> int:
        return db.execute(f"SELECT count(*) FROM ({first.format(score='')}) AS m",
                          [query, *extra, *params]).fetchone()[0]

    rows: list = []
    if sort == "rank":   # count first: ranking is worth it only when every match is seen
        # The words as typed match a subset of what their last word as a prefix matches, and the index
        # finds them several times faster (for a prefix it collects every matching word's jobs first);
        # when they alone pass the cap, so does the prefix.
        exact_q = " & ".join(q for q in (tsquery(keyword, prefix=False), tsquery(location, "C", False)) if q)
        total = count(exact_q)
        if total <= count_cap:
            total = count()
        if 0 < total <= count_cap:
            score = f", ts_rank_cd({RANK_WEIGHTS}, s.document, to_tsquery({CONFIG}, ?)) AS score"
            rows = db.execute(f"SELECT j.id FROM ({first.format(score=score)}) AS j "
                              "ORDER BY j.score DESC, j.id LIMIT ? OFFSET ?", [keyword_q, *values, *limit]).fetchall()
    else:   # one query sorts the matches and counts them (a window count)
        rows = db.execute(f"SELECT j.id, count(*) OVER () FROM ({first.format(score='')}) AS j "
                          f"ORDER BY {sort} LIMIT ? OFFSET ?", [*values, *limit]).fetchall()
        total = rows[0][1] if rows else count()
    if total <= count_cap:
        return [r[0] for r in rows], total, False
    ids = [r[0] for r in db.execute(f"SELECT j.id {matches(by_words)} ORDER BY {capped_sort} LIMIT ? OFFSET ?",
                                    [keyword_q, *params, *limit]).fetchall()]
    return ids, count_cap, True
