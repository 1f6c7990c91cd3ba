"""Plain-SQL fixtures for the meetings tests: a company with schedule rights, a recruiter, a candidate, a
stranger, an admin, a job and a shortlisted application. Passwords are bcrypt of 'secret-pass-1'."""
from __future__ import annotations

from engine.authz import Actor
from engine.store import insert_row, transaction, utcnow

PASSWORD = "secret-pass-1"
BCRYPT_HASH = "$2b$04$OZVtUmxFyJrUOxyx8iWh6eGGySxo6madJkKdfxg9dw1aUJHLgNuY6"  # bcrypt("secret-pass-1"), cost 4


def seed(db) -> dict:
    now = utcnow()
    with transaction(db):
        company = insert_row(db, "companies", {"name": "Acme", "access_status": "granted", "created_at": now})
        other_company = insert_row(db, "companies", {"name": "Other", "access_status": "granted", "created_at": now})
        for perm in ("view_applicants", "change_status", "schedule_interviews"):
            insert_row(db, "company_permissions", {"company_id": company, "permission": perm, "granted_at": now})
            insert_row(db, "company_permissions", {"company_id": other_company, "permission": perm, "granted_at": now})

        def user(email, role, name, company_id=None):
            return insert_row(db, "users", {"email": email, "password_hash": BCRYPT_HASH, "role": role, "name": name,
                                            "company_id": company_id, "created_at": now, "updated_at": now})

        rec = user("rita@acme.test", "recruiter", "Rita Recruiter", company)
        rec2 = user("rob@acme.test", "recruiter", "Rob Colleague", company)
        outsider = user("olga@other.test", "recruiter", "Olga Outsider", other_company)
        cand = user("carl@mail.test", "candidate", "Carl Candidate")
        cand2 = user("cora@mail.test", "candidate", "Cora Stranger")
        admin = user("admin@jx.test", "admin", "Ada Admin")
        job = insert_row(db, "jobs", {"title": "Python Developer", "company": "Acme", "company_id": company,
                                      "created_date": now[:10], "updated_at": now, "posted_by": rec})
        app = insert_row(db, "applications", {"job_id": job, "candidate_id": cand, "status": "accepted",
                                              "created_at": now, "updated_at": now})
    return {
        "company": company, "job": job, "app": app,
        "rec": Actor(rec, "recruiter", company, "Rita Recruiter", "rita@acme.test"),
        "rec2": Actor(rec2, "recruiter", company, "Rob Colleague", "rob@acme.test"),
        "outsider": Actor(outsider, "recruiter", other_company, "Olga Outsider", "olga@other.test"),
        "cand": Actor(cand, "candidate", None, "Carl Candidate", "carl@mail.test"),
        "cand2": Actor(cand2, "candidate", None, "Cora Stranger", "cora@mail.test"),
        "admin": Actor(admin, "admin", None, "Ada Admin", "admin@jx.test"),
    }


def add_accepted_application(db, seeded: dict, candidate_email: str) -> int:
    now = utcnow()
    with transaction(db):
        cand = insert_row(db, "users", {"email": candidate_email, "password_hash": BCRYPT_HASH, "role": "candidate",
                                        "name": candidate_email.split("@")[0], "created_at": now, "updated_at": now})
        return insert_row(db, "applications", {"job_id": seeded["job"], "candidate_id": cand, "status": "accepted",
                                               "created_at": now, "updated_at": now})


def add_job(db, seeded: dict, title: str, **fields) -> int:
    """One more open job of the seeded company, posted by its recruiter."""
    now = utcnow()
    with transaction(db):
        return insert_row(db, "jobs", {"title": title, "company": "Acme", "company_id": seeded["company"],
                                       "created_date": now[:10], "updated_at": now,
                                       "posted_by": seeded["rec"].user_id, **fields})
