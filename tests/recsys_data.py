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


def _test_postgres() -> str | None:
    import os

    return os.environ.get("JOBEXPRESSWAY_TEST_POSTGRES", "").strip() or None


def _postgres_url(dbname: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(_test_postgres())._replace(path="/" + dbname))


_catalogue_databases: list[str] = []


def _drop_catalogue_databases() -> None:
    import psycopg

    with psycopg.connect(_postgres_url("postgres"), autocommit=True) as admin:
        for name in _catalogue_databases:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def build_catalogue(path, per_occupation: int = 8):
    """A data dir holding tiny_jobs() and their built index; returns the path. In the PostgreSQL run the
    jobs and their vectors go to a database of the catalogue's own (named in ``<path>/catalogue_database``),
    which copy_catalogue copies into each test's database."""
    import os
    from pathlib import Path

    from engine import jobs, store
    from engine.recsys.index import build_index, forget_indexes

    if _test_postgres():   # module fixtures run before the test's own database is made
        import atexit
        import uuid

        import psycopg

        name = "jx_catalogue_" + uuid.uuid4().hex[:12]
        with psycopg.connect(_postgres_url("postgres"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        if not _catalogue_databases:
            atexit.register(_drop_catalogue_databases)
        _catalogue_databases.append(name)
        Path(path).mkdir(parents=True, exist_ok=True)
        (Path(path) / "catalogue_database").write_text(name)
        before = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = _postgres_url(name)
    try:
        db = store.connect(path)
        jobs.add_jobs(db, tiny_jobs(per_occupation))
        build_index(db)
        if not store.is_postgres(db):
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        forget_indexes()   # closes the vector store's connection: a template database must have none
    finally:
        if _test_postgres():
            if before is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = before
    return path


def copy_catalogue(src, dst):
    """A private copy (database + saved index) so a test may change it; the copy loads without re-embedding.
    In the PostgreSQL run the test's database (DATABASE_URL) is made anew as a copy of the catalogue's."""
    import os
    import shutil
    from pathlib import Path

    from engine.recsys.index import forget_indexes

    shutil.copytree(src, dst)
    forget_indexes()
    marker = Path(dst) / "catalogue_database"
    if _test_postgres() and marker.is_file():
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        test_db = conninfo_to_dict(os.environ["DATABASE_URL"])["dbname"]
        with psycopg.connect(_postgres_url("postgres"), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {test_db} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {test_db} TEMPLATE {marker.read_text().strip()}")
    return dst


def add_candidate(db, name="Cand", skills=(), **profile) -> int:
    from engine.store import insert_row, utcnow
    import json

    now = utcnow()
    return insert_row(db, "users", {"email": f"{name.lower()}@example.com", "password_hash": "x", "role": "candidate",
                                    "name": name, "skills": json.dumps(list(skills)), "created_at": now,
                                    "updated_at": now, **profile})
