"""User text is shown as typed: never an image, a link or formatting. `ui.text.safe` on its own, then the
recruiter dashboard, the interview room's chat and the admin's company queue through AppTest, every
Markdown-reading element judged by what the browser would make of it (markdown_oracle)."""
from __future__ import annotations

import pytest
from conftest import open_page

from applications_fixtures import World, make_user
from engine import applications as A
from engine import companies
from engine.meetings import pad, rooms
from markdown_oracle import render
from ui.text import safe

TRACKER = "![p](http://host/track.png)"
PHISH = "[Verify your account](http://phish.example)"
HOSTILE = [
    TRACKER, PHISH, "https://lumen.example.com", "www.evil.example", "write to bob@evil.example",
    "<img src=x onerror=alert(1)>", "**bold** _it_ `code` ~~gone~~", ":red[alarm] :material/home: :smile: $x^2$",
    "# Heading\n> quote\n- item\n1. one\n---", "a | b\n--|--\n1 | 2", "<http://angle.example>", "back\\slash \\*",
]


def _shown(markdown: str) -> str:
    visible, _ = render(markdown)
    return " ".join(visible.replace("\u2060", "").split())


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_text_renders_as_typed_with_no_link_or_image(text):
    visible, targets = render(safe(text))
    assert targets == []
    assert _shown(safe(text)) == " ".join(text.split())


def test_safe_keeps_line_breaks_and_takes_anything():
    assert render(safe("one\ntwo"))[0].replace("\u2060", "") == "one\ntwo\n"
    assert safe(None) == "" and safe(42) == "42"


def markdown_sources(at) -> list[str]:
    """Every string the page handed to an element that reads Markdown."""
    kinds = ("markdown", "caption", "info", "success", "warning", "error", "title", "subheader", "header", "toast")
    sources = [str(e.value) for kind in kinds for e in at.get(kind)]
    return sources + [e.label for e in at.expander] + [t.label for t in at.tabs]


def assert_literal(at, *typed: str) -> None:
    assert not at.exception, at.exception
    sources = markdown_sources(at)
    for source in sources:
        _, targets = render(source)
        assert not [t for t in targets if "track.png" in t or "phish" in t or "evil" in t], source
    shown = " ".join(_shown(s) for s in sources)
    for text in typed:
        assert " ".join(text.split()) in shown, text


@pytest.fixture
def w(db):
    return World(db)


def test_recruiter_dashboard_shows_candidate_text_literally(w):
    eve = make_user(w.db, "eve@mail.test", "candidate", f"Eve {TRACKER}", location=PHISH, headline=PHISH,
                    skills=["www.evil.example"])
    w.db.execute("UPDATE users SET education = ?, experience = ? WHERE id = ?",
                 ["**Top** school", "write to bob@evil.example", eve.user_id])
    app = A.apply(w.db, eve, w.job_a, cover_letter=PHISH)["id"]
    A.change_status(w.db, w.rec_a, app, "under_review", note=TRACKER)
    A.add_note(w.db, w.rec_a, app, PHISH)
    at = open_page("pages/recruiter.py", w.rec_a, tab="applicants")
    assert_literal(at, f"Eve {TRACKER}", PHISH, "www.evil.example", "**Top** school", "write to bob@evil.example")
    assert any(e.label.startswith(f"#{app} Eve") for e in at.expander)


def test_room_chat_shows_messages_and_names_literally(w):
    host = make_user(w.db, "host@mail.test", "candidate", f"Hana {TRACKER}")
    guest = make_user(w.db, "guest@mail.test", "candidate", "Gil")
    call = rooms.new_call(w.db, host, "Pairing")
    rooms.resolve_room(w.db, guest, call.token)
    pad.post_chat(w.db, host, call.interview["id"], PHISH)
    pad.heartbeat(w.db, host, call.interview["id"])
    at = open_page("pages/room.py", guest, token=call.token)
    assert_literal(at, f"Hana {TRACKER}: {PHISH}")


def test_admin_sees_a_company_website_once_unescaped(w):
    """#22: "https://lumen\\.example\\.com" was shown to the admin (escaped, then linked with its backslashes)."""
    boss = make_user(w.db, "boss@lumen.test", "recruiter", "Bo", w.company_a)
    w.db.execute("UPDATE companies SET website = ?, access_status = 'none' WHERE id = ?",
                 ["https://lumen.example.com", w.company_a])
    companies.request_access(w.db, boss, PHISH)
    at = open_page("pages/admin_companies.py", w.admin)
    assert_literal(at, "https://lumen.example.com", PHISH, "Acme")
    assert "lumen\\" not in " ".join(_shown(s) for s in markdown_sources(at))


def test_revoked_recruiter_dashboard_shows_why_and_no_applicant(w):
    eve = make_user(w.db, "eve@mail.test", "candidate", "Eve Applicant")
    A.apply(w.db, eve, w.job_a)
    companies.revoke_access(w.db, w.admin, w.company_a)
    at = open_page("pages/recruiter.py", w.rec_a, tab="applicants")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Your company does not have access to JobExpressway (not granted yet, or revoked). Open your profile to "
        "see its status and ask the site admin for access."]
    assert "Eve Applicant" not in " ".join(markdown_sources(at))
