"""Resumes in the database: several per user, every save kept as a version (edit history, restore).

Only the owner reaches a resume; anybody else's id answers NotFound so ids cannot be probed. Operator code
(the CLI) uses ``load_any`` which takes no actor.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.authz import Actor, NotFound, require_role, require_signed_in
from engine.resume.model import Resume, ResumeInvalid, errors, from_profile, validate
from engine.resume.templates import DEFAULT_TEMPLATE, check_template
from engine.store import Database, insert_row, one, transaction, update_row, utcnow

MAX_TITLE = 80


@dataclass
class StoredResume:
    id: int
    user_id: int
    title: str
    template: str
    resume: Resume
    created_at: str
    updated_at: str
    version_id: int | None = None   # the latest version (the one a new share or application pins)


@dataclass
class Version:
    id: int
    resume_id: int
    template: str
    resume: Resume
    created_at: str


def _stored(row: dict, version_id: int | None) -> StoredResume:
    return StoredResume(row["id"], row["user_id"], row["title"], row["template"], Resume.from_json(row["data"]),
                        row["created_at"], row["updated_at"], version_id)


def _latest_version_id(db: Database, resume_id: int) -> int | None:
    row = one(db, "SELECT max(id) AS v FROM resume_versions WHERE resume_id = ?", [resume_id])
    return row["v"] if row else None


def _clean_title(title: str) -> str:
    title = (title or "").strip()[:MAX_TITLE]
    return title or "My resume"


def create_resume(db: Database, actor: Actor, title: str = "", template: str = DEFAULT_TEMPLATE,
                  resume: Resume | None = None) -> StoredResume:
    """A new resume for the signed-in candidate, prefilled from their profile unless a document is given."""
    require_role(actor, "candidate", "admin")
    template = check_template(template)
    if resume is None:
        resume = from_profile(one(db, "SELECT * FROM users WHERE id = ?", [actor.user_id]))
    resume, _ = validate(resume)   # a first draft may still miss things; errors block later saves, not creation
    now = utcnow()
    with transaction(db):
        rid = insert_row(db, "resumes", {"user_id": actor.user_id, "title": _clean_title(title), "template": template,
                                         "data": resume.to_json(), "created_at": now, "updated_at": now})
        insert_row(db, "resume_versions", {"resume_id": rid, "template": template, "data": resume.to_json(),
                                           "created_at": now})
    return get_resume(db, actor, rid)


def list_resumes(db: Database, actor: Actor) -> list[StoredResume]:
    require_signed_in(actor)
    rows = db.query("SELECT * FROM resumes WHERE user_id = ? ORDER BY updated_at DESC, id DESC", [actor.user_id])
    return [_stored(r, _latest_version_id(db, r["id"])) for r in rows]


def _owned_row(db: Database, actor: Actor, resume_id: int) -> dict:
    require_signed_in(actor)
    row = one(db, "SELECT * FROM resumes WHERE id = ?", [resume_id])
    if row is None or (row["user_id"] != actor.user_id and not actor.is_admin):
        raise NotFound(f"There is no resume with id {resume_id}.")
    return row


def get_resume(db: Database, actor: Actor, resume_id: int) -> StoredResume:
    row = _owned_row(db, actor, resume_id)
    return _stored(row, _latest_version_id(db, resume_id))


def load_any(db: Database, resume_id: int) -> StoredResume:
    """Operator access (CLI): any resume by id, no actor."""
    row = one(db, "SELECT * FROM resumes WHERE id = ?", [resume_id])
    if row is None:
        raise NotFound(f"There is no resume with id {resume_id}.")
    return _stored(row, _latest_version_id(db, resume_id))


def save_resume(db: Database, actor: Actor, resume_id: int, resume: Resume, *,
                template: str | None = None, title: str | None = None) -> tuple[StoredResume, list]:
    """Validate and store; every save adds a version. Raises ResumeInvalid (with every problem listed)
    when something must be fixed first; returns the notices of what was adjusted (e.g. text shortened)."""
    row = _owned_row(db, actor, resume_id)
    template = check_template(template or row["template"])
    cleaned, notices = validate(resume)
    if errors(notices):
        raise ResumeInvalid(notices)
    now = utcnow()
    data = cleaned.to_json()
    with transaction(db):
        update_row(db, "resumes", resume_id, {"data": data, "template": template, "updated_at": now,
                                              "title": _clean_title(title) if title is not None else row["title"]})
        insert_row(db, "resume_versions", {"resume_id": resume_id, "template": template, "data": data, "created_at": now})
    return get_resume(db, actor, resume_id), notices


def set_template(db: Database, actor: Actor, resume_id: int, template: str) -> StoredResume:
    """Switch design; the content is untouched (the template is only a field)."""
    _owned_row(db, actor, resume_id)
    template = check_template(template)
    with transaction(db):
        update_row(db, "resumes", resume_id, {"template": template, "updated_at": utcnow()})
    return get_resume(db, actor, resume_id)


def rename_resume(db: Database, actor: Actor, resume_id: int, title: str) -> StoredResume:
    _owned_row(db, actor, resume_id)
    with transaction(db):
        update_row(db, "resumes", resume_id, {"title": _clean_title(title), "updated_at": utcnow()})
    return get_resume(db, actor, resume_id)


def delete_resume(db: Database, actor: Actor, resume_id: int) -> None:
    """Delete a resume and its versions and share links. Refused while an application points at it."""
    _owned_row(db, actor, resume_id)
    used = one(db, "SELECT count(*) AS n FROM applications WHERE resume_id = ?", [resume_id])
    if used and used["n"]:
        raise ValueError("This resume is attached to a job application, so it is kept. Make a copy to change it.")
    with transaction(db):
        db.execute("DELETE FROM resumes WHERE id = ?", [resume_id])


def duplicate_resume(db: Database, actor: Actor, resume_id: int, title: str = "") -> StoredResume:
    src = get_resume(db, actor, resume_id)
    return create_resume(db, actor, title or f"{src.title} (copy)", src.template, src.resume)


def list_versions(db: Database, actor: Actor, resume_id: int) -> list[Version]:
    _owned_row(db, actor, resume_id)
    rows = db.query("SELECT * FROM resume_versions WHERE resume_id = ? ORDER BY id DESC", [resume_id])
    return [Version(r["id"], r["resume_id"], r["template"], Resume.from_json(r["data"]), r["created_at"]) for r in rows]


def get_version(db: Database, actor: Actor, resume_id: int, version_id: int) -> Version:
    _owned_row(db, actor, resume_id)
    r = one(db, "SELECT * FROM resume_versions WHERE id = ? AND resume_id = ?", [version_id, resume_id])
    if r is None:
        raise NotFound(f"There is no version {version_id} of this resume.")
    return Version(r["id"], r["resume_id"], r["template"], Resume.from_json(r["data"]), r["created_at"])


def restore_version(db: Database, actor: Actor, resume_id: int, version_id: int) -> StoredResume:
    """Bring an old version back as the newest one (history is never rewritten)."""
    v = get_version(db, actor, resume_id, version_id)
    now = utcnow()
    data = v.resume.to_json()
    with transaction(db):
        update_row(db, "resumes", resume_id, {"data": data, "template": v.template, "updated_at": now})
        insert_row(db, "resume_versions", {"resume_id": resume_id, "template": v.template, "data": data, "created_at": now})
    return get_resume(db, actor, resume_id)


def profile_draft(db: Database, actor: Actor) -> Resume:
    """What a new resume would start with: the signed-in user's profile."""
    require_signed_in(actor)
    return from_profile(one(db, "SELECT * FROM users WHERE id = ?", [actor.user_id]))


def load_version(db: Database, version_id: int) -> Version:
    """One stored version by id, WITHOUT an access check: for code that has already checked the caller's
    right to see it (an application's resume shown to its recruiter, the CLI)."""
    r = one(db, "SELECT * FROM resume_versions WHERE id = ?", [version_id])
    if r is None:
        raise NotFound(f"There is no resume version {version_id}.")
    return Version(r["id"], r["resume_id"], r["template"], Resume.from_json(r["data"]), r["created_at"])
