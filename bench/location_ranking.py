"""Place and level in recommendations: on 24 profiles in varied cities (US, India, Europe, Canada) and
levels, the share of the top 5 that is near the candidate (same city) or remote, and at their level, with
the ranking by meaning alone (before) and with place and level (after).

    python bench/location_ranking.py [--jobs 2000] -> artifacts/bench/location_ranking.json
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROFILES = [
    "Python, SQL, Spark; 3 years data engineering in Berlin",
    "Registered nurse, 8 years on surgical wards, based in London",
    "Junior frontend developer: React, TypeScript, CSS. Graduate, in Bengaluru",
    "Senior backend engineer, 10 years Java and Kafka, remote",
    "Accountant with 5 years in audit and IFRS, in Mumbai",
    "Graduate data analyst: Excel, SQL, Tableau. In Toronto",
    "Chef, 12 years running restaurant kitchens, in Paris",
    "Warehouse supervisor, 7 years logistics and forklift operations, in Chicago",
    "Teacher of mathematics, 4 years in secondary schools, in Manchester",
    "Junior marketing assistant: social media, SEO, copywriting; in Amsterdam",
    "DevOps engineer: Kubernetes, Terraform, AWS; 6 years; hybrid in Munich",
    "Sales representative, 2 years B2B software sales, in Austin",
    "Electrician apprentice, wiring and maintenance, in Hamburg",
    "Product manager, 9 years SaaS roadmaps and agile teams, remote",
    "HR generalist, 3 years recruiting and onboarding, in Hyderabad",
    "Machine learning engineer, PyTorch and MLOps, 4 years, in Seattle",
    "Customer service agent, 1 year call centre experience, in Madrid",
    "Civil engineer, 15 years bridges and site management, in Vancouver",
    "Junior UX designer: Figma, user research. In Barcelona",
    "Pharmacist, 6 years hospital pharmacy, in Edinburgh",
    "Software tester, 3 years manual and automated QA with Selenium, in Pune",
    "Financial analyst, 2 years FP&A and Excel modelling, in New York",
    "Construction site manager, 20 years, in Frankfurt",
    "Senior iOS developer, Swift, 8 years, remote",
]


def measure(db, by_place: bool) -> dict:
    from engine.recsys import placement
    from engine.recsys.recommend import recommend_placed

    rows, good, shown = [], 0, 0
    started = time.perf_counter()
    for text in PROFILES:
        placed = recommend_placed(db, text, k=5, by_place=by_place)
        context = placed.context
        jobs = []
        for r in placed.recommendations:
            ok = r.nearness in ("near", "remote") and (r.level_fit is not False)
            good += ok
            shown += 1
            jobs.append({"title": r.title, "location": r.location, "nearness": r.nearness, "level_fit": r.level_fit,
                         "ok": ok, "score": r.score})
        rows.append({"profile": text, "city": context.place.city, "country": context.place.country,
                     "work_mode": context.work_mode, "level": context.level, "note": placed.note, "top5": jobs})
    return {"share_near_or_remote_at_level": round(good / shown, 3), "jobs_shown": shown,
            "seconds": round(time.perf_counter() - started, 2), "profiles": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000, help="generated jobs in the catalogue")
    parser.add_argument("--data-dir", help="keep the catalogue and its index here (a second run reuses them)")
    parser.add_argument("--out", default=str(ROOT / "artifacts" / "bench" / "location_ranking.json"))
    args = parser.parse_args()
    from engine import jobs, store
    from engine.datasets.generator import generate_jobs
    from engine.recsys.index import build_index
    from engine.recsys.placement import place_of

    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(args.data_dir or tmp)
        reused = bool(db["jobs"].count)
        if not reused:
            jobs.add_jobs(db, list(generate_jobs(args.jobs, seed=42)))
        started = time.perf_counter()
        build_index(db)
        built = time.perf_counter() - started
        countries = {}
        for row in db.query("SELECT location FROM jobs"):
            country = place_of(row["location"]).country or "?"
            countries[country] = countries.get(country, 0) + 1
        before, after = measure(db, by_place=False), measure(db, by_place=True)
    result = {"jobs": args.jobs, "catalogue_reused": reused, "index_build_s": round(built, 1), "catalogue_countries": countries,
              "metric": "share of the top 5 that is near (same city) or remote, and at the candidate's level",
              "before": before, "after": after}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"{len(PROFILES)} profiles, {args.jobs} jobs: before {before['share_near_or_remote_at_level']:.1%}, "
          f"after {after['share_near_or_remote_at_level']:.1%} -> {args.out}")


if __name__ == "__main__":
    main()
