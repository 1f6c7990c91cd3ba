"""Scheduling interviews from shortlisted applications, the candidate's answer, upcoming lists, history and
the recruiter's decision. Times are stored in UTC with the time zone name they were planned in."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from engine import applications, notify
from engine.authz import AccessDenied, Actor, NotFound, is_company_staff, require_permission, require_staff_access
from engine.meetings import rooms
from engine.meetings.invites import interview_ics
from engine.store import Database, one, transaction, update_row, utcnow

MIN_DURATION, MAX_DURATION = 5, 480
GENERIC_TITLES = ("", "interview")   # titles that say nothing the job's name would not say better
DECISIONS = ("offered", "not_selected")
ACTIVE_STATUSES = ("scheduled", "accepted", "reschedule_requested")


class OverlapWarning(ValueError):
    """The recruiter already has an interview at that time; pass allow_overlap=True to book anyway."""

    def __init__(self, conflicts: list[dict]):
        self.conflicts = conflicts
        titles = "; ".join(f"{c['title']} at {c['starts_at']}" for c in conflicts)
        super().__init__(f"This overlaps {len(conflicts)} of your interviews ({titles}).")


@dataclass
class Scheduled:
    interview: dict
    url: str
    ics: str
    conflicts: list[dict] = field(default_factory=list)


def interview_title(title: str, job_title: str) -> str:
    """What the interview is called everywhere: the recruiter's own title, or "<job> interview" when the title
    is left empty or just says "Interview"."""
    title = (title or "").strip()
    return f"{job_title} interview" if title.casefold() in GENERIC_TITLES else title


def invitation_subject(title: str, job_title: str, company: str) -> str:
    """One wording for the inbox message and the email; the job is named once, whatever the title says."""
    what = title if job_title.casefold() in title.casefold() else f"{title}, {job_title}"
    return f"Interview invitation: {what} at {company}"


def time_zones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))) + ["UTC"]


def to_utc(starts_local: datetime, tz_name: str) -> datetime:
    """A wall-clock time in the named zone, as UTC. An aware datetime is converted as is."""
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"Unknown time zone '{tz_name}'. Pick one from the list, e.g. Europe/Paris.") from None
    local = starts_local if starts_local.tzinfo else starts_local.replace(tzinfo=tz)
    return local.astimezone(timezone.utc)


def conflicts(db: Database, recruiter_id: int, start: datetime, end: datetime,
              exclude_id: int | None = None) -> list[dict]:
    """The recruiter's active interviews overlapping [start, end)."""
    rows = db.query(
        "SELECT i.* FROM interviews i JOIN interview_participants p ON p.interview_id = i.id "
        f"WHERE p.user_id = ? AND i.status IN ({','.join('?' * len(ACTIVE_STATUSES))}) AND i.kind = 'scheduled'",
        [recruiter_id, *ACTIVE_STATUSES])
    return [r for r in rows if r["id"] != exclude_id
            and rooms.parse_iso(r["starts_at"]) < end and start < rooms.ends_at(r)]


def schedule_interview(db: Database, actor: Actor, application_id: int, starts_local: datetime,
                       timezone_name: str, duration_min: int, title: str, *, allow_overlap: bool = False,
                       now: datetime | None = None) -> Scheduled:
    """Book a room for a shortlisted application: interview + participants + status change + inbox message
    + outbox email with an .ics invite, all in one transaction."""
    require_permission(db, actor, "schedule_interviews")
    if len((title or "").strip()) > 200:
        raise ValueError("The interview title is 200 characters at most.")
    if not isinstance(duration_min, int) or not MIN_DURATION <= duration_min <= MAX_DURATION:
        raise ValueError(f"The duration must be between {MIN_DURATION} and {MAX_DURATION} minutes.")
    start = to_utc(starts_local, timezone_name)
    end = start + timedelta(minutes=duration_min)
    if start < (now or datetime.now(timezone.utc)):
        raise ValueError("That time is in the past. Pick a future date and time.")
    found = conflicts(db, actor.user_id, start, end)
    if found and not allow_overlap:
        raise OverlapWarning(found)
    with transaction(db):
        app = applications.get_application(db, actor, application_id)
        if app["status"] != "accepted":
            raise ValueError("Only a shortlisted application can get an interview (this one is "
                             f"'{applications.STATUS_LABELS.get(app['status'], app['status'])}').")
        candidate = one(db, "SELECT id, name, email FROM users WHERE id = ?", [app["candidate_id"]])
        title = interview_title(title, app["job_title"])
        company = app["company_name"] or "the company"
        room = rooms.insert_interview(db, {
            "application_id": application_id, "company_id": app["company_id"], "created_by": actor.user_id,
            "title": title, "kind": "scheduled", "starts_at": rooms.iso(start), "timezone": timezone_name,
            "duration_min": duration_min,
        })
        iid = room.interview["id"]
        rooms.add_participant(db, iid, actor.user_id, "host")
        rooms.add_participant(db, iid, candidate["id"], "candidate")
        applications.change_status(db, actor, application_id, "interview_scheduled", note=f"Interview {iid}: {title}")
        local = start.astimezone(ZoneInfo(timezone_name))
        when = f"{local:%A %d %B %Y} at {local:%H:%M} ({timezone_name}), {duration_min} minutes"
        body = (f"You are invited to an interview for {app['job_title']} at {company}.\n"
                f"When: {when}\nRoom link: {room.url}\nRoom code: {room.interview['room_code']}\n"
                "Please accept or ask for another time from your Interviews page.")
        subject = invitation_subject(title, app["job_title"], company)
        notify.post_message(db, candidate["id"], "interview_invitation", subject, body,
                            link=room.url, application_id=application_id, interview_id=iid)
        ics = interview_ics(room.interview, url=room.url, organizer={"name": actor.name, "email": actor.email
                            or "no-reply@jobexpressway.local"}, attendee=candidate)
        outbox_id = notify.queue_email(db, candidate["email"], subject, body, "interview_invitation",
                                       user_id=candidate["id"], ics=ics)
        update_row(db, "interviews", iid, {"invitation_outbox_id": outbox_id})
    return Scheduled(dict(room.interview, invitation_outbox_id=outbox_id), room.url, ics, found)


def respond(db: Database, actor: Actor, interview_id: int, action: str, message: str = "") -> dict:
    """The invited candidate accepts, or asks for another time (with a message); the hosts get a message."""
    interview = rooms.get_room(db, actor, interview_id)
    if not rooms.is_participant(db, interview_id, actor.user_id) or actor.role != "candidate":
        raise AccessDenied("Only the invited candidate can answer this invitation.")
    if interview["status"] not in ACTIVE_STATUSES:
        raise ValueError("This interview can no longer be answered.")
    message = (message or "").strip()
    if action == "accept":
        status, subject = "accepted", f"{actor.name or 'The candidate'} accepted: {interview['title']}"
    elif action == "request_new_time":
        if not message:
            raise ValueError("Say which times would suit you, so the recruiter can pick a new one.")
        status, subject = "reschedule_requested", f"{actor.name or 'The candidate'} asks for another time: {interview['title']}"
    else:
        raise ValueError("Answer with accept or request_new_time.")
    with transaction(db):
        update_row(db, "interviews", interview_id, {"status": status, "candidate_response": message or action})
        for host in db.query("SELECT user_id FROM interview_participants WHERE interview_id = ? AND role = 'host'",
                             [interview_id]):
            notify.post_message(db, host["user_id"], "info", subject, message or "The candidate will attend.",
                                link=rooms.code_url(interview["room_code"]),
                                application_id=interview["application_id"], interview_id=interview_id)
    return dict(interview, status=status, candidate_response=message or action)


def _visible_sql(actor: Actor) -> tuple[str, list]:
    if actor.is_admin:
        return "1 = 1", []
    if actor.is_recruiter:
        return ("(i.company_id = ? OR i.id IN (SELECT interview_id FROM interview_participants WHERE user_id = ?))",
                [actor.company_id, actor.user_id])
    return "i.id IN (SELECT interview_id FROM interview_participants WHERE user_id = ?)", [actor.user_id]


def _decorate(db: Database, actor: Actor, row: dict) -> dict:
    tz = ZoneInfo(row["timezone"])
    start = rooms.parse_iso(row["starts_at"]).astimezone(tz)
    job = one(db, "SELECT j.title AS job_title, COALESCE(c.name, j.company) AS company_name FROM applications a "
                  "JOIN jobs j ON j.id = a.job_id LEFT JOIN companies c ON c.id = j.company_id WHERE a.id = ?",
              [row["application_id"]]) if row["application_id"] else None
    row = dict(row, local_date=f"{start:%Y-%m-%d}", local_time=f"{start:%H:%M}",
               participants=rooms.participants(db, row["id"]), join_url=rooms.code_url(row["room_code"]),
               job_title=job and job["job_title"], company_name=job and job["company_name"])
    if actor.is_candidate:
        row["notes"] = None   # recruiter notes stay with the company
    else:
        row["invitation_email"] = invitation_email_status(db, row.get("invitation_outbox_id"))
    row.pop("room_token_hash", None)
    return row


def invitation_email_status(db: Database, outbox_id: int | None) -> str | None:
    """'queued', 'sent' or 'failed' for the invitation email; None for calls that sent no invitation."""
    if outbox_id is None:
        return None
    row = one(db, "SELECT status FROM outbox WHERE id = ?", [outbox_id])
    return row and row["status"]


def upcoming(db: Database, actor: Actor, now: datetime | None = None) -> list[dict]:
    require_staff_access(db, actor)
    where, params = _visible_sql(actor)
    now = now or datetime.now(timezone.utc)
    rows = db.query(f"SELECT i.* FROM interviews i WHERE {where} AND i.status IN "
                    f"({','.join('?' * len(ACTIVE_STATUSES))}) ORDER BY i.starts_at", [*params, *ACTIVE_STATUSES])
    return [_decorate(db, actor, r) for r in rows if rooms.ends_at(r) >= now]


def history(db: Database, actor: Actor, now: datetime | None = None) -> list[dict]:
    """Past interviews (ended or held), newest first, with participants, recordings, notes and decision."""
    from engine.meetings import recordings

    require_staff_access(db, actor)
    where, params = _visible_sql(actor)
    now = now or datetime.now(timezone.utc)
    rows = db.query(f"SELECT i.* FROM interviews i WHERE {where} ORDER BY i.starts_at DESC", params)
    out = []
    for r in rows:
        if r["status"] == "held" or rooms.ends_at(r) < now:
            item = _decorate(db, actor, r)
            item["recordings"] = recordings.list_for_interview(db, r["id"])
            out.append(item)
    return out


def record_decision(db: Database, actor: Actor, interview_id: int, decision: str,
                    notes: str = "") -> dict:
    """Mark the interview held with notes and a decision, and move the application to offered/not_selected."""
    if decision not in DECISIONS:
        raise ValueError("The decision is 'offered' or 'not_selected'.")
    interview = rooms.get_room(db, actor, interview_id)
    if not is_company_staff(db, actor, interview["company_id"]):
        raise AccessDenied("Only the company's recruiters decide on an interview.")
    if interview["application_id"] is None:
        raise ValueError("This call is not linked to an application, so there is nothing to decide.")
    require_permission(db, actor, "change_status")
    with transaction(db):
        app = applications.get_application(db, actor, interview["application_id"])
        if app["status"] == "interview_scheduled":
            applications.change_status(db, actor, app["id"], "interviewed", note=f"Interview {interview_id} held")
        applications.change_status(db, actor, app["id"], decision, note=(notes or "").strip() or None)
        changes = {"status": "held", "decision": decision, "notes": (notes or "").strip() or None,
                   "ended_at": interview["ended_at"] or utcnow()}
        update_row(db, "interviews", interview_id, changes)
    return dict(interview, **changes)


def get_interview(db: Database, actor: Actor, interview_id: int) -> dict:
    row = rooms.find_interview(db, actor, interview_id)
    return _decorate(db, actor, row)


def interviews_for_application(db: Database, actor: Actor, application_id: int) -> list[dict]:
    """Every interview of one application with its recordings (for the applicant's page and the profile)."""
    from engine.meetings import recordings

    applications.get_application(db, actor, application_id)   # candidate's own, company scope, or admin
    rows = db.query("SELECT * FROM interviews WHERE application_id = ? ORDER BY starts_at DESC", [application_id])
    return [dict(_decorate(db, actor, r), recordings=recordings.list_for_interview(db, r["id"])) for r in rows]


def schedulable_applications(db: Database, actor: Actor) -> list[dict]:
    """Shortlisted applications of the recruiter's company (all for the admin)."""
    require_staff_access(db, actor)
    if not (actor.is_admin or actor.is_recruiter):
        raise AccessDenied("Only recruiters schedule interviews.")
    sql = ("SELECT a.id, a.candidate_id, u.name AS candidate_name, j.title AS job_title FROM applications a "
           "JOIN jobs j ON j.id = a.job_id JOIN users u ON u.id = a.candidate_id WHERE a.status = 'accepted'")
    params: list = []
    if not actor.is_admin:
        sql += " AND j.company_id = ?"
        params.append(actor.company_id)
    return list(db.query(sql + " ORDER BY a.updated_at DESC", params))


__all__ = ["NotFound", "OverlapWarning", "Scheduled", "conflicts", "schedule_interview", "respond", "upcoming",
           "history", "record_decision", "time_zones", "to_utc", "interview_title", "invitation_subject",
           "invitation_email_status"]
