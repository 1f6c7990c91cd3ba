"""Who is asking, and what they may do. Every engine entry point that returns or changes someone's data
takes an ``Actor`` and checks it here, so the rules hold outside the pages too."""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

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


def company_permissions(db: sqlite_utils.Database, company_id: int | None) -> set[str]:
    if company_id is None:
        return set()
    rows = db.query(
        "SELECT p.permission FROM company_permissions p JOIN companies c ON c.id = p.company_id "
        "WHERE p.company_id = ? AND c.access_status = 'granted'",
        [company_id],
    )
    return {r["permission"] for r in rows}


def has_permission(db: sqlite_utils.Database, actor: Actor, permission: str) -> bool:
    if actor.is_admin:
        return True
    return actor.is_recruiter and permission in company_permissions(db, actor.company_id)


def require_permission(db: sqlite_utils.Database, actor: Actor, permission: str) -> None:
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    if not has_permission(db, actor, permission):
        label = PERMISSION_LABELS[permission].lower()
        raise AccessDenied(f"Your company has not been granted permission to {label}. Ask the site admin for access.")


def require_role(actor: Actor | None, *roles: str) -> Actor:
    if actor is None:
        raise AccessDenied("Please sign in first.")
    if actor.role not in roles:
        raise AccessDenied(f"This is for {' or '.join(roles)} accounts only.")
    return actor


def require_company_scope(actor: Actor, company_id: int | None) -> None:
    """A recruiter acts only on their own company's records; the admin on all."""
    if actor.is_admin:
        return
    if not actor.is_recruiter or actor.company_id is None or actor.company_id != company_id:
        raise NotFound("Not found.")
