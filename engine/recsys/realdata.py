"""Real postings for training and evaluation, read from the shared datasets folder when it exists.

Reads them through ``engine.datasets.real.load_real_postings``. Each posting is a job dict (title,
description, requirements, responsibilities, company, location, category, source) with a ``split_key`` that stays the same for the
same role posted in several locations, so the held-out split never leaks a duplicate into training.
"""
from __future__ import annotations

import hashlib

from engine.recsys.text import clean


def split_key(job: dict) -> str:
    """Same normalised title + opening of the text = same posting, wherever it was posted."""
    body = clean(job.get("description")) or clean(job.get("responsibilities")) or clean(job.get("requirements"))
    key = clean(job.get("title")).lower() + "|" + body[:300].lower()
    return hashlib.sha1(key.encode()).hexdigest()


def is_held_out(job: dict, fraction: float = 0.2) -> bool:
    """The fixed 20% evaluation split: a hash of the posting, so every script and helper agrees."""
    return int(split_key(job)[:8], 16) % 1000 < fraction * 1000


def load_real_postings() -> list[dict]:
    """The shared real postings (engine.datasets.real), each with its split_key, duplicates by key dropped."""
    from engine.datasets.real import load_real_postings as shared_loader

    seen: set[str] = set()
    out = []
    for job in shared_loader():
        if not clean(job.get("title")):
            continue
        key = split_key(job)
        if key in seen:
            continue
        seen.add(key)
        out.append(dict(job, split_key=key))
    return out
