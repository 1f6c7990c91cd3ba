"""Accounts: sign-up, passwords (bcrypt), sign-in, persistent sessions, profiles and the bootstrap accounts.

Users live in the database (``users``), not in a YAML file as streamlit-authenticator keeps them, so one
transaction can create a company and its recruiter, and every other table can reference a user by id.
Companies, access requests and permissions are in ``engine.companies`` (also reachable from this module).

Sessions are in ``engine.sign_in_sessions`` (the common names reachable from here too), links that prove an
email address in ``engine.email_confirmation``, the sign-in throttle in ``engine.sign_in_throttle``.
"""
from __future__ import annotations

import json
import os
import re
import secrets
from collections import Counter
from urllib.parse import urlparse

import bcrypt

from engine import common_passwords, limits, sign_in_throttle
from engine.authz import AccessDenied, Actor, NotFound, require_role, require_signed_in
from engine.sign_in_sessions import (SESSION_DAYS, Session, actor_for_session, actor_for_session_id,  # noqa: F401
                                     create_session, end_all_sessions, end_session, resume_session,
                                     session_id_for_token)
from engine.sign_in_sessions import actor_from_row as _actor
from engine.choices import CATEGORY_NAMES, EDUCATION_LEVELS, email_problem
from engine.store import Database, insert_row, one, transaction, update_row, utcnow

MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt only reads 72 bytes; bcrypt 5 refuses longer input outright
PROFILE_FIELDS = ("name", "email", "location", "preferred_category", "skills", "education", "experience", "headline")
SIGN_IN_FAILED = "Email or password is not correct."  # one message for both cases: emails cannot be probed

# Made only by `make demo` / `python -m engine demo` or with JOBEXPRESSWAY_DEMO_ACCOUNTS=1: their passwords
# are published, so a public deployment must never have them.
DEMO_CANDIDATE = ("candidate@demo.jobexpressway.local", "Candidate123!")
DEMO_RECRUITER = ("recruiter@demo.jobexpressway.local", "Recruiter123!")
DEMO_ADMIN = ("admin@demo.jobexpressway.local", "Demo-admin-246")
DEMO_COMPANY = "Demo Analytics Ltd"
DEMO_EMAIL_DOMAIN = "demo.jobexpressway.local"  # every demo account's, those of `engine demo` included
GENERATED_ADMIN_EMAIL = "admin@jobexpressway.local"


class ValidationError(ValueError):
    """Bad input. ``errors`` maps each field to a message that can be shown as is."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()))


# --- validation ------------------------------------------------------------------------------------
def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def password_problem(password: str | None) -> str | None:
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return f"Password must be at least {MIN_PASSWORD} characters."
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return f"Password must be at most {MAX_PASSWORD_BYTES} bytes long."
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        return "Password must contain at least one letter and one digit."
    if common_passwords.is_common(password):
        return "This password is one of the most common passwords, the first ones attackers try. Choose another."
    return None


def normalize_website(url: str | None) -> str:
    """'example.com' -> 'https://example.com'; raises ValueError for anything that is not an http(s) URL."""
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if parsed.scheme not in ("http", "https") or "." not in host or " " in url or host.startswith("."):
        raise ValueError(f"'{url}' is not a valid website address (e.g. https://example.com).")
    return url


def normalize_skills(skills: str | list[str] | None) -> list[str]:
    """A comma (or line) separated text or a list -> trimmed, de-duplicated (case-insensitively). Nothing is
    cut: callers refuse a list over the limits (``limits.skills_problem``) with a message instead."""
    if isinstance(skills, str):
        skills = re.split(r"[,\n]", skills)
    seen: dict[str, str] = {}
    for skill in skills or []:
        skill = re.sub(r"\s+", " ", str(skill)).strip()
        if skill and skill.lower() not in seen:
            seen[skill.lower()] = skill
    return list(seen.values())


def _skills_error(skills, errors: dict[str, str]) -> None:
    raw = skills if isinstance(skills, str) else ",".join(str(s) for s in skills or [])
    # The whole text first: splitting a 20 MB paste into skills would take a second before refusing it.
    if problem := limits.text_problem(raw, limits.SKILLS_TEXT) or limits.skills_problem(normalize_skills(skills)):
        errors["skills"] = problem


def _required(values: dict[str, str | None], labels: dict[str, str]) -> dict[str, str]:
    return {f: f"{label} is required." for f, label in labels.items() if not (values.get(f) or "").strip()}


def _check_choices(values: dict, errors: dict[str, str]) -> None:
    """Preferred category and education come from the vocabulary (or stay empty): a category no job uses
    would never match a job."""
    category, education = (values.get("preferred_category") or "").strip(), (values.get("education") or "").strip()
    if category and category not in CATEGORY_NAMES and "preferred_category" not in errors:
        errors["preferred_category"] = (f"'{limits.excerpt(category)}' is not one of our job categories: pick one "
                                        "from the list.")
    if education and education not in EDUCATION_LEVELS and "education" not in errors:
        errors["education"] = f"Education must be one of: {', '.join(EDUCATION_LEVELS)}."


def check_email_free(db: Database, email: str, errors: dict[str, str], *, except_user: int | None = None) -> None:
    problem = email_problem(email)
    if problem:
        errors["email"] = problem
        return
    row = one(db, "SELECT id FROM users WHERE email = ? COLLATE NOCASE", [email])
    if row and row["id"] != except_user:
        errors["email"] = f"An account with {email} already exists. Sign in instead, or use another email."


# --- passwords -------------------------------------------------------------------------------------
def _rounds() -> int:
    # Tests set a low cost through the environment; the default (12) is bcrypt's own.
    return max(4, min(16, int(os.environ.get("JOBEXPRESSWAY_BCRYPT_ROUNDS", "12"))))


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(_rounds())).decode()


def check_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw((password or "").encode()[:MAX_PASSWORD_BYTES], password_hash.encode())
    except ValueError:  # malformed hash (e.g. an account that can only sign in through Google)
        return False


_dummy_hash: dict[int, str] = {}


def _dummy_check(password: str) -> None:
    """Spend as long as a real check, so an unknown email answers as slowly as a wrong password."""
    rounds = _rounds()
    if rounds not in _dummy_hash:
        _dummy_hash[rounds] = hash_password(secrets.token_urlsafe(12))
    check_password(password, _dummy_hash[rounds])


# --- users -----------------------------------------------------------------------------------------
_EXTERNAL_ONLY = "!external:"  # password_hash prefix of an account reached only through the identity provider


def _insert_user(db: Database, *, email: str, password: str | None, role: str, name: str,
                 company_id: int | None = None, **profile) -> int:
    now = utcnow()
    # No password (Google sign-in): a hash of nothing anyone knows, which check_password never matches.
    password_hash = hash_password(password) if password else _EXTERNAL_ONLY + secrets.token_hex(16)
    return insert_row(db, "users", {
        "email": email, "password_hash": password_hash, "role": role, "name": name.strip(),
        "company_id": company_id, "skills": json.dumps(normalize_skills(profile.pop("skills", None))),
        **{k: (v.strip() if isinstance(v, str) else v) for k, v in profile.items()},
        "created_at": now, "updated_at": now,
    })


def sign_up_candidate(db: Database, *, name: str, email: str, password: str, location: str = "",
                      preferred_category: str = "", skills: str | list[str] | None = None, education: str = "",
                      experience: str = "") -> Actor:
    """Create a candidate account. Raises ValidationError listing every problem at once."""
    email = normalize_email(email)
    errors = _required({"name": name, "location": location}, {"name": "Name", "location": "Location"})
    errors.update(limits.problems({"name": name, "location": location, "preferred_category": preferred_category,
                                   "education": education, "experience": experience}))
    _skills_error(skills, errors)
    check_email_free(db, email, errors)
    if problem := password_problem(password):
        errors["password"] = problem
    _check_choices({"preferred_category": preferred_category, "education": education}, errors)
    if errors:
        raise ValidationError(errors)
    with transaction(db):
        user_id = _insert_user(db, email=email, password=password, role="candidate", name=name,
                               location=location, preferred_category=preferred_category or None, skills=skills,
                               education=education or None, experience=experience or None)
    return _actor(one(db, "SELECT * FROM users WHERE id = ?", [user_id]))


def sign_up_company(db: Database, *, email: str, password: str, company_name: str, industry: str,
                    location: str, website: str = "", contact_name: str = "") -> Actor:
    """Create a company (no access granted yet) and its first recruiter account, together or not at all."""
    email = normalize_email(email)
    errors = _required({"company_name": company_name, "industry": industry, "location": location},
                       {"company_name": "Company name", "industry": "Industry", "location": "Location"})
    check_email_free(db, email, errors)
    if problem := password_problem(password):
        errors["password"] = problem
    errors.update(limits.problems({"company_name": company_name, "industry": industry, "location": location,
                                   "website": website, "contact_name": contact_name}))
    if "website" not in errors:
        try:
            website = normalize_website(website)
        except ValueError as exc:
            errors["website"] = str(exc)
    if errors:
        raise ValidationError(errors)
    with transaction(db):
        company_id = insert_row(db, "companies", {
            "name": company_name.strip(), "industry": industry.strip(), "location": location.strip(),
            "website": website or None, "email": email, "access_status": "none", "created_at": utcnow(),
        })
        user_id = _insert_user(db, email=email, password=password, role="recruiter",
                               name=(contact_name or "").strip() or company_name, company_id=company_id,
                               location=location)
    return _actor(one(db, "SELECT * FROM users WHERE id = ?", [user_id]))


def create_user(db: Database, *, email: str, password: str, role: str, name: str,
                company_id: int | None = None) -> int:
    """Validated insert used by recruiter creation and bootstrap (callers check who may do it)."""
    email = normalize_email(email)
    errors = _required({"name": name}, {"name": "Name"})
    errors.update(limits.problems({"name": name}))
    check_email_free(db, email, errors)
    if problem := password_problem(password):
        errors["password"] = problem
    if errors:
        raise ValidationError(errors)
    with transaction(db):
        return _insert_user(db, email=email, password=password, role=role, name=name, company_id=company_id)


def authenticate(db: Database, email: str, password: str, *, client: str = "unknown") -> Actor:
    """The account for these credentials, or AccessDenied with the same message whatever was wrong.

    ``client`` names who is asking (the IP address the server saw). Attempts are throttled per client, per
    account and per pair with growing delays (``engine.sign_in_throttle``); a TooManyAttempts refusal says
    how long to wait and checks no password. Unknown emails are throttled the same way."""
    email = normalize_email(email)
    attempt = sign_in_throttle.begin_attempt(db, email, client)
    row = one(db, "SELECT * FROM users WHERE email = ? COLLATE NOCASE", [email])
    if row is None:
        _dummy_check(password or "")
    if row is None or not check_password(password or "", row["password_hash"]):
        raise AccessDenied(SIGN_IN_FAILED)
    sign_in_throttle.succeeded(db, attempt)
    return _actor(row)


def actor_for_external_identity(db: Database, email: str, name: str = "") -> Actor:
    """Google (OIDC) sign-in with an address the provider has verified: the account with that email, or a
    new candidate account without a password (it can only be reached through the identity provider).

    An account whose address was never verified may have been made by someone else with this email (to
    wait for its owner to arrive through Google and share the account). The verified owner gets it, and
    what its maker could sign in with goes: the password is dropped and every session ends."""
    email = normalize_email(email)
    if problem := email_problem(email):
        raise ValidationError({"email": problem})
    row = one(db, "SELECT * FROM users WHERE email = ? COLLATE NOCASE", [email])
    if row is None:
        with transaction(db):
            user_id = _insert_user(db, email=email, password=None, role="candidate", name=name or email.split("@")[0],
                                   email_verified_at=utcnow())
        row = one(db, "SELECT * FROM users WHERE id = ?", [user_id])
    elif not row["email_verified_at"]:
        with transaction(db):
            update_row(db, "users", row["id"], {"password_hash": _EXTERNAL_ONLY + secrets.token_hex(16),
                                                "email_verified_at": utcnow(), "updated_at": utcnow()})
            db.execute("DELETE FROM sessions WHERE user_id = ?", [row["id"]])
            db.execute("DELETE FROM email_confirmations WHERE user_id = ?", [row["id"]])
        row = one(db, "SELECT * FROM users WHERE id = ?", [row["id"]])
    return _actor(row)


def refresh_actor(db: Database, actor: Actor) -> Actor:
    """The actor re-read from the database (after a profile, role or company change)."""
    require_signed_in(actor)
    row = one(db, "SELECT * FROM users WHERE id = ?", [actor.user_id])
    if row is None:
        raise NotFound("This account no longer exists.")
    return _actor(row)


def change_password(db: Database, actor: Actor, current: str, new: str) -> None:
    require_signed_in(actor)
    """The current password is throttled like a sign-in, so a borrowed session cannot guess it."""
    row = one(db, "SELECT email, password_hash FROM users WHERE id = ?", [actor.user_id])
    if row is None:
        raise NotFound("This account no longer exists.")
    attempt = sign_in_throttle.begin_attempt(db, normalize_email(row["email"]), f"password-change:{actor.user_id}")
    if not check_password(current, row["password_hash"]):
        raise ValidationError({"current": "Your current password is not correct."})
    sign_in_throttle.succeeded(db, attempt)
    if problem := password_problem(new):
        raise ValidationError({"password": problem})
    with transaction(db):
        update_row(db, "users", actor.user_id, {"password_hash": hash_password(new), "updated_at": utcnow()})
        # Other devices must sign in again with the new password.
        db.execute("DELETE FROM sessions WHERE user_id = ?", [actor.user_id])


def operator_set_password(db: Database, email: str, password: str) -> Actor:
    """For the command line only (whoever runs it already owns the database file): set a forgotten
    password, e.g. the generated admin's, and end that account's sessions."""
    row = one(db, "SELECT * FROM users WHERE email = ? COLLATE NOCASE", [normalize_email(email)])
    if row is None:
        raise NotFound(f"There is no account with the email {email}.")
    if problem := password_problem(password):
        raise ValidationError({"password": problem})
    with transaction(db):
        update_row(db, "users", row["id"], {"password_hash": hash_password(password), "updated_at": utcnow()})
        db.execute("DELETE FROM sessions WHERE user_id = ?", [row["id"]])
    return _actor(row)


# --- profiles --------------------------------------------------------------------------------------
def _public_profile(db: Database, row: dict) -> dict:
    profile = {k: v for k, v in row.items() if k != "password_hash"}
    profile["skills"] = json.loads(row.get("skills") or "[]")
    profile["google_only"] = row["password_hash"].startswith(_EXTERNAL_ONLY)
    pending = one(db, "SELECT email FROM email_confirmations WHERE user_id = ? AND expires_at > ? "
                      "ORDER BY created_at DESC LIMIT 1", [row["id"], utcnow()])
    profile["pending_email"] = pending["email"] if pending else None  # waiting for its link to be opened
    return profile


def get_profile(db: Database, actor: Actor, user_id: int | None = None) -> dict:
    """Own profile; the admin may read anyone's. Other ids read as not found."""
    require_role(actor, "candidate", "recruiter", "admin")
    user_id = actor.user_id if user_id is None else user_id
    if user_id != actor.user_id and not actor.is_admin:
        raise NotFound("Not found.")
    row = one(db, "SELECT * FROM users WHERE id = ?", [user_id])
    if row is None:
        raise NotFound("Not found.")
    return _public_profile(db, row)


def update_profile(db: Database, actor: Actor, changes: dict) -> dict:
    """Change the actor's own profile fields (unknown fields are refused); returns the new profile.

    A new email is not taken at once: a link goes to that address (``engine.email_confirmation``) and the
    address changes when it is opened, so no one can point an account at an address they do not read."""
    require_role(actor, "candidate", "recruiter", "admin")
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    clean: dict = {}
    errors: dict[str, str] = {}
    clean_email = None
    for field, value in changes.items():
        if field == "skills":
            _skills_error(value, errors)
            clean["skills"] = [] if "skills" in errors else normalize_skills(value)
        elif field == "email":
            new_email = normalize_email(value)
            current = one(db, "SELECT email FROM users WHERE id = ?", [actor.user_id])
            if current and new_email != normalize_email(current["email"]):
                check_email_free(db, new_email, errors, except_user=actor.user_id)
                clean_email = new_email
        else:
            clean[field] = (value or "").strip() or None
    if "name" in clean and not clean["name"]:
        errors["name"] = "Name is required."
    if actor.is_candidate and "location" in clean and not clean["location"]:
        errors["location"] = "Location is required."
    errors.update(limits.problems({k: v for k, v in clean.items() if k not in errors}))
    _check_choices(clean, errors)
    if errors:
        raise ValidationError(errors)
    with transaction(db):
        update_row(db, "users", actor.user_id, {**clean, "updated_at": utcnow()})
        if clean_email:
            from engine import email_confirmation  # it builds on this module

            email_confirmation.request_email_confirmation(db, actor, clean_email)
    return get_profile(db, actor)


def suggested_skills(db: Database, limit: int = 400) -> list[str]:
    """The skills jobs ask for most often, for the profile's skill picker. Counted here rather than with
    SQLite's json_each, so it reads the same on PostgreSQL; one spelling per skill (its most common)."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for (raw,) in db.execute("SELECT required_skills FROM jobs").fetchall():
        try:
            skills = json.loads(raw or "[]")
        except ValueError:
            continue   # a malformed list is skipped, as json_valid() did
        if not isinstance(skills, list):
            continue
        for skill in skills:
            if isinstance(skill, str) and skill.strip():
                counts[skill.lower()] += 1
                spellings.setdefault(skill.lower(), Counter())[skill] += 1
    top = sorted(counts, key=lambda k: (-counts[k], k))[:limit]
    return sorted((spellings[k].most_common(1)[0][0] for k in top), key=str.lower)


def home_summary(db: Database, actor: Actor | None) -> dict:
    """The few counts the landing page shows, for whoever is looking."""
    from engine.jobs import visible_to_candidates_sql

    def count(sql: str, *params) -> int:
        return db.execute(sql, list(params)).fetchone()[0]

    summary = {"open_jobs": count(f"SELECT count(*) FROM jobs j WHERE {visible_to_candidates_sql()}")}
    if actor is None:
        return summary
    if actor.is_candidate:
        summary["saved_jobs"] = db.execute("SELECT count(*) FROM saved_jobs WHERE user_id = ?", [actor.user_id]).fetchone()[0]
        profile = get_profile(db, actor)
        summary["missing_profile_fields"] = [
            label for field, label in (("skills", "skills"), ("preferred_category", "preferred category"),
                                       ("education", "education"), ("experience", "experience"))
            if not profile.get(field)]
        summary["applications"] = count("SELECT count(*) FROM applications WHERE candidate_id = ?", actor.user_id)
        summary["unread_messages"] = count("SELECT count(*) FROM messages WHERE user_id = ? AND read_at IS NULL",
                                           actor.user_id)
    elif actor.is_recruiter and actor.company_id is not None:
        row = one(db, "SELECT access_status FROM companies WHERE id = ?", [actor.company_id])
        summary["access_status"] = row["access_status"] if row else "none"
        if summary["access_status"] != "granted":
            return summary   # company figures only while the company has access (authz.require_staff_access)
        summary["company_jobs"] = count("SELECT count(*) FROM jobs WHERE company_id = ?", actor.company_id)
        summary["new_applicants"] = count("SELECT count(*) FROM applications a JOIN jobs j ON j.id = a.job_id "
                                          "WHERE j.company_id = ? AND a.status = 'applied'", actor.company_id)
    elif actor.is_admin:
        summary["pending_requests"] = count("SELECT count(*) FROM access_requests WHERE status = 'pending'")
        summary["held_jobs"] = count("SELECT count(*) FROM jobs WHERE status = 'pending_review'")
        summary["applications"] = count("SELECT count(*) FROM applications")
    return summary


# --- bootstrap -------------------------------------------------------------------------------------
def demo_accounts_enabled() -> bool:
    """Demo accounts (published passwords) only on request: JOBEXPRESSWAY_DEMO_ACCOUNTS=1."""
    return os.environ.get("JOBEXPRESSWAY_DEMO_ACCOUNTS", "0") == "1"


def public_deployment() -> bool:
    """Served to the world: a Hugging Face Space (it sets SPACE_ID) or a PUBLIC_BASE_URL that is not this machine."""
    from engine import config

    host = urlparse(config.public_base_url()).hostname or ""
    return bool(os.environ.get("SPACE_ID")) or host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0")


def _guard_demo_accounts(db: Database) -> list[str]:
    """Demo accounts left from an earlier `engine demo` (every @demo.jobexpressway.local address): a warning,
    and on a public deployment their passwords are dropped and their sessions ended."""
    rows = list(db.query("SELECT id, password_hash FROM users WHERE email LIKE ?", ["%@" + DEMO_EMAIL_DOMAIN]))
    open_rows = [r for r in rows if not r["password_hash"].startswith(_EXTERNAL_ONLY)]
    if not open_rows:
        return []
    if not public_deployment():
        return [f"Warning: this database has {len(open_rows)} demo accounts with published passwords. Never "
                "serve it publicly; start from a fresh data directory instead."]
    with transaction(db):
        for r in open_rows:
            db.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                       [_EXTERNAL_ONLY + secrets.token_hex(16), utcnow(), r["id"]])
            db.execute("DELETE FROM sessions WHERE user_id = ?", [r["id"]])
    return [f"This is a public deployment: the {len(open_rows)} demo accounts with published passwords were "
            "locked (their passwords no longer work)."]


def ensure_bootstrap_accounts(db: Database, *, demo: bool | None = None) -> list[str]:
    """Make sure an admin exists (ADMIN_EMAIL/ADMIN_PASSWORD, else a generated password shown once in the
    returned messages and stored nowhere in clear) and, only with ``demo=True`` (``engine demo``) or
    JOBEXPRESSWAY_DEMO_ACCOUNTS=1 off a public deployment, the demo candidate, recruiter (with a fully
    granted company) and admin, whose passwords are published. Safe to call on every start; without demo,
    demo accounts left from an earlier ``engine demo`` get a warning, or are locked on a public deployment."""
    from engine import companies

    messages: list[str] = []
    exists = lambda email: one(db, "SELECT id FROM users WHERE email = ? COLLATE NOCASE", [email]) is not None  # noqa: E731
    env_email, env_password = normalize_email(os.environ.get("ADMIN_EMAIL")), os.environ.get("ADMIN_PASSWORD")
    if env_email and env_password:
        if not exists(env_email):
            create_user(db, email=env_email, password=env_password, role="admin", name="Administrator")
            messages.append(f"Admin account created from ADMIN_EMAIL: {env_email}")
    elif not exists(GENERATED_ADMIN_EMAIL):
        password = secrets.token_urlsafe(12) + "7a"  # letters and digits guaranteed
        create_user(db, email=GENERATED_ADMIN_EMAIL, password=password, role="admin", name="Administrator")
        messages.append(f"Admin account created: {GENERATED_ADMIN_EMAIL} / {password}  "
                        "(shown only this once: note it now, or set ADMIN_EMAIL and ADMIN_PASSWORD)")
    if demo is None:  # from the environment: never on a public deployment, whatever it says
        demo = demo_accounts_enabled() and not public_deployment()
    if not demo:
        messages.extend(_guard_demo_accounts(db))
        return messages
    if not exists(DEMO_CANDIDATE[0]):
        sign_up_candidate(
            db, name="Dana Demo", email=DEMO_CANDIDATE[0], password=DEMO_CANDIDATE[1], location="Berlin, Germany",
            preferred_category="Data Engineering", education="Master's Degree",
            skills=["Python", "SQL", "Apache Spark", "Airflow", "Kafka", "AWS", "dbt", "Docker", "Data Modeling"],
            experience="4 years as a data engineer: batch and streaming pipelines, a cloud data warehouse, data quality checks.")
        messages.append(f"Demo candidate: {DEMO_CANDIDATE[0]} / {DEMO_CANDIDATE[1]}")
    if not exists(DEMO_ADMIN[0]):
        create_user(db, email=DEMO_ADMIN[0], password=DEMO_ADMIN[1], role="admin", name="Demo Admin")
        messages.append(f"Demo admin: {DEMO_ADMIN[0]} / {DEMO_ADMIN[1]}")
    if not exists(DEMO_RECRUITER[0]):
        recruiter = sign_up_company(db, email=DEMO_RECRUITER[0], password=DEMO_RECRUITER[1], company_name=DEMO_COMPANY,
                                    industry="Data & Analytics", location="London, United Kingdom",
                                    website="https://demo-analytics.example.com", contact_name="Riley Recruiter")
        admin_row = one(db, "SELECT * FROM users WHERE email = ? COLLATE NOCASE", [DEMO_ADMIN[0]])
        companies.grant_access(db, _actor(admin_row), recruiter.company_id, list(companies.PERMISSIONS), notify=False)
        messages.append(f"Demo recruiter: {DEMO_RECRUITER[0]} / {DEMO_RECRUITER[1]} ({DEMO_COMPANY}, all permissions)")
    return messages


_COMPANY_API = {"request_access", "list_access_requests", "grant_access", "deny_access", "revoke_access",
                "add_recruiter", "company_permissions", "get_company", "update_company", "list_companies"}


def __getattr__(name: str):
    # The company-access API lives in engine.companies; reachable here too without a circular import.
    if name in _COMPANY_API:
        from engine import companies

        return getattr(companies, name)
    raise AttributeError(f"module 'engine.accounts' has no attribute {name!r}")
