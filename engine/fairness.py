"""The bias audit (`python -m engine eval fairness --json`, and the Model Lab): does the fit score move when
only a candidate's name and gendered words change, and do groups get shortlisted at similar rates?

1. Counterfactual pairs. The same resume text is written for a person of group A and of group B: first
   names from Faker's name lists (by gender, for several locales: en_US, es_MX, hi_IN, zh_CN), with the
   matching pronouns and titles. Both are scored the way the product scores an application (the text
   redacted of the candidate's name and of gender cues, engine.anonymise, then the encoder and the skill
   match, engine.recsys.fit). Reported: the distribution of absolute score changes (headline
   ``mean_abs_score_change``, goal < 0.01) and of rank changes inside each job's top 10 (goal: none moves
   more than 3). The same figures without the redaction show what it protects against.
2. Selection rates by group in the database's world: the share of applications that reached the shortlist,
   per gender inferred from the first name (Faker's lists; names on neither list are 'unknown'), and the
   four-fifths rule (lowest rate / highest rate >= 0.8).
"""
from __future__ import annotations

import random
import unicodedata
from statistics import mean, median

import numpy as np
import sqlite_utils

from engine.anonymise import redact
from engine.jobs import decode_job

GOAL_MEAN_ABS_CHANGE = 0.01
GOAL_MAX_RANK_CHANGE = 3
TOP = 10
LOCALES = ("en_US", "es_MX", "hi_IN", "zh_CN")
PRONOUNS = {"male": ("He", "his", "Mr."), "female": ("She", "her", "Ms.")}
SHORTLISTED = ("accepted", "interview_scheduled", "interviewed", "offered", "not_selected")
_TEMPLATE = ("{title} {name}. {pron} is a {job} with {years} years of experience. {pron} worked with {skills}. "
             "In {poss} last role {pron_l} led a team and delivered {other}.")
_FALLBACK_JOBS = [
    {"id": -1, "title": "Data Engineer", "required_skills": ["Python", "SQL", "Spark", "Airflow"],
     "description": "Build data pipelines and warehouses."},
    {"id": -2, "title": "Registered Nurse", "required_skills": ["Patient care", "Triage", "EMR"],
     "description": "Care for patients on a busy ward."},
    {"id": -3, "title": "Accountant", "required_skills": ["Bookkeeping", "GAAP", "Excel", "Tax"],
     "description": "Month-end close, reconciliations and tax returns."},
]


def first_names(locale: str, gender: str) -> list[str]:
    """Faker's first names of one locale and gender."""
    from faker import Faker

    provider = Faker(locale).provider("faker.providers.person")
    names = getattr(provider, f"first_names_{gender}", None) or []
    return sorted({n for n in (names.keys() if isinstance(names, dict) else names)
                   if n and all(unicodedata.category(c)[0] in "LM" for c in n)})   # letters and vowel signs


def _groups() -> list[tuple[str, str, list[str]]]:
    return [(locale, gender, names) for locale in LOCALES for gender in ("male", "female")
            if (names := first_names(locale, gender))]


def _jobs(db: sqlite_utils.Database, n: int) -> list[dict]:
    rows = [decode_job(r) for r in db.query("SELECT * FROM jobs WHERE status = 'open' AND required_skills != '[]' "
                                            "ORDER BY id LIMIT ?", [n])]
    return rows or _FALLBACK_JOBS[:n]


def _write(base: dict, name: str, gender: str) -> str:
    pron, poss, title = PRONOUNS[gender]
    return _TEMPLATE.format(title=title, name=name, pron=pron, pron_l=pron.lower(), poss=poss, **base)


def _scores(texts: list[str], names: list[str], skills: list[list[str]], job: dict, redacted: bool) -> np.ndarray:
    """Fit scores as rank_applicants computes them (redacted) or of the raw texts (the comparison)."""
    from engine.recsys import encoder as enc
    from engine.recsys.fit import _combine, match_skills
    from engine.recsys.text import job_text

    read = [redact(t, [n]) if redacted else t for t, n in zip(texts, names)]
    vectors = enc.encode(read + [job_text(job)])
    out = []
    for text, have, vec in zip(read, skills, vectors[:-1]):
        matched, missing = match_skills(job.get("required_skills"), have, text)
        out.append(_combine(float(vec @ vectors[-1]), matched, missing).score)
    return np.array(out)


def _rank_changes(a: np.ndarray, b: np.ndarray) -> list[int]:
    """For each profile i: how far its rank moves among the others' A versions when only i becomes B."""
    changes = []
    for i in range(len(a)):
        before = int((a > a[i]).sum())
        others = np.delete(a, i)
        after = int((others > b[i]).sum())
        if min(before, after) < TOP:
            changes.append(abs(after - before))
    return changes


def counterfactual(db: sqlite_utils.Database, profiles: int = 10, jobs: int = 3, seed: int = 7,
                   redacted: bool = True) -> dict:
    """Score changes and top-10 rank changes when only the name and gendered words change."""
    rng = random.Random(seed)
    groups = _groups()
    the_jobs = _jobs(db, jobs)
    pool = sorted({s for j in the_jobs for s in j.get("required_skills") or []}) or ["Python"]
    deltas, ranks, pairs = [], [], 0
    for job in the_jobs:
        bases, skills = [], []
        for _ in range(profiles):
            own = rng.sample(pool, k=min(len(pool), rng.randint(2, 5)))
            skills.append(own)
            bases.append({"job": job["title"] if rng.random() < 0.5 else rng.choice(the_jobs)["title"],
                          "years": rng.randint(1, 15), "skills": ", ".join(own),
                          "other": rng.choice(["a migration", "a new product", "cost savings", "a reporting suite"])})
        for (la, ga, na), (lb, gb, nb) in zip(groups, groups[1:] + groups[:1]):
            names_a = [rng.choice(na) for _ in bases]
            names_b = [rng.choice(nb) for _ in bases]
            a = _scores([_write(b, n, ga) for b, n in zip(bases, names_a)], names_a, skills, job, redacted)
            b = _scores([_write(b, n, gb) for b, n in zip(bases, names_b)], names_b, skills, job, redacted)
            deltas += list(np.abs(a - b))
            ranks += _rank_changes(a, b)
            pairs += len(bases)
    return {
        "pairs": pairs, "jobs": len(the_jobs), "groups": [f"{loc}/{g}" for loc, g, _ in groups],
        "mean_abs_score_change": round(float(mean(deltas)), 5) if deltas else 0.0,
        "median_abs_score_change": round(float(median(deltas)), 5) if deltas else 0.0,
        "max_abs_score_change": round(float(max(deltas)), 5) if deltas else 0.0,
        "max_rank_change_top10": max(ranks) if ranks else 0,
        "share_pairs_rank_moved": round(sum(r > 0 for r in ranks) / len(ranks), 4) if ranks else 0.0,
    }


def selection_rates(db: sqlite_utils.Database) -> dict:
    """Shortlisting rate per gender inferred from first names, and the four-fifths rule."""
    male = {n.lower() for loc in LOCALES for n in first_names(loc, "male")}
    female = {n.lower() for loc in LOCALES for n in first_names(loc, "female")} - male
    counts: dict[str, list[int]] = {}
    rows = db.query("SELECT u.name, (SELECT count(*) FROM application_events e WHERE e.application_id = a.id AND "
                    f"e.to_status IN ({','.join('?' * len(SHORTLISTED))})) > 0 AS picked "
                    "FROM applications a JOIN users u ON u.id = a.candidate_id WHERE u.deleted_at IS NULL", SHORTLISTED)
    for row in rows:
        first = (row["name"] or "").split(" ")[0].lower()
        group = "male" if first in male else "female" if first in female else "unknown"
        counts.setdefault(group, [0, 0])
        counts[group][0] += 1
        counts[group][1] += int(row["picked"])
    rates = {g: {"applications": n, "shortlisted": k, "rate": round(k / n, 4)} for g, (n, k) in sorted(counts.items())}
    known = [r["rate"] for g, r in rates.items() if g != "unknown" and r["applications"]]
    ratio = round(min(known) / max(known), 4) if len(known) >= 2 and max(known) > 0 else None
    return {"by_group": rates, "impact_ratio": ratio, "four_fifths_passed": None if ratio is None else ratio >= 0.8}


def audit(db: sqlite_utils.Database, profiles: int = 10, jobs: int = 3, seed: int = 7) -> dict:
    """The whole audit as one JSON-ready dict (headline: ``mean_abs_score_change``)."""
    from engine.recsys import encoder as enc

    encoder = enc.load_encoder()
    report = counterfactual(db, profiles, jobs, seed)
    raw = counterfactual(db, profiles, jobs, seed, redacted=False)
    report.update(
        model=encoder.name, model_version=encoder.version,
        goal={"mean_abs_score_change_below": GOAL_MEAN_ABS_CHANGE, "max_rank_change_top10_at_most": GOAL_MAX_RANK_CHANGE},
        passed=report["mean_abs_score_change"] < GOAL_MEAN_ABS_CHANGE
        and report["max_rank_change_top10"] <= GOAL_MAX_RANK_CHANGE,
        without_redaction={k: raw[k] for k in ("mean_abs_score_change", "max_abs_score_change", "max_rank_change_top10")},
        selection=selection_rates(db),
    )
    report["reading"] = reading(report)
    return report


def metrics_path():
    from engine import config

    return config.artifacts_dir() / "metrics" / "fairness.json"


def write_metrics(report: dict):
    """Save the audit where the Model Lab reads it (engine.recsys.lab 'fairness')."""
    import json

    path = metrics_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return path


def reading(report: dict) -> str:
    """The audit in plain words."""
    lines = [
        f"Swapping only the name and gendered words of {report['pairs']} resumes across {len(report['groups'])} "
        f"groups moved the fit score by {report['mean_abs_score_change']:.4f} on average (at most "
        f"{report['max_abs_score_change']:.4f}) and a top-10 rank by at most {report['max_rank_change_top10']} "
        f"place(s): {'within' if report['passed'] else 'OUTSIDE'} the goal (< {GOAL_MEAN_ABS_CHANGE}, <= "
        f"{GOAL_MAX_RANK_CHANGE} places).",
    ]
    raw = report.get("without_redaction")
    if raw:
        lines.append(f"Without removing names and gender cues first, the average change would be "
                     f"{raw['mean_abs_score_change']:.4f} (rank moves up to {raw['max_rank_change_top10']}).")
    sel = report.get("selection") or {}
    if sel.get("impact_ratio") is None:
        lines.append("Selection rates: not enough applications with a recognisable first name in two groups.")
    else:
        rates = ", ".join(f"{g} {r['rate']:.0%} of {r['applications']}" for g, r in sel["by_group"].items())
        verdict = "meets" if sel["four_fifths_passed"] else "FAILS"
        lines.append(f"Shortlisting rates by inferred gender: {rates}. The lowest is {sel['impact_ratio']:.0%} of the "
                     f"highest, which {verdict} the four-fifths rule (at least 80%). These are the recruiters' "
                     "decisions, not the model's; a failure asks for a look at the decisions.")
    return "\n".join(lines)
