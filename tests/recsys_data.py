"""Tiny, deterministic job catalogue for the recommendation tests (no generator, no shared data)."""
from __future__ import annotations

import os
import random
from contextlib import contextmanager

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
    """A data dir holding tiny_jobs() in a SQLite file and their built index; returns the path. Built once
    per module, outside any test's PostgreSQL database: copy_catalogue loads it into the test's."""
    from engine import jobs, store
    from engine.recsys.index import build_index

    with _sqlite_database():
        db = store.connect(path)
        jobs.add_jobs(db, tiny_jobs(per_occupation))
        build_index(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    return path


def copy_catalogue(src, dst):
    """A private copy (database + saved index) so a test may change it; the copy loads without re-embedding.
    In the PostgreSQL run the test's database gets the catalogue's jobs with their ids and update times, and
    their stored vectors, so the copied index matches them as it matches the copied SQLite file."""
    import shutil

    from engine import store
    from engine.recsys.index import forget_indexes

    shutil.copytree(src, dst)
    forget_indexes()
    if store.database_url() is not None:
        _load_jobs_into_postgres(dst)
    return dst


@contextmanager
def _sqlite_database():
    saved = os.environ.pop("DATABASE_URL", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved


def _load_jobs_into_postgres(data_dir) -> None:
    import sqlite3

    from engine import store

    source = sqlite3.connect(str(store.db_path(data_dir)))
    tables = {}
    for table in ("jobs", "job_vectors"):   # the vectors too: the copy embeds nothing, as on SQLite
        cur = source.execute(f"SELECT * FROM {table} ORDER BY 1")
        tables[table] = ([d[0] for d in cur.description], cur.fetchall())
    source.close()
    db = store.connect(data_dir)
    with store.transaction(db):
        for table, (columns, rows) in tables.items():
            db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
        # ids were given: move the identity past them, or the next insert takes id 1 again
        db.execute("SELECT setval(pg_get_serial_sequence('jobs', 'id'), (SELECT max(id) FROM jobs))")
    db.close()


def add_candidate(db, name="Cand", skills=(), **profile) -> int:
    from engine.store import insert_row, utcnow
    import json

    now = utcnow()
    return insert_row(db, "users", {"email": f"{name.lower()}@example.com", "password_hash": "x", "role": "candidate",
                                    "name": name, "skills": json.dumps(list(skills)), "created_at": now,
                                    "updated_at": now, **profile})
