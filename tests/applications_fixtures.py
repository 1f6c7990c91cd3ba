"""Small builders for the applications tests: companies, users, jobs, resumes and PDFs made with plain SQL,
so these tests do not depend on the accounts module."""
from __future__ import annotations

import json
from datetime import date, timedelta

from fpdf import FPDF

from engine.authz import PERMISSIONS, Actor
from engine.jobs import add_job
from engine.store import utcnow


def make_company(db, name: str, permissions=PERMISSIONS, access: str = "granted") -> int:
    cid = db.execute("INSERT INTO companies (name, access_status, created_at) VALUES (?, ?, ?) RETURNING id",
                     [name, access, utcnow()]).fetchone()[0]
    for perm in permissions:
        db.execute("INSERT INTO company_permissions (company_id, permission, granted_at) VALUES (?, ?, ?)",
                   [cid, perm, utcnow()])
    return cid


def make_user(db, email: str, role: str = "candidate", name: str | None = None, company_id: int | None = None,
              **profile) -> Actor:
    name = name or email.split("@")[0].title()
    uid = db.execute(
        "INSERT INTO users (email, password_hash, role, name, company_id, location, skills, headline, created_at, "
        "updated_at) VALUES (?, 'x', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [email, role, name, company_id, profile.get("location"), json.dumps(profile.get("skills", [])),
         profile.get("headline"), utcnow(), utcnow()]).fetchone()[0]
    return Actor(uid, role, company_id, name, email)


def make_job(db, company_id: int | None, title: str = "Data Engineer", company: str = "Acme", **kw) -> int:
    job = dict(title=title, description=f"{title} at {company}", company=company, company_id=company_id,
               location="Berlin", category="Engineering", salary_min=50000, salary_max=70000)
    job.update(kw)
    return add_job(db, job)


def past(days: int = 1) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def future(days: int = 30) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def make_resume(db, user_id: int, title: str = "My resume", versions: int = 2) -> tuple[int, int]:
    rid = db.execute("INSERT INTO resumes (user_id, title, template, data, created_at, updated_at) "
                     "VALUES (?, ?, 'classic', ?, ?, ?) RETURNING id",
                     [user_id, title, json.dumps({"name": "X"}), utcnow(), utcnow()]).fetchone()[0]
    vid = None
    for i in range(versions):
        vid = db.execute("INSERT INTO resume_versions (resume_id, template, data, created_at) VALUES (?, 'classic', ?, ?) RETURNING id",
                         [rid, json.dumps({"name": "X", "v": i}), utcnow()]).fetchone()[0]
    return rid, vid


def pdf_bytes(text: str = "Resume of a candidate") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


class World:
    """Two companies (A, B) with a recruiter each, an admin, two candidates and a job per company."""

    def __init__(self, db) -> None:
        self.db = db
        self.company_a = make_company(db, "Acme")
        self.company_b = make_company(db, "Globex")
        self.admin = make_user(db, "admin@jx.test", "admin", "Ada Admin")
        self.rec_a = make_user(db, "rec@acme.test", "recruiter", "Rita Acme", self.company_a)
        self.rec_a2 = make_user(db, "rec2@acme.test", "recruiter", "Rob Acme", self.company_a)
        self.rec_b = make_user(db, "rec@globex.test", "recruiter", "Gus Globex", self.company_b)
        self.cand = make_user(db, "jose@cand.test", "candidate", "José Müller", skills=["Python", "SQL"])
        self.cand2 = make_user(db, "zoe@cand.test", "candidate", "Zoë Øster")
        self.job_a = make_job(db, self.company_a, "Data Engineer", "Acme", deadline=future())
        self.job_b = make_job(db, self.company_b, "Nurse", "Globex")
