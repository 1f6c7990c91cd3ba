"""Companies and their access to the platform.

A company signs up with access_status 'none'; its recruiter sends an access request (status 'pending',
the admins get an email in the outbox and an inbox message); an admin grants a set of permissions, denies,
or later revokes. Every decision is written with who made it and when, and the company's recruiters are
told through the outbox and their inbox in the same transaction.
"""
from __future__ import annotations

from engine import accounts, limits
from engine.authz import PERMISSION_LABELS, PERMISSIONS, AccessDenied, Actor, NotFound, require_company_scope, require_role
from engine.authz import company_permissions as _granted_permissions
from engine.notify import post_message, queue_email
from engine.store import Database, insert_row, one, transaction, update_row, utcnow

ACCESS_STATUS_LABELS = {
    "none": "No access yet: send an access request",
    "pending": "Access request pending",
    "granted": "Access granted",
    "denied": "Access request denied",
    "revoked": "Access revoked",
}
COMPANY_FIELDS = ("name", "industry", "location", "website")


def _company(db: Database, company_id: int) -> dict:
    row = one(db, "SELECT * FROM companies WHERE id = ?", [company_id])
    if row is None:
        raise NotFound("There is no such company.")
    return row


def _require_own_company(actor: Actor, company_id: int) -> None:
    if actor.is_admin:
        return
    if not actor.is_recruiter or actor.company_id != company_id:
        raise NotFound("There is no such company.")


def _admins(db: Database) -> list[dict]:
    return list(db.query("SELECT id, email, name FROM users WHERE role = 'admin' ORDER BY id"))


def _recruiters(db: Database, company_id: int) -> list[dict]:
    return list(db.query("SELECT id, email, name FROM users WHERE role = 'recruiter' AND company_id = ? ORDER BY id",
                         [company_id]))


def _tell_recruiters(db: Database, company_id: int, kind: str, subject: str, body: str) -> None:
    for user in _recruiters(db, company_id):
        queue_email(db, user["email"], subject, body, kind, user_id=user["id"])
        post_message(db, user["id"], "access", subject, body, link="profile")


def get_company(db: Database, actor: Actor, company_id: int | None = None) -> dict:
    """A company with its granted permissions; a recruiter sees only their own."""
    require_role(actor, "recruiter", "admin")
    company_id = actor.company_id if company_id is None else company_id
    if company_id is None:
        raise NotFound("There is no such company.")
    _require_own_company(actor, company_id)
    company = _company(db, company_id)
    company["permissions"] = sorted(_granted_permissions(db, company_id))
    company["recruiters"] = _recruiters(db, company_id)
    return company


def company_permissions(db: Database, actor: Actor, company_id: int | None = None) -> dict:
    """What a company may do: status, granted permissions (with labels) and its request history."""
    company = get_company(db, actor, company_id)
    requests = list(db.query("SELECT * FROM access_requests WHERE company_id = ? ORDER BY id DESC", [company["id"]]))
    return {
        "company_id": company["id"],
        "company": company["name"],
        "access_status": company["access_status"],
        "status_label": ACCESS_STATUS_LABELS.get(company["access_status"], company["access_status"]),
        "permissions": company["permissions"],
        "permission_labels": [PERMISSION_LABELS[p] for p in company["permissions"]],
        "requests": requests,
    }


def update_company(db: Database, actor: Actor, changes: dict, company_id: int | None = None) -> dict:
    require_role(actor, "recruiter", "admin")
    company = get_company(db, actor, company_id)
    unknown = set(changes) - set(COMPANY_FIELDS)
    if unknown:
        raise ValueError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    clean = {k: (v or "").strip() for k, v in changes.items()}
    errors = {f: f"{f.title()} is required." for f in ("name", "industry", "location") if f in clean and not clean[f]}
    errors.update(limits.problems({k: v for k, v in clean.items() if k not in errors}, name="company_name"))
    if "website" in clean and "website" not in errors:
        try:
            clean["website"] = accounts.normalize_website(clean["website"]) or None
        except ValueError as exc:
            errors["website"] = str(exc)
    if errors:
        raise accounts.ValidationError(errors)
    with transaction(db):
        update_row(db, "companies", company["id"], clean)
    return get_company(db, actor, company["id"])


def list_companies(db: Database, admin: Actor) -> list[dict]:
    require_role(admin, "admin")
    companies = list(db.query(   # lower(): name is plain text on PostgreSQL, where NOCASE is dropped
        "SELECT c.*, (SELECT count(*) FROM users u WHERE u.company_id = c.id) AS recruiter_count "
        "FROM companies c ORDER BY lower(c.name), c.id"))
    for company in companies:
        company["permissions"] = sorted(_granted_permissions(db, company["id"]))
    return companies


def request_access(db: Database, actor: Actor, message: str = "") -> int:
    """A recruiter asks for access for their company; admins are told by email (outbox) and inbox."""
    require_role(actor, "recruiter")
    if actor.company_id is None:
        raise AccessDenied("Your account does not belong to a company.")
    company = _company(db, actor.company_id)
    if one(db, "SELECT id FROM access_requests WHERE company_id = ? AND status = 'pending'", [company["id"]]):
        raise ValueError("Your company already has a pending access request. The admin will answer it soon.")
    message = (message or "").strip()
    if problem := limits.text_problem(message, limits.FIELDS["access_message"]):
        raise accounts.ValidationError({"message": problem})
    with transaction(db):
        request_id = insert_row(db, "access_requests", {
            "company_id": company["id"], "message": message, "status": "pending", "created_at": utcnow()})
        if company["access_status"] != "granted":  # a granted company asking for more keeps what it has
            update_row(db, "companies", company["id"], {"access_status": "pending"})
        subject = f"Access request from {company['name']}"
        body = (f"{actor.name} ({actor.email}) asks for access for {company['name']} "
                f"({company['industry'] or 'industry not given'}, {company['location'] or 'location not given'}).\n\n"
                f"Message: {message or '(none)'}\n\nReview it on the Companies & access page.")
        for admin in _admins(db):
            queue_email(db, admin["email"], subject, body, "access_request", user_id=admin["id"])
            post_message(db, admin["id"], "access", subject, body, link="admin-companies")
    return request_id


def list_access_requests(db: Database, admin: Actor, status: str | None = "pending") -> list[dict]:
    require_role(admin, "admin")
    sql = ("SELECT r.*, c.name AS company, c.industry, c.location, c.website, c.email AS company_email, "
           "c.access_status FROM access_requests r JOIN companies c ON c.id = r.company_id")
    params: list = []
    if status:
        sql += " WHERE r.status = ?"
        params.append(status)
    return list(db.query(sql + " ORDER BY r.created_at, r.id", params))


def _decide_pending(db: Database, admin: Actor, company_id: int, status: str) -> None:
    db.execute("UPDATE access_requests SET status = ?, decided_at = ?, decided_by = ? "
               "WHERE company_id = ? AND status = 'pending'", [status, utcnow(), admin.user_id, company_id])


def grant_access(db: Database, admin: Actor, company_id: int, permissions, *, notify: bool = True) -> list[str]:
    """Give a company exactly these permissions (replacing any earlier set) and answer its pending request."""
    require_role(admin, "admin")
    permissions = sorted(set(permissions or []))
    unknown = [p for p in permissions if p not in PERMISSIONS]
    if unknown:
        raise ValueError(f"Unknown permission: {', '.join(unknown)}.")
    if not permissions:
        raise ValueError("Choose at least one permission to grant (or deny the request).")
    company = _company(db, company_id)
    with transaction(db):
        db.execute("DELETE FROM company_permissions WHERE company_id = ?", [company_id])
        for permission in permissions:
            insert_row(db, "company_permissions", {"company_id": company_id, "permission": permission,
                                                   "granted_by": admin.user_id, "granted_at": utcnow()})
        update_row(db, "companies", company_id, {"access_status": "granted"})
        _decide_pending(db, admin, company_id, "granted")
        if notify:
            labels = "\n".join(f"- {PERMISSION_LABELS[p]}" for p in permissions)
            _tell_recruiters(db, company_id, "access_granted", f"Access granted to {company['name']}",
                             f"Your company can now use JobExpressway with these permissions:\n{labels}")
    return permissions


def deny_access(db: Database, admin: Actor, company_id: int, reason: str = "") -> None:
    """Refuse the pending request. A company that already has access keeps it (use revoke for that)."""
    require_role(admin, "admin")
    company = _company(db, company_id)
    if not one(db, "SELECT id FROM access_requests WHERE company_id = ? AND status = 'pending'", [company_id]):
        raise ValueError(f"{company['name']} has no pending access request.")
    with transaction(db):
        _decide_pending(db, admin, company_id, "denied")
        if company["access_status"] != "granted":
            update_row(db, "companies", company_id, {"access_status": "denied"})
        _tell_recruiters(db, company_id, "access_denied", f"Access request denied for {company['name']}",
                         "The admin has denied your access request." + (f"\n\nReason: {reason.strip()}" if reason.strip() else "")
                         + "\n\nYou can send a new request from your profile page.")


def revoke_access(db: Database, admin: Actor, company_id: int, reason: str = "") -> None:
    """Remove every permission from a company."""
    require_role(admin, "admin")
    company = _company(db, company_id)
    with transaction(db):
        db.execute("DELETE FROM company_permissions WHERE company_id = ?", [company_id])
        update_row(db, "companies", company_id, {"access_status": "revoked"})
        _decide_pending(db, admin, company_id, "denied")
        _tell_recruiters(db, company_id, "access_revoked", f"Access revoked for {company['name']}",
                         "The admin has revoked your company's access." + (f"\n\nReason: {reason.strip()}" if reason.strip() else ""))


def add_recruiter(db: Database, actor: Actor, company_id: int, name: str, email: str, password: str) -> int:
    """A new recruiter account for a company: by the admin, or by a recruiter of that same company while
    the company has access (a revoked company cannot grow its staff)."""
    require_role(actor, "recruiter", "admin")
    try:
        require_company_scope(db, actor, company_id)
    except NotFound:
        raise NotFound("There is no such company.") from None
    _company(db, company_id)
    return accounts.create_user(db, email=email, password=password, role="recruiter", name=name, company_id=company_id)
