"""Real postings for training and evaluation, read from the shared datasets folder when it exists.

Uses ``engine.datasets.real.load_real_postings`` (the jobs-data area) when that module is present; until
then a minimal reader of the same folder. Each posting is a job dict (title, description, requirements,
responsibilities, company, location, category, source) with a ``split_key`` that stays the same for the
same role posted in several locations, so the held-out split never leaks a duplicate into training.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from engine import config
from engine.recsys.text import clean

_SECTION = re.compile(r"\n\s*([A-Z][A-Z /&,()-]{3,60})\s*\n")


def split_key(job: dict) -> str:
    """Same normalised title + opening of the text = same posting, wherever it was posted."""
    body = clean(job.get("description")) or clean(job.get("responsibilities")) or clean(job.get("requirements"))
    key = clean(job.get("title")).lower() + "|" + body[:300].lower()
    return hashlib.sha1(key.encode()).hexdigest()


def is_held_out(job: dict, fraction: float = 0.2) -> bool:
    """The fixed 20% evaluation split: a hash of the posting, so every script and helper agrees."""
    return int(split_key(job)[:8], 16) % 1000 < fraction * 1000


def load_real_postings(root: Path | None = None) -> list[dict]:
    try:
        from engine.datasets.real import load_real_postings as shared_loader  # type: ignore
    except ImportError:
        shared_loader = None
    if shared_loader is not None:
        jobs = list(shared_loader())
    else:
        root = root or config.shared_data_dir()
        jobs = _read_folder(root / "jobs") if root and (root / "jobs").is_dir() else []
    seen: set[str] = set()
    out = []
    for job in jobs:
        if not clean(job.get("title")):
            continue
        key = split_key(job)
        if key in seen:
            continue
        seen.add(key)
        job = dict(job, split_key=key)
        out.append(job)
    return out


def _read_folder(jobs_dir: Path) -> list[dict]:
    import pandas as pd

    out: list[dict] = []
    f = jobs_dir / "google_job_skills" / "job_skills.csv"
    if f.is_file():
        for r in pd.read_csv(f).fillna("").to_dict("records"):
            out.append(dict(title=r["Title"], company=r["Company"], location=r["Location"], category=r["Category"],
                            description=r["Responsibilities"],
                            requirements=f"{r['Minimum Qualifications']} {r['Preferred Qualifications']}",
                            source="google_job_skills"))
    f = jobs_dir / "dice_sample" / "dice_com-job_us_sample.csv"
    if f.is_file():
        for r in pd.read_csv(f).fillna("").to_dict("records"):
            out.append(dict(title=r["jobtitle"], description=r["jobdescription"], source="dice"))
    for name, fname in (("glassdoor_ds_jobs", "glassdoor_jobs.csv"), ("glassdoor_ds_jobs_uncleaned", "Uncleaned_DS_jobs.csv")):
        f = jobs_dir / name / fname
        if f.is_file():
            for r in pd.read_csv(f).fillna("").to_dict("records"):
                out.append(dict(title=r["Job Title"], description=r["Job Description"],
                                company=str(r["Company Name"]).split("\n")[0], location=r["Location"],
                                category=r["Sector"] if r["Sector"] != "-1" else "", source=name))
    f = jobs_dir / "armenian_job_posts_2004" / "data job posts.csv"
    if f.is_file():
        for r in pd.read_csv(f, sep=";").dropna(how="all").fillna("").to_dict("records"):
            out.append(dict(title=r["Title"], company=r["Company"], location=r["Location"],
                            description=r["JobDescription"] or r["jobpost"], responsibilities=r["JobRequirment"],
                            requirements=r["RequiredQual"], source="armenian_job_posts"))
    f = jobs_dir / "la_city_job_bulletins" / "la_city_job_bulletins.csv"
    if f.is_file():
        for r in pd.read_csv(f).fillna("").to_dict("records"):
            sections = _sections(str(r["text"]))
            duties = next((v for k, v in sections.items() if "DUTIES" in k), "")
            reqs = next((v for k, v in sections.items() if "REQUIREMENT" in k), "")
            out.append(dict(title=str(r["title"]).title(), company="City of Los Angeles", location="Los Angeles, CA",
                            description=duties or str(r["text"])[:2000], requirements=reqs, source="la_city"))
    return out


def _sections(text: str) -> dict[str, str]:
    text = "\n" + text.replace("\r\n", "\n")
    parts = _SECTION.split(text)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
