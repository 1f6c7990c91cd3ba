"""A candidate's data rights (GDPR Art. 15, 17, 20; Art. 5(1)(e) storage limitation):

- ``export_my_data``: one zip holding a JSON of every row about them and their files (uploaded resumes,
  letters);
- ``delete_my_account``: their personal data and files removed or anonymised everywhere; applications and
  the decision log stay in anonymised form (ids only), and recruiters see "Deleted candidate";
- ``anonymise_closed_applications``: the scheduled command's work (`python -m engine data anonymise-closed`):
  closed applications older than ``anonymise_after_days()`` lose their resume, cover letter and notes.
"""
from __future__ import annotations

import io
import json
import os
import zipfile

import sqlite_utils

from engine.authz import AccessDenied, Actor, require_role
from engine.store import one, transaction, utc_ago, utcnow
from engine.uploads import remove_quietly, resolve

DELETED_NAME = "Deleted candidate"
DEFAULT_ANONYMISE_AFTER_DAYS = 365
# Tables whose rows with the user's user_id are kept (anonymised elsewhere): the interview's attendance and
# chat belong to the other participants too.
_KEEP_USER_ROWS = {"interview_participants", "room_chat", "room_presence", "users"}
_USER_COLUMNS_HIDDEN = {"password_hash"}


def anonymise_after_days() -> int:
    """How long a closed application keeps its personal content (env JOBEXPRESSWAY_ANONYMISE_AFTER_DAYS)."""
    try:
        return max(1, int(os.environ.get("JOBEXPRESSWAY_ANONYMISE_AFTER_DAYS", DEFAULT_ANONYMISE_AFTER_DAYS)))
    except ValueError:
        return DEFAULT_ANONYMISE_AFTER_DAYS


def _tables_with_column(db, column: str) -> list[str]:
    return [t for t in db.table_names() if column in db.columns(t)]


def _rows(db, sql: str, params) -> list[dict]:
    return [dict(r) for r in db.query(sql, params)]


def my_data(db: sqlite_utils.Database, actor: Actor) -> dict:
    """Every row about the candidate, table by table (their own rows, their applications' history, the
    messages they received, the decision log's records about them)."""
    require_role(actor, "candidate")
    uid = actor.user_id
    user = one(db, "SELECT * FROM users WHERE id = ?", [uid]) or {}
    out: dict[str, list[dict]] = {"users": [{k: v for k, v in user.items() if k not in _USER_COLUMNS_HIDDEN}]}
    for table in _tables_with_column(db, "user_id"):
        if table not in ("users", "sessions"):
            out[table] = _rows(db, f"SELECT * FROM [{table}] WHERE user_id = ?", [uid])
    out["applications"] = _rows(db, "SELECT * FROM applications WHERE candidate_id = ?", [uid])
    app_ids = [a["id"] for a in out["applications"]]
    marks = ",".join("?" * len(app_ids))
    out["application_events"] = _rows(
        db, f"SELECT id, application_id, from_status, to_status, at FROM application_events "
            f"WHERE application_id IN ({marks}) ORDER BY id", app_ids) if app_ids else []
    out["resume_versions"] = _rows(db, "SELECT v.* FROM resume_versions v JOIN resumes r ON r.id = v.resume_id "
                                       "WHERE r.user_id = ?", [uid])
    out["decision_records"] = _rows(db, "SELECT * FROM decision_records WHERE candidate_id = ? ORDER BY id", [uid])
    return out


def _my_files(db, actor: Actor) -> list[str]:
    """Relative paths of the files about the candidate: uploaded resumes and the letters sent to them."""
    paths = [r[0] for r in db.execute(
        "SELECT resume_pdf_path FROM applications WHERE candidate_id = ? AND resume_pdf_path IS NOT NULL "
        "UNION SELECT attachment_path FROM messages WHERE user_id = ? AND attachment_path IS NOT NULL",
        [actor.user_id, actor.user_id]).fetchall()]
    return sorted(set(paths))


def export_my_data(db: sqlite_utils.Database, actor: Actor) -> bytes:
    """One zip: data.json (``my_data``) and files/ (their uploaded resumes and letters)."""
    data = my_data(db, actor)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        for rel in _my_files(db, actor):
            path = resolve(db, rel)
            if path.is_file():
                archive.write(path, "files/" + rel.replace("\\", "/"))
        archive.writestr("README.txt", "Your JobExpressway data: data.json holds every row about you, table by "
                                       "table; files/ holds your uploaded resumes and the letters sent to you.\n")
    return buffer.getvalue()


def _strip_applications(db, where: str, params: list) -> list[str]:
    """Remove the personal content of the matching applications (resume, cover letter, team notes, event
    notes, letters); the application, its status history and the decision log stay. Returns files to delete."""
    apps = [r[0] for r in db.execute(f"SELECT id FROM applications WHERE {where}", params).fetchall()]
    if not apps:
        return []
    marks = ",".join("?" * len(apps))
    files = [r[0] for r in db.execute(
        f"SELECT resume_pdf_path FROM applications WHERE id IN ({marks}) AND resume_pdf_path IS NOT NULL "
        f"UNION SELECT attachment_path FROM messages WHERE application_id IN ({marks}) AND attachment_path IS NOT NULL",
        apps + apps).fetchall()]
    files += [r[0] for r in db.execute(
        f"SELECT r.path FROM recordings r JOIN interviews i ON i.id = r.interview_id WHERE i.application_id IN ({marks})",
        apps).fetchall()]
    db.execute(f"UPDATE recordings SET status = 'deleted' WHERE interview_id IN "
               f"(SELECT id FROM interviews WHERE application_id IN ({marks}))", apps)
    db.execute(f"UPDATE interviews SET notes = NULL, candidate_response = NULL WHERE application_id IN ({marks})", apps)
    db.execute(f"UPDATE messages SET attachment_path = NULL WHERE application_id IN ({marks})", apps)
    db.execute(f"UPDATE outbox SET attachment_path = NULL WHERE attachment_path IN "
               f"({','.join('?' * len(files)) or 'NULL'})", files)
    db.execute(f"DELETE FROM application_notes WHERE application_id IN ({marks})", apps)
    db.execute(f"UPDATE application_events SET note = NULL WHERE application_id IN ({marks})", apps)
    db.execute(f"UPDATE applications SET resume_pdf_path = NULL, cover_letter = NULL, resume_id = NULL, "
               f"resume_version_id = NULL, anonymised_at = COALESCE(anonymised_at, ?) WHERE id IN ({marks})",
               [utcnow()] + apps)
    return files


def delete_my_account(db: sqlite_utils.Database, actor: Actor, confirm_email: str) -> dict:
    """Erase the candidate: every table's rows of theirs deleted (profile, resumes, saved jobs, messages,
    mail, sessions, coach reports ...), their applications stripped (``_strip_applications``), their chat
    lines blanked, their files removed, and the account kept only as an anonymous row "Deleted candidate"
    so the applications and the decision log keep pointing somewhere. ``confirm_email`` must be theirs."""
    require_role(actor, "candidate")
    user = one(db, "SELECT id, email FROM users WHERE id = ? AND deleted_at IS NULL", [actor.user_id])
    if user is None:
        raise AccessDenied("This account is already deleted.")
    if (confirm_email or "").strip().lower() != user["email"].lower():
        raise ValueError("Type your email address to confirm the deletion.")
    uid, email = user["id"], user["email"]
    with transaction(db):
        files = _strip_applications(db, "candidate_id = ?", [uid])
        files += [r[0] for r in db.execute("SELECT attachment_path FROM messages WHERE user_id = ? AND attachment_path "
                                           "IS NOT NULL", [uid]).fetchall()]
        db.execute("UPDATE room_chat SET body = '[deleted]' WHERE user_id = ?", [uid])
        # lower() on both sides: not every email column is case-insensitive by type (citext on PostgreSQL)
        db.execute("DELETE FROM outbox WHERE user_id = ? OR lower(to_email) = lower(?)", [uid, email])
        for table in _tables_with_column(db, "email"):
            if table not in ("users", "companies", "outbox"):
                db.execute(f"DELETE FROM [{table}] WHERE lower(email) = lower(?)", [email])
        for table in _tables_with_column(db, "user_id"):
            if table not in _KEEP_USER_ROWS:
                db.execute(f"DELETE FROM [{table}] WHERE user_id = ?", [uid])
        db.execute(
            "UPDATE users SET name = ?, email = ?, password_hash = '!', location = NULL, preferred_category = NULL, "
            "skills = '[]', education = NULL, experience = NULL, headline = NULL, deleted_at = ?, updated_at = ? "
            "WHERE id = ?", [DELETED_NAME, f"deleted-{uid}@deleted.invalid", utcnow(), utcnow(), uid])
    for rel in set(files):
        remove_quietly(db, rel)
    return {"user_id": uid, "files_removed": len(set(files))}


def anonymise_closed_applications(db: sqlite_utils.Database, admin: Actor, older_than_days: int | None = None) -> int:
    """Admin (the scheduled command): strip the personal content of applications closed (rejected, offered,
    not selected, withdrawn) more than ``older_than_days`` ago (default ``anonymise_after_days()``)."""
    from engine.applications import FINAL_STATUSES

    require_role(admin, "admin")
    days = anonymise_after_days() if older_than_days is None else int(older_than_days)
    if days < 0:
        raise ValueError("The period is a number of days, 0 or more.")
    where = (f"status IN ({','.join('?' * len(FINAL_STATUSES))}) AND anonymised_at IS NULL "
             "AND updated_at < ?")
    params = [*FINAL_STATUSES, utc_ago(days=days)]
    with transaction(db):
        count = db.execute(f"SELECT count(*) FROM applications WHERE {where}", params).fetchone()[0]
        files = _strip_applications(db, where, params)
    for rel in set(files):
        remove_quietly(db, rel)
    return count
