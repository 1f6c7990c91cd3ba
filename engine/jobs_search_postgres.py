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

A prefix is looked up as the words it stands for. GIN answers ``develop:*`` by reading every posting of every
word so starting into a bitmap before intersecting it with the other words, which is many times slower than
looking up ``develop`` itself (113 ms against 8 ms for "python" at 1M jobs); ``search_words`` (migration
m323) holds every word of the documents, so a prefix becomes the few words it names, ORed, and one that
names none finds nothing without a lookup.
"""
from __future__ import annotations

import re

from engine.store import Database

# ts_rank_cd's weights of the document's D, C, B, A parts (description; company, location; category,
# skills; title): a title match outranks one in the text, as bm25's column weights make it on SQLite.
RANK_WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'"
CONFIG = "'english'"
# A prefix naming more stored words than this stays a prefix (GIN's own lookup): ORing hundreds of words
# gains nothing over it.
EXPANSION_LIMIT = 64
_TERM = re.compile(r"'((?:[^'\\]|''|\\.)+)'(:\*?[A-D]*)?")


def tsquery(words: list[str], weight: str = "", prefix: bool = True) -> str | None:
    """``to_tsquery`` text of words (letters, digits, underscores only): all required, the last a prefix
    (unless not ``prefix``); ``weight`` ("A".."D") restricts each to that part of the document."""
    if not words:
        return None
    terms = [f"{w}:{weight}" if weight else w for w in words[:-1]]
    return " & ".join([*terms, f"{words[-1]}:{'*' if prefix else ''}{weight}".rstrip(":")])


_HIGHEST = "\U0010ffff"   # after every word starting with a prefix, in search_words' "C" collation


def _quoted(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _unquoted(text: str) -> str:
    return re.sub(r"''|\\(.)", lambda m: "'" if m.group(0) == "''" else m.group(1), text)


def normalised(db: Database, *queries: str | None) -> list[str | None]:
    """Each ``to_tsquery`` text as PostgreSQL reads it (stemmed, stop words gone, lexemes quoted), in one
    round trip: "" where nothing is left of it, None for None."""
    given = [q for q in queries if q]
    if not given:
        return [None] * len(queries)
    row = iter(db.execute("SELECT " + ", ".join(f"to_tsquery({CONFIG}, ?)::text" for _ in given), given).fetchone())
    return [next(row) if q else None for q in queries]


def expanded(db: Database, queries: list[str | None]) -> tuple[list[str | None], bool]:
    """The normalised queries with each prefix term (``'develop':*``) replaced by the stored words it names
    (``( 'develop' | 'developing' )``, weights kept), and whether they can match at all: a prefix naming no
    stored word matches no job. A prefix naming more than EXPANSION_LIMIT words, or a query that is not a
    plain AND of terms (the parser made a phrase of "foo_bar"), is left as it is."""
    parsed: list[list[re.Match] | None] = []
    prefixes: set[str] = set()
    for q in queries:
        terms = [_TERM.fullmatch(t) for t in q.split(" & ")] if q else None
        parsed.append(terms if terms and all(terms) else None)
        prefixes.update(_unquoted(m.group(1)) for m in (parsed[-1] or []) if "*" in (m.group(2) or ""))
    forms: dict[str, list[str]] = {p: [] for p in prefixes}
    if prefixes:
        for prefix, word in db.execute(
                "SELECT q.prefix, w.word FROM unnest(CAST(? AS TEXT ARRAY)) AS q(prefix) CROSS JOIN LATERAL "
                "(SELECT word FROM search_words WHERE word >= q.prefix AND word < q.prefix || ? "
                "ORDER BY word LIMIT ?) AS w", [sorted(prefixes), _HIGHEST, EXPANSION_LIMIT + 1]).fetchall():
            forms[prefix].append(word)
    out: list[str | None] = []
    for q, terms in zip(queries, parsed):
        if terms is None:
            out.append(q)
            continue
        parts = []
        for m in terms:
            suffix = m.group(2) or ""
            words = forms[_unquoted(m.group(1))] if "*" in suffix else None
            if words is None or len(words) > EXPANSION_LIMIT:
                parts.append(m.group(0))
            elif not words:
                return queries, False
            else:
                weight = suffix.replace(":", "").replace("*", "")
                alternatives = [_quoted(w) + (f":{weight}" if weight else "") for w in words]
                parts.append(alternatives[0] if len(alternatives) == 1 else "( " + " | ".join(alternatives) + " )")
        out.append(" & ".join(parts))
    return out, True


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
    keyword_q, location_q, exact_keyword_q, exact_location_q = normalised(
        db, tsquery(keyword), tsquery(location, "C"), tsquery(keyword, prefix=False), tsquery(location, "C", False))
    if not keyword_q:   # stop words alone find nothing
        return [], 0, False
    (keyword_q, location_q), possible = expanded(db, [keyword_q, location_q or None])
    if not possible:
        return [], 0, False
    index_q = " & ".join(q for q in (keyword_q, location_q) if q)
    category_q = category_query(db, categories) if categories else None
    by_words = "s.document @@ ?::tsquery"
    narrowed, extra = ("s.document @@ (?::tsquery && ?::tsquery)", [category_q]) if category_q else (by_words, [])
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
        # The words as typed match a subset of what their last word as a prefix matches (the same query
        # when the prefix names no other stored word), and the index finds them faster than an OR of the
        # words the prefix names; when they alone pass the cap, so does the prefix.
        exact_q = " & ".join(q for q in (exact_keyword_q, exact_location_q) if q)
        total = count(exact_q)
        if total <= count_cap and exact_q != index_q:
            total = count()
        if 0 < total <= count_cap:
            score = f", ts_rank_cd({RANK_WEIGHTS}, s.document, ?::tsquery) AS score"
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
