"""Tiny, deterministic job catalogue for the recommendation tests (no generator, no shared data)."""
from __future__ import annotations

import random

OCCUPATIONS = {
    "Software Engineering": ("Backend Software Engineer", ["Python", "Django", "PostgreSQL", "Docker", "REST APIs"],
                             "Design and build backend services and APIs, write tests, review code and deploy to the cloud."),
    "Data Science": ("Data Scientist", ["Python", "pandas", "scikit-learn", "Statistics", "SQL"],
                     "Build predictive models, analyse experiments and present insights from data to stakeholders."),
    "Nursing": ("Registered Nurse", ["Patient care", "Medication administration", "BLS", "Electronic health records"],
                "Provide bedside patient care on a hospital ward, administer medication and document patient status."),
    "Accounting": ("Staff Accountant", ["Bookkeeping", "Excel", "Reconciliation", "GAAP", "Tax preparation"],
                   "Prepare journal entries, reconcile accounts, support the month-end close and tax filings."),
    "Sales": ("Account Executive", ["B2B sales", "CRM", "Negotiation", "Lead generation", "Salesforce"],
              "Own the full sales cycle, prospect new accounts, negotiate contracts and hit quarterly quota."),
    "Design": ("UX Designer", ["Figma", "User research", "Prototyping", "Wireframing", "Usability testing"],
               "Run user research, design wireframes and interactive prototypes, and test them with users."),
    "Logistics": ("Warehouse Supervisor", ["Inventory management", "Forklift", "Shipping", "Team leadership", "WMS"],
                  "Supervise warehouse staff, manage inventory and shipping schedules, and keep the floor safe."),
    "Teaching": ("High School Math Teacher", ["Lesson planning", "Algebra", "Classroom management", "Geometry"],
                 "Plan and teach algebra and geometry lessons, grade assignments and support struggling students."),
}
CITIES = ["Austin, TX", "Boston, MA", "Denver, CO", "Seattle, WA", "Chicago, IL"]
LEVELS = ["Junior", "", "Senior"]


def tiny_jobs(per_occupation: int = 15, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    jobs = []
    for category, (title, skills, duty) in OCCUPATIONS.items():
        for i in range(per_occupation):
            level = LEVELS[i % 3]
            jobs.append({
                "title": f"{level} {title}".strip(),
                "company": f"{category.split()[0]} Co {i}",
                "location": CITIES[i % len(CITIES)],
                "category": category,
                "description": f"{duty} Opening number {i} in our {category.lower()} team.",
                "responsibilities": duty,
                "requirements": f"{2 + i % 5} years of experience. " + ", ".join(rng.sample(skills, 3)),
                "required_skills": rng.sample(skills, 4),
                "education_level": "Bachelor's degree",
                "created_date": "2026-01-01",
            })
    return jobs


def build_catalogue(path, per_occupation: int = 8):
    """A data dir holding tiny_jobs() and their built index; returns the path."""
    from engine import jobs, store
    from engine.recsys.index import build_index

    db = store.connect(path)
    jobs.add_jobs(db, tiny_jobs(per_occupation))
    build_index(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


def copy_catalogue(src, dst):
    """A private copy (database + saved index) so a test may change it; the copy loads without re-embedding."""
    import shutil

    from engine.recsys.index import forget_indexes

    shutil.copytree(src, dst)
    forget_indexes()
    return dst


def add_candidate(db, name="Cand", skills=(), **profile) -> int:
    from engine.store import insert_row, utcnow
    import json

    now = utcnow()
    return insert_row(db, "users", {"email": f"{name.lower()}@example.com", "password_hash": "x", "role": "candidate",
                                    "name": name, "skills": json.dumps(list(skills)), "created_at": now,
                                    "updated_at": now, **profile})
