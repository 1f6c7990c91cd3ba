"""Real public job postings for evaluation and training (development only).

Reads the datasets under ``config.shared_data_dir()`` (see each folder's SOURCE.md): Google job skills
(its own category kept as ``label_category``), Los Angeles city bulletins, the Dice sample, both Glassdoor
data-science files, the Armenian job posts, and the EMSCAD files (with their ``fraudulent`` label). Every
posting is cleaned like an import, mapped onto our categories, de-duplicated across all sources, and carries
its dataset name in ``source``. On a machine without the shared folder the answer is simply [].
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from itertools import zip_longest
from pathlib import Path

from engine import config
from engine.datasets.categories import infer_category
from engine.datasets.cleaning import clean_line, clean_text
from engine.datasets.importers import BadRow, ImportReport, parse_salary, read_postings
from engine.datasets.skills import extract_skills
from engine.jobs import job_fingerprint

log = logging.getLogger(__name__)


def _frame(path: Path, **kwargs):
    import pandas as pd  # only the loaders need pandas

    return pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)


def _salary(value: str) -> tuple[int | None, int | None]:
    try:
        return parse_salary(value)
    except BadRow:
        return None, None


def _posting(source: str, title: str, description: str, *, company: str = "", location: str = "",
             requirements: str = "", responsibilities: str = "", label: str | None = None,
             salary: str = "", created_date: str | None = None, **extra) -> dict | None:
    title, description = clean_line(title), clean_text(description)
    if not title or not (description or requirements or responsibilities):
        return None
    requirements, responsibilities = clean_text(requirements), clean_text(responsibilities)
    text = "\n".join((requirements, responsibilities, description))
    salary_min, salary_max = _salary(salary)
    return {
        "title": title, "description": description, "company": clean_line(company),
        "location": clean_line(location), "category": infer_category(title, text, label=label),
        "created_date": created_date, "deadline": None, "salary_min": salary_min, "salary_max": salary_max,
        "requirements": requirements, "responsibilities": responsibilities, "contact_email": None,
        "required_skills": extract_skills(text), "education_level": None, "remote": None,
        "employment_type": None, "source": source, **extra,
    }


def _google(root: Path) -> Iterator[dict]:
    for r in _frame(root / "jobs/google_job_skills/job_skills.csv").to_dict("records"):
        yield _posting(
            "google_job_skills", r["Title"], r["Responsibilities"], company=r["Company"], location=r["Location"],
            responsibilities=r["Responsibilities"],
            requirements="\n".join(x for x in (r["Minimum Qualifications"], r["Preferred Qualifications"]) if x),
            label=r["Category"], label_category=r["Category"])


_LA_HEADER = re.compile(r"^\s*([A-Z][A-Z /&,()-]{3,60}):?\s*$", re.MULTILINE)


def _la_sections(text: str) -> dict[str, str]:
    """Bulletin text split at its ALL-CAPS headings: {"DUTIES": ..., "ANNUAL SALARY": ...}."""
    sections: dict[str, str] = {}
    marks = list(_LA_HEADER.finditer(text))
    for here, after in zip(marks, marks[1:] + [None]):
        body = text[here.end(): after.start() if after else len(text)]
        sections.setdefault(here.group(1).strip(), body.strip())
    return sections


def _la(root: Path) -> Iterator[dict]:
    for r in _frame(root / "jobs/la_city_job_bulletins/la_city_job_bulletins.csv").to_dict("records"):
        parts = _la_sections(r["text"].replace("\r\n", "\n"))
        requirements = next((v for k, v in parts.items() if k.startswith("REQUIREMENT")), "")
        salary = re.search(r"\$[\d,]+\s*(?:to|-)\s*\$[\d,]+", parts.get("ANNUAL SALARY", ""))
        opened = re.fullmatch(r"(\d\d)-(\d\d)-(\d\d)", r["open_date"].strip())
        yield _posting(
            "la_city_job_bulletins", r["title"].title(), parts.get("DUTIES", ""), company="City of Los Angeles",
            location="Los Angeles, CA", requirements=requirements,
            salary=salary.group(0).replace(" to ", "-") if salary else "",
            created_date=f"20{opened[3]}-{opened[1]}-{opened[2]}" if opened else None)


def _dice(root: Path) -> Iterator[dict]:
    for r in _frame(root / "jobs/dice_sample/dice_com-job_us_sample.csv").to_dict("records"):
        yield _posting("dice", r["jobtitle"], r["jobdescription"])


def _glassdoor(root: Path) -> Iterator[dict]:
    for folder, name in (("glassdoor_ds_jobs", "glassdoor_jobs.csv"),
                         ("glassdoor_ds_jobs_uncleaned", "Uncleaned_DS_jobs.csv")):
        for r in _frame(root / "jobs" / folder / name).to_dict("records"):
            yield _posting(
                "glassdoor", r["Job Title"], r["Job Description"], company=r["Company Name"].split("\n")[0],
                location=r["Location"], salary=r["Salary Estimate"], label=r["Sector"], sector=r["Sector"])


def _armenian(root: Path) -> Iterator[dict]:
    frame = _frame(root / "jobs/armenian_job_posts_2004/data job posts.csv", sep=";")
    for r in frame.to_dict("records"):
        if not r["Title"].strip():
            continue
        na = lambda v: "" if v.strip() in ("NA", "") else v  # noqa: E731  (the file writes missing as NA)
        yield _posting(
            "armenian_job_posts", r["Title"], na(r["JobDescription"]) or na(r["jobpost"]), company=na(r["Company"]),
            location=na(r["Location"]).split("\n")[0],
            requirements="\n".join(x for x in (na(r["JobRequirment"]), na(r["RequiredQual"])) if x),
            it_flag=r["IT"].strip().upper() == "VERDADEIRO")


def _emscad(root: Path) -> Iterator[dict]:
    for name in ("emscad_sample_358.csv", "emscad_fraudulent_only_866.csv"):
        for job in read_postings(root / "emscad" / name, report=ImportReport()):
            job["created_date"] = None  # the importer's "today" says nothing about a 2012-2014 posting
            yield job


LOADERS: dict[str, Callable[[Path], Iterator[dict]]] = {
    "google_job_skills": _google, "la_city_job_bulletins": _la, "dice": _dice, "glassdoor": _glassdoor,
    "armenian_job_posts": _armenian, "emscad": _emscad,
}


def _guarded(name: str, loader: Callable[[Path], Iterator[dict]], root: Path) -> Iterator[dict]:
    try:
        yield from (p for p in loader(root) if p)
    except (OSError, KeyError, ValueError) as exc:  # one unreadable dataset does not hide the others
        log.warning("skipping %s: %s", name, exc)


def load_real_postings(limit: int | None = None, sources: list[str] | None = None) -> list[dict]:
    """Cleaned, de-duplicated real postings; [] when the shared data is absent. With ``limit``, sources
    are interleaved so a small sample still covers every dataset."""
    root = config.shared_data_dir()
    if root is None:
        return []
    streams = [_guarded(name, loader, root) for name, loader in LOADERS.items() if not sources or name in sources]
    seen: set[str] = set()
    out: list[dict] = []
    for batch in zip_longest(*streams):
        for posting in batch:
            if posting is None:
                continue
            key = job_fingerprint(posting)
            text_key = (posting["title"].lower(), posting["description"][:500].lower())
            if key in seen or text_key in seen:
                continue
            seen.update((key, text_key))
            out.append(posting)
            if limit is not None and len(out) >= limit:
                return out
    return out
