"""CSV importers: EMSCAD postings, the project's own export format, and any CSV through a column mapping.

A bad row (no title, a salary or date that cannot be read, broken quoting, undecodable bytes) is skipped and
reported with its row number; it never aborts the import and never touches stored jobs. Rows repeated in the
file are counted as duplicates, and so are postings already stored (``engine.jobs.add_jobs`` de-duplicates
by fingerprint). Row numbers count data rows: row 1 is the first line after the header.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from engine import jobs as jobs_core
from engine import limits
from engine.datasets.categories import category_for_label, infer_category
from engine.datasets.cleaning import clean_line, clean_text
from engine.datasets.skills import extract_skills, normalise_skill
from engine.datasets.vocabulary import CATEGORY_NAMES, EMPLOYMENT_TYPES
from engine.spreadsheet import import_cell, write_csv

EMSCAD_COLUMNS = (
    "job_id", "title", "location", "department", "salary_range", "company_profile", "description", "requirements",
    "benefits", "telecommuting", "has_company_logo", "has_questions", "employment_type", "required_experience",
    "required_education", "industry", "function", "fraudulent",
)
OWN_COLUMNS = (*jobs_core.JOB_FIELDS, "status")  # what export_csv writes
OWN_STATUSES = {"open", "closed"}
EMSCAD_EDUCATION = {
    "high school or equivalent": "High School", "some high school coursework": "High School",
    "vocational - hs diploma": "High School", "vocational": "Vocational Certificate",
    "vocational - degree": "Vocational Certificate", "certification": "Vocational Certificate",
    "some college coursework completed": "High School", "associate degree": "Associate Degree",
    "bachelor's degree": "Bachelor's Degree", "master's degree": "Master's Degree", "doctorate": "Doctorate",
    "professional": "Master's Degree",
}
MAX_ROW_MESSAGES = 200
BINARY_SHARE = 0.01   # control characters (not tab or line breaks) in a text file's first 64 KB: stray, not 1%
csv.field_size_limit(16 * 1024 * 1024)


class ImportFormatError(ValueError):
    """The file as a whole cannot be imported (missing, unreadable, unknown columns): nothing was stored."""


class BadRow(ValueError):
    """One row cannot be imported; the message says why."""


@dataclass
class ImportReport:
    layout: str = ""
    rows: int = 0
    taken: int = 0
    skipped: int = 0
    duplicates: int = 0
    reasons: Counter = field(default_factory=Counter)     # reason -> number of rows skipped for it
    messages: list[str] = field(default_factory=list)     # "row 17: missing title" (first 200)

    def skip(self, row_number: int, reason: str, detail: str = "") -> None:
        self.skipped += 1
        self.reasons[reason] += 1
        if len(self.messages) < MAX_ROW_MESSAGES:
            self.messages.append(f"row {row_number}: {reason}{' ' + detail if detail else ''}")

    def as_dict(self) -> dict:
        return {"layout": self.layout, "rows": self.rows, "taken": self.taken, "skipped": self.skipped,
                "duplicates": self.duplicates, "reasons": dict(self.reasons), "messages": self.messages}


# --- reading the file ------------------------------------------------------------------------------

def _decode(raw: bytes) -> tuple[str, bool]:
    """Text of the file. UTF-8 when it is (mostly) UTF-8, else cp1252. Returns (text, has_bad_bytes)."""
    try:
        return raw.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8-sig", errors="replace")
    if text.count("\ufffd") <= max(3, len(text) // 2000):  # a few broken rows in a UTF-8 file
        return text, True
    return raw.decode("cp1252", errors="replace"), False


def _records(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str] | None, str]]]:
    """Header and an iterator of (row number, fields or None, error) that survives broken rows."""
    if not path.exists():
        raise ImportFormatError(f"File not found: {path}")
    if path.is_dir():
        raise ImportFormatError(f"{path} is a folder, not a CSV file.")
    raw = path.read_bytes()
    if _looks_binary(raw):
        raise ImportFormatError(f"{limits.excerpt(path.name)} is not a CSV text file (it holds binary data: "
                                f"NUL or other control bytes). Export the jobs as CSV and import that file.")
    text, _ = _decode(raw)
    text = text.replace("\x00", "")
    sample = text[:20000]
    delimiter = ";" if sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportFormatError(f"{path} is empty or not a CSV file.") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    if not any(header):
        raise ImportFormatError(f"{path} has no header row.")

    def rows() -> Iterator[tuple[int, list[str] | None, str]]:
        number = 0
        while True:
            number += 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield number, None, f"unreadable CSV ({exc})"
                continue
            if not any(f.strip() for f in fields):
                number -= 1  # blank line, not a row
                continue
            yield number, fields, ""

    return header, rows()


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:65536]
    controls = sum(1 for b in sample if (b < 32 and b not in (9, 10, 13)) or b == 127)
    return controls > BINARY_SHARE * max(1, len(sample))


def _quoted(value: str) -> str:
    """A bad value as a message may quote it: short, printable (a file is never echoed whole)."""
    return repr(limits.excerpt(value))


def _over_limits(job: dict) -> None:
    """Refuse a row with text over the size limits (engine.limits), as a posted job would be."""
    texts = {k: v for k, v in job.items() if isinstance(v, str) and k in limits.FIELDS}
    found = list(limits.problems(texts).values())
    if skills := limits.skills_problem([str(s) for s in job.get("required_skills") or []], limits.MAX_JOB_SKILLS):
        found.append(skills)
    if found:
        raise BadRow("text over its size limit", "(" + " ".join(found) + ")")


# --- field parsers ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*)\s*([kK])?")


def parse_salary(value: str) -> tuple[int | None, int | None]:
    """'40000-60000', '$53K-$91K (Glassdoor est.)', '$45,000', '25 per hour' -> yearly (min, max).
    Empty -> (None, None); anything else raises BadRow."""
    text = clean_line(value)
    if not text:
        return None, None
    numbers = []
    for digits, k in _NUMBER.findall(text):
        digits = digits.replace(",", "")
        try:
            amount = float(digits)
        except ValueError:
            raise BadRow("unparsable salary", _quoted(value)) from None
        if not math.isfinite(amount):   # a run of a thousand digits reads as infinity
            raise BadRow("unparsable salary", _quoted(value))
        numbers.append(amount * (1000 if k else 1))
    if not numbers or len(numbers) > 2 or re.search(r"[a-zA-Z]{3,}-\d", text):
        raise BadRow("unparsable salary", _quoted(value))
    lower = text.lower()
    if "hour" in lower or "/hr" in lower:
        numbers = [n * 2080 for n in numbers]
    elif "month" in lower:
        numbers = [n * 12 for n in numbers]
    elif max(numbers) < 300:  # "55-65": thousands
        numbers = [n * 1000 for n in numbers]
    low, high = min(numbers), max(numbers)
    return int(low), int(high)


def _int_or_none(value: str, what: str) -> int | None:
    text = clean_line(value).replace(",", "").replace("$", "")
    if not text:
        return None
    try:
        return int(float(text))
    except (ValueError, OverflowError):   # not a number, or too many digits to be one
        raise BadRow(f"unparsable {what}", _quoted(value)) from None


def _date_or_none(value: str, what: str) -> str | None:
    text = clean_line(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise BadRow(f"unparsable {what}", _quoted(value)) from None


def _bool_or_none(value: str) -> bool | None:
    text = clean_line(value).lower()
    if text in ("1", "true", "yes", "y", "remote", "t"):
        return True
    if text in ("0", "false", "no", "n", "f", "on-site", "onsite"):
        return False
    return None


def _employment(value: str) -> str | None:
    text = clean_line(value).lower().replace("_", "-").replace(" ", "-")
    for kind in EMPLOYMENT_TYPES:
        if text == kind.lower() or text == kind.lower().replace("-", ""):
            return kind
    if text in ("intern", "internship"):
        return "Internship"
    if text in ("temp", "seasonal"):
        return "Temporary"
    return None


def _emscad_location(value: str) -> str:
    """'US, NY, New York' -> 'New York, NY'; 'GB, , London' -> 'London, GB'."""
    parts = [p.strip() for p in clean_line(value).split(",")]
    if not any(parts):
        return ""
    country, region, city = (parts + ["", "", ""])[:3]
    city = ", ".join(p for p in parts[2:] if p) if len(parts) > 3 else city
    if city:
        return f"{city}, {region}" if country == "US" and region else f"{city}, {country}"
    return ", ".join(p for p in (region, country) if p)


def _skills_list(value: str) -> list[str]:
    """Skills of a CSV cell. Entries longer than a skill may be are sentences (Dice's "Required Skills" column
    holds whole requirements), not skills: they are left out, and the skills are then read from the text."""
    text = clean_line(value)
    parsed = None
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            pass
    items = parsed if isinstance(parsed, list) else re.split(r"[;,]", text)
    return [normalise_skill(s) for s in items if str(s).strip() and len(str(s).strip()) <= limits.SKILL.max_chars]


def _finish(job: dict, keep_category: bool = False) -> dict:
    """Fill what every job needs: skills from the text when none given, a category, today's date."""
    if not job.get("title"):
        raise BadRow("missing title")
    _over_limits(job)
    if job.get("salary_min") and job.get("salary_max") and job["salary_min"] > job["salary_max"]:
        job["salary_min"], job["salary_max"] = job["salary_max"], job["salary_min"]
    text = "\n".join(job.get(k) or "" for k in ("requirements", "responsibilities", "description"))
    if not job.get("required_skills"):
        job["required_skills"] = extract_skills(text)
    category = job.get("category") or ""
    if category not in CATEGORY_NAMES and not (keep_category and category):
        job["category"] = infer_category(job["title"], text, label=category or job.get("_label"))
    job.pop("_label", None)
    job.setdefault("created_date", None)
    job["created_date"] = job["created_date"] or date.today().isoformat()
    return job


# --- the three layouts -----------------------------------------------------------------------------

def _emscad_job(row: dict[str, str]) -> dict:
    salary_min, salary_max = parse_salary(row.get("salary_range", ""))
    description = clean_text(row.get("description"))
    benefits = clean_text(row.get("benefits"))
    if benefits:
        description = f"{description}\n\nBenefits: {benefits}".strip()
    function, industry = clean_line(row.get("function")), clean_line(row.get("industry"))
    fraudulent = _int_or_none(row.get("fraudulent", ""), "fraudulent label") or 0
    job = {
        "title": clean_line(row.get("title")),
        "description": description,
        "company": "",
        "location": _emscad_location(row.get("location", "")),
        "category": "",
        "_label": category_for_label(function) and function or industry,
        "salary_min": salary_min, "salary_max": salary_max,
        "requirements": clean_text(row.get("requirements")),
        "responsibilities": "",
        "education_level": EMSCAD_EDUCATION.get(clean_line(row.get("required_education")).lower()),
        "remote": _bool_or_none(row.get("telecommuting", "")),
        "employment_type": _employment(row.get("employment_type", "")),
        "source": "emscad",
        # Kept for the fraud model; labelled scams wait for an admin instead of going live.
        "fraudulent": fraudulent,
        "status": "pending_review" if fraudulent else "open",
        "company_profile": clean_text(row.get("company_profile")),
        "has_company_logo": _bool_or_none(row.get("has_company_logo", "")),
        "has_questions": _bool_or_none(row.get("has_questions", "")),
        "department": clean_line(row.get("department")),
        "function": function, "industry": industry,
        "required_experience": clean_line(row.get("required_experience")),
        "emscad_job_id": clean_line(row.get("job_id")),
    }
    return _finish(job)


def _own_job(row: dict[str, str], keep_category: bool = True) -> dict:
    status = clean_line(row.get("status")).lower()
    job = {
        "title": clean_line(row.get("title")),
        "description": clean_text(row.get("description")),
        "company": clean_line(row.get("company")),
        "location": clean_line(row.get("location")),
        "category": clean_line(row.get("category")),
        "created_date": _date_or_none(row.get("created_date", ""), "created_date"),
        "deadline": _date_or_none(row.get("deadline", ""), "deadline"),
        "salary_min": _int_or_none(row.get("salary_min", ""), "salary_min"),
        "salary_max": _int_or_none(row.get("salary_max", ""), "salary_max"),
        "requirements": clean_text(row.get("requirements")),
        "responsibilities": clean_text(row.get("responsibilities")),
        "contact_email": clean_line(row.get("contact_email")) or None,
        "required_skills": _skills_list(row.get("required_skills", "")),
        "education_level": clean_line(row.get("education_level")) or None,
        "remote": _bool_or_none(row.get("remote", "")),
        "employment_type": _employment(row.get("employment_type", "")) or (clean_line(row.get("employment_type")) or None),
        "source": "import",
        "status": status if status in OWN_STATUSES else "open",
    }
    return _finish(job, keep_category)


def _mapped_job(row: dict[str, str], mapping: dict[str, list[str]]) -> dict:
    def get(name: str, sep: str = "\n") -> str:
        return sep.join(row.get(col, "") for col in mapping.get(name, []) if row.get(col, "").strip())

    own = {k: get(k) for k in mapping if k in OWN_COLUMNS}
    salary_cols = set(mapping.get("salary", []))
    if salary_cols or mapping.get("salary_min") == mapping.get("salary_max") and "salary_min" in mapping:
        low, high = parse_salary(get("salary" if salary_cols else "salary_min", " "))
        own["salary_min"], own["salary_max"] = (str(low) if low is not None else ""), (str(high) if high is not None else "")
    elif "salary_min" in mapping or "salary_max" in mapping:
        for key in ("salary_min", "salary_max"):
            if key in mapping:
                low, high = parse_salary(get(key, " "))
                own[key] = str(low if key == "salary_min" else high) if low is not None else ""
    for key in ("created_date", "deadline"):
        if key in own and own[key]:
            own[key] = _loose_date(own[key], key)
    return _own_job(own, keep_category=False)


def _loose_date(value: str, what: str) -> str:
    """Dates in other files: ISO, MM/DD/YYYY, MM-DD-YY, 'Jan 5, 2018'."""
    from datetime import datetime

    text = clean_line(value)
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%y", "%m-%d-%Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(text[:20].strip(), fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise BadRow(f"unparsable {what}", _quoted(value)) from None


def parse_mapping(spec: str | dict | None) -> dict[str, list[str]] | None:
    """'title=Title,description=Responsibilities+Minimum Qualifications' -> {field: [columns]}."""
    if not spec:
        return None
    pairs = spec.items() if isinstance(spec, dict) else (
        part.split("=", 1) if "=" in part else (part, "") for part in spec.split(",") if part.strip())
    mapping: dict[str, list[str]] = {}
    allowed = set(OWN_COLUMNS) | {"salary"}
    for key, value in pairs:
        key, value = key.strip(), value if isinstance(value, list) else str(value).strip()
        if key not in allowed:
            raise ImportFormatError(f"Unknown job field {key!r} in --map; use some of: {', '.join(sorted(allowed))}.")
        if not value:
            raise ImportFormatError(f"No column given for {key!r} in --map (write {key}=ColumnName).")
        mapping[key] = value if isinstance(value, list) else [c.strip() for c in value.split("+")]
    if "title" not in mapping:
        raise ImportFormatError("--map must say which column holds the title (title=ColumnName).")
    return mapping


def _columns(header: list[str]) -> str:
    """The header as an error message may show it: the first 12 names, each short."""
    shown = ", ".join(limits.excerpt(h, 40) for h in header[:12])
    return shown + (f", ... ({len(header)} columns)" if len(header) > 12 else "")


def detect_layout(header: list[str]) -> str | None:
    names = {h.strip().lower() for h in header}
    if {"title", "salary_range", "telecommuting", "fraudulent"} <= names or set(EMSCAD_COLUMNS[:-1]) <= names:
        return "emscad"
    exact = {h.strip() for h in header}
    if {"title", "description"} <= exact and exact <= set(OWN_COLUMNS):  # written as export_csv writes it
        return "own"
    return None


def read_postings(path: str | Path, mapping: str | dict | None = None,
                  report: ImportReport | None = None) -> Iterator[dict]:
    """Cleaned job dicts from a CSV, de-duplicated within the file; skipped rows go into ``report``.
    Raises ImportFormatError before yielding anything when the file as a whole cannot be read."""
    report = report if report is not None else ImportReport()
    path = Path(path)
    header, records = _records(path)
    columns = {h: i for i, h in enumerate(header)}
    parsed_map = parse_mapping(mapping)
    if parsed_map:
        missing = sorted({c for cols in parsed_map.values() for c in cols} - set(columns))
        if missing:
            raise ImportFormatError(
                f"Columns named in --map are not in {limits.excerpt(path.name)}: "
                f"{limits.excerpt(', '.join(missing), 200)}. Its columns are: {_columns(header)}.")
        layout = "mapped"
    else:
        layout = detect_layout(header)
        if layout is None:
            raise ImportFormatError(
                f"{limits.excerpt(path.name)} has columns {_columns(header)}, which are "
                f"neither EMSCAD's ({', '.join(EMSCAD_COLUMNS[:5])}, ...) nor this project's export format "
                f"({', '.join(jobs_core.JOB_FIELDS[:5])}, ...). Pass a column mapping, e.g. "
                f"--map title=Title,description=Description.")
    report.layout = layout
    lower = {h.lower(): h for h in header}
    return _rows(records, header, lower, layout, parsed_map, report)


def _rows(records, header, lower, layout, parsed_map, report) -> Iterator[dict]:
    seen: set[str] = set()
    for number, fields, error in records:
        report.rows += 1
        if fields is None:
            report.skip(number, "broken CSV row", error)
            continue
        if len(fields) != len(header):
            report.skip(number, "wrong number of columns", f"({len(fields)} instead of {len(header)}; broken quoting?)")
            continue
        row = dict(zip(header, fields))
        if layout != "mapped":  # EMSCAD and own-format headers are matched case-insensitively
            row = {h.lower(): row[original] for h, original in lower.items()}
        if any("\ufffd" in v for v in fields):
            report.skip(number, "undecodable text (not UTF-8)")
            continue
        try:
            if layout == "emscad":
                job = _emscad_job(row)
            elif layout == "own":   # written by export_csv: formula guards come off
                job = _own_job({k: import_cell(v) for k, v in row.items()})
            else:
                job = _mapped_job(row, parsed_map)
        except BadRow as exc:
            report.skip(number, *exc.args)
            continue
        fingerprint = jobs_core.job_fingerprint(job)
        if fingerprint in seen:
            report.duplicates += 1
            continue
        seen.add(fingerprint)
        yield job


def import_csv(db: sqlite_utils.Database, path: str | Path, mapping: str | dict | None = None,
               progress: Callable[[Iterator[dict]], Iterator[dict]] | None = None) -> ImportReport:
    """Read a CSV and store its good rows as jobs. Bad rows are reported, never stored."""
    report = ImportReport()
    postings = read_postings(path, mapping, report)
    if progress is not None:
        postings = progress(postings)
    inserted, already_stored = jobs_core.add_jobs(db, postings)
    report.taken = inserted
    report.duplicates += already_stored
    return report


def export_csv(db: sqlite_utils.Database, path: str | Path) -> int:
    """Write every stored job in the project's own format; returns the number written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def rows() -> Iterator[list]:
        for row in db.query(f"SELECT {', '.join(OWN_COLUMNS)} FROM jobs ORDER BY id"):
            job = jobs_core.decode_job(row)
            job["required_skills"] = ";".join(job["required_skills"])
            job["remote"] = "" if job["remote"] is None else int(job["remote"])
            yield ["" if job[c] is None else job[c] for c in OWN_COLUMNS]

    with path.open("w", newline="", encoding="utf-8") as handle:
        return write_csv(handle, OWN_COLUMNS, rows())
