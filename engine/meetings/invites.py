"""iCalendar invitations (RFC 5545, METHOD:REQUEST) for scheduled interviews."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from engine.meetings.rooms import parse_iso

PRODID = "-//JobExpressway//Interviews//EN"


def interview_ics(interview: dict, *, url: str, organizer: dict, attendee: dict, sequence: int = 0) -> str:
    """One VEVENT in the interview's own time zone (TZID + VTIMEZONE), so calendars show the planned time."""
    tz = ZoneInfo(interview["timezone"])
    start = parse_iso(interview["starts_at"]).astimezone(tz)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"interview-{interview['id']}-{interview['room_code']}@jobexpressway")
    event.add("dtstamp", datetime.now(timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=interview["duration_min"]))
    event.add("summary", interview["title"])
    event.add("description", f"Join the interview room: {url}\nRoom code: {interview['room_code']}")
    event.add("url", url)
    event.add("location", url)
    event.add("sequence", sequence)
    org = vCalAddress(f"mailto:{organizer['email']}")
    org.params["cn"] = vText(organizer.get("name") or organizer["email"])
    event.add("organizer", org)
    att = vCalAddress(f"mailto:{attendee['email']}")
    att.params["cn"] = vText(attendee.get("name") or attendee["email"])
    att.params["role"] = vText("REQ-PARTICIPANT")
    att.params["partstat"] = vText("NEEDS-ACTION")
    att.params["rsvp"] = vText("TRUE")
    event.add("attendee", att)
    cal.add_component(event)
    if interview["timezone"] != "UTC":
        cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")
