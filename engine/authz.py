"""Who is asking, and what they may do. Every engine entry point that returns or changes someone's data
takes an ``Actor`` and checks it here, so the rules hold outside the pages too."""
from __future__ import annotations

from dataclasses import dataclass

from engine.store import Database, one

PERMISSIONS = ("post_jobs", "view_applicants", "change_status", "schedule_interviews")
PERMISSION_LABELS = {
    "post_jobs": "Post jobs",
    "view_applicants": "View applicants",
    "change_status": "Change application status",
    "schedule_interviews": "Schedule interviews",
}


class AccessDenied(PermissionError):
    """Raised when an actor asks for something that is not theirs; the message is safe to show."""


class NotFound(LookupError):
    """Raised for unknown ids. Also used for other people's records, so ids cannot be probed."""


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: str  # candidate | recruiter | admin
    company_id: int | None = None
    name: str = ""
    email: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_candidate(self) -> bool:
        return self.role == "candidate"

    @property
    def is_recruiter(self) -> bool:
        return self.role == "recruiter"


def require_signed_in(actor: Actor | None) -> Actor:
    """Every entry point starts here (directly or through another require_*): nobody acts anonymously."""
    if actor is None:
        raise AccessDenied("Please sign in first.")
    return actor


def company_has_access(db: Database, company_id: int | None) -> bool:
    """Whether the admin's grant to this company stands (not yet granted, denied and revoked all read False)."""
    if company_id is None:
        return False
    row = db.execute("SELECT access_status FROM companies WHERE id = ?", [company_id]).fetchone()
    return row is not None and row[0] == "granted"


def has_staff_access(db: Database, actor: Actor | None) -> bool:
    """The one rule for a company's staff: a recruiter acts for their company only while its access is
    granted. Recruiters of revoked, denied, pending or never-granted companies keep their own account, their
    inbox and the access-request workflow, and nothing of the company's hiring data or rooms. Admins always
    pass; candidates are not staff (their own rules: their own records)."""
    return actor is not None and (not actor.is_recruiter or company_has_access(db, actor.company_id))


def require_staff_access(db: Database, actor: Actor | None) -> Actor:
    require_signed_in(actor)
    if not has_staff_access(db, actor):
        raise AccessDenied("Your company does not have access to JobExpressway (not granted yet, or revoked). "
                           "Open your profile to see its status and ask the site admin for access.")
    return actor


def is_company_staff(db: Database, actor: Actor | None, company_id: int | None) -> bool:
    """The admin, or a recruiter of this company while the company has access (has_staff_access)."""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    return (actor.is_recruiter and actor.company_id is not None and actor.company_id == company_id
            and has_staff_access(db, actor))


def company_permissions(db: Database, company_id: int | None) -> set[str]:
    if company_id is None:
        return set()
    rows = db.query(
        "SELECT p.permission FROM company_permissions p JOIN companies c ON c.id = p.company_id "
        "WHERE p.company_id = ? AND c.access_status = 'granted'",
        [company_id],
    )
    return {r["permission"] for r in rows}


def has_permission(db: Database, actor: Actor | None, permission: str) -> bool:
    if actor is None:
        return False
    if actor.is_admin:
        return True
    return actor.is_recruiter and permission in company_permissions(db, actor.company_id)


def require_permission(db: Database, actor: Actor | None, permission: str) -> None:
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    require_staff_access(db, actor)
    if not has_permission(db, actor, permission):
        label = PERMISSION_LABELS[permission].lower()
        raise AccessDenied(f"Your company has not been granted permission to {label}. Ask the site admin for access.")


def require_role(actor: Actor | None, *roles: str) -> Actor:
    require_signed_in(actor)
    if actor.role not in roles:
        raise AccessDenied(f"This is for {' or '.join(roles)} accounts only.")
    return actor


def require_company_scope(db: Database, actor: Actor | None, company_id: int | None) -> None:
    """A recruiter acts only on their own company's records, and only while the company has access
    (AccessDenied, which names no record); another company's records read as NotFound. The admin: all."""
    require_staff_access(db, actor)
    if not is_company_staff(db, actor, company_id):
        raise NotFound("Not found.")


def company_job(db: Database, actor: Actor, job_id) -> dict:
    """The job row when it belongs to the actor's company (any job for the admin); another company's job, or
    an id that is no job, reads as not found, so ids cannot be probed."""
    try:
        job = one(db, "SELECT * FROM jobs WHERE id = ?", [int(job_id)])
    except (TypeError, ValueError):
        job = None
    if job is None:
        raise NotFound(f"There is no job with id {job_id}.")
    try:
        require_company_scope(db, actor, job["company_id"])
    except NotFound:
        raise NotFound(f"There is no job with id {job_id}.") from None
    return job
