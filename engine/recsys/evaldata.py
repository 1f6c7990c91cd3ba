"""The postings the evaluations use, split exactly as Job-Rec-v1's fine-tuning split them.

Real postings: those the encoder's training held out (`is_held_out`, a hash of the posting), so Job-Rec-v1
is never scored on a posting it was trained on. Generated postings: drawn with a seed the fine-tuning did not
use, minus any that happen to equal one of its training postings, so all of them are unseen.
"""
from __future__ import annotations

import hashlib
import json
import re

from engine import config

EVAL_SEED = 2027          # generated postings for evaluation: not the fine-tuning's seed (42)
MAX_REAL = 1500
MAX_GENERATED = 800

try:  # recsys-core's texts and split; TODO(merge): drop the stand-ins below once they are on main
    from engine.recsys.realdata import is_held_out, split_key
    from engine.recsys.text import clean, job_text, profile_like_text
except ImportError:
    import html

    def clean(text) -> str:
        if text is None:
            return ""
        if isinstance(text, (list, tuple)):
            text = ", ".join(str(t) for t in text if t)
        text = re.sub(r"<[^>]+>", " ", html.unescape(str(text)))
        return re.sub(r"\s+", " ", text).strip()

    def _first(text: str, n: int) -> str:
        words = text.split()
        return " ".join(words[:n])

    def job_text(job) -> str:
        skills = job.get("required_skills") or []
        desc = clean(job.get("description")) or clean(job.get("requirements"))
        parts = [clean(job.get("title")), _first(desc, 70), _first(clean(job.get("responsibilities")), 40),
                 ("Skills: " + ", ".join(map(str, skills[:25]))) if skills else "",
                 ("Education: " + clean(job.get("education_level"))) if job.get("education_level") else ""]
        return ". ".join(p.rstrip(". ") for p in parts if p)

    def profile_like_text(job) -> str:
        title = clean(job.get("title"))
        skills = [s for s in (job.get("required_skills") or []) if str(s).lower() != title.lower()]
        req = clean(job.get("requirements")) or clean(job.get("responsibilities")) or clean(job.get("description"))
        if title:
            req = re.sub(re.escape(title), " ", req, flags=re.I)
        parts = [("Skills: " + ", ".join(map(str, skills[:20]))) if skills else "", _first(req, 60),
                 ("Location: " + clean(job.get("location"))) if job.get("location") else ""]
        return ". ".join(p.rstrip(". ") for p in parts if p)

    def split_key(job) -> str:
        body = clean(job.get("description")) or clean(job.get("responsibilities")) or clean(job.get("requirements"))
        return hashlib.sha1((clean(job.get("title")).lower() + "|" + body[:300].lower()).encode()).hexdigest()

    def is_held_out(job, fraction: float = 0.2) -> bool:
        return int(split_key(job)[:8], 16) % 1000 < fraction * 1000


_SENIORITY = re.compile(r"\b(senior|sr|junior|jr|lead|principal|staff|head|chief|i{1,3}|iv|mid|level|entry|"
                        r"intern|trainee|associate)\b")


def normal_title(title: str) -> str:
    """'Senior Data Analyst (Remote)' -> 'data analyst': what counts as the same job title."""
    t = re.sub(r"\(.*?\)|[^a-z ]", " ", clean(title).lower())
    return " ".join(_SENIORITY.sub(" ", t).split()[:4])


def encoder_card() -> dict:
    """Job-Rec-v1's model card (its split and training data), {} when it is not trained."""
    path = config.artifacts_dir() / "models" / "job-rec-v1" / "model_card.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def real_postings(limit: int | None = None) -> list[dict]:
    """Every real posting (de-duplicated by split key), each with `split_key` and `held_out`."""
    from engine.datasets.real import load_real_postings

    seen: set[str] = set()
    out = []
    for job in load_real_postings():
        key = split_key(job)
        if not clean(job.get("title")) or key in seen:
            continue
        seen.add(key)
        out.append(dict(job, split_key=key, held_out=is_held_out(job)))
    return out[:limit] if limit else out


def held_out_real(limit: int = MAX_REAL) -> list[dict]:
    return [j for j in real_postings() if j["held_out"]][:limit]


def generated_postings(n: int = MAX_GENERATED, seed: int = EVAL_SEED) -> list[dict]:
    """`n` generated postings none of which Job-Rec-v1 trained on."""
    from engine.datasets.generator import generate_jobs

    params = encoder_card().get("parameters", {})
    trained = {split_key(j) for j in generate_jobs(int(params.get("generated_jobs", 1500)), seed=params.get("seed", 42))
               if not is_held_out(j)}
    out = []
    for job in generate_jobs(n + n // 4 + 10, seed=seed):
        key = split_key(job)
        if key not in trained:
            out.append(dict(job, split_key=key))
        if len(out) == n:
            break
    return out
