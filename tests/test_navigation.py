"""Every role reaches each of its services in one click from Home; every page file exists; guests see no
signed-in page."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import accounts, navigation
from engine.authz import PERMISSIONS
from tests.conftest import ROOT, open_page

SPEC_BY_PATH = {p.path: p for p in navigation.PAGES}


def _actors(db):
    candidate = accounts.sign_up_candidate(db, name="Cara Candidate", email="cara@example.com", password="Nav-pass-2718",
                                           location="Berlin")
    recruiter = accounts.sign_up_company(db, email="rick@example.com", password="Nav-pass-2718", company_name="Acme",
                                         industry="Software", location="Austin")
    admin_id = accounts.create_user(db, email="ada@example.com", password="Nav-pass-2718", role="admin", name="Ada Admin")
    admin = accounts.refresh_actor(db, accounts.Actor(admin_id, "admin"))
    accounts.grant_access(db, admin, recruiter.company_id, list(PERMISSIONS), notify=False)
    return {"guest": None, "candidate": candidate, "recruiter": recruiter, "admin": admin}


def test_every_navigation_page_file_exists():
    missing = [p.path for p in navigation.PAGES if not (ROOT / p.path).is_file()]
    assert missing == []
    assert len({p.url_path for p in navigation.PAGES}) == len(navigation.PAGES)  # no two pages share a URL


def test_every_service_of_every_role_is_installed():
    """Each role's whole set of services is there (none left out for want of its page)."""
    for role, services in navigation.SERVICES.items():
        assert [s.key for s in navigation.services_for(role)] == [s.key for s in services], role
    keys = {role: {s.key for s in services} for role, services in navigation.SERVICES.items()}
    assert {"recommendations", "browse", "saved", "applications", "resume", "coach", "interviews"} <= keys["candidate"]
    assert {"dashboard", "post", "applicants", "pipeline", "interviews"} <= keys["recruiter"]
    assert {"companies", "applications", "pipeline", "model_lab"} <= keys["admin"]


def test_services_point_at_pages_the_role_may_open():
    for role in navigation.SERVICES:
        for service in navigation.services_for(role):
            spec = SPEC_BY_PATH[service.path]
            assert role in spec.roles, (role, service.key)
            assert Path(ROOT / service.path).is_file()


def test_guests_see_no_signed_in_page():
    guest_pages = {p.path for p in navigation.pages_for(None)}
    for path in ("pages/account.py", "pages/saved.py", "pages/my_applications.py", "pages/recruiter.py",
                 "pages/pipeline.py", "pages/admin_companies.py", "pages/admin_applications.py"):
        assert path not in guest_pages
    for role in ("candidate", "recruiter", "admin"):
        assert "pages/sign_in.py" not in {p.path for p in navigation.pages_for(role)}


@pytest.mark.parametrize("role", ["guest", "candidate", "recruiter", "admin"])
def test_home_links_to_every_service_of_the_role(db, role):
    actor = _actors(db)[role]
    at = open_page(actor=actor, timeout=240)  # a candidate's Home loads the matching model once
    assert not at.exception
    links = {(link.proto.page, link.proto.label) for link in at.get("page_link")}
    expected = navigation.services_for(role)
    assert len(expected) >= 2
    for service in expected:
        assert (SPEC_BY_PATH[service.path].url_path, service.label) in links, service.key
    # nothing on a guest's Home leads to a page only signed-in users may open
    if role == "guest":
        signed_in_only = {p.url_path for p in navigation.PAGES if "guest" not in p.roles}
        assert not {page for page, _ in links} & signed_in_only


def test_guest_opening_a_signed_in_page_is_asked_to_sign_in(db):
    at = open_page("pages/my_applications.py")
    assert not at.exception
    assert any("sign in" in i.value.lower() for i in at.info)
    assert not at.title or at.title[0].value != "My applications"


def test_empty_lists_say_what_to_do_next(db):
    actors = _actors(db)
    at = open_page("pages/my_applications.py", actors["candidate"])
    assert any("No applications yet" in i.value for i in at.info)
    assert "jobs" in {link.proto.page for link in at.get("page_link")}
    at = open_page("pages/saved.py", actors["candidate"])
    assert any("not saved any jobs" in i.value for i in at.info)
    at = open_page("pages/recruiter.py", actors["recruiter"])
    assert any("Post a job" in i.value for i in at.info)
    at = open_page("pages/pipeline.py", actors["recruiter"])
    assert any("No applications yet" in i.value for i in at.info)


def test_hub_link_opens_the_recruiters_post_tab(db):
    recruiter = _actors(db)["recruiter"]
    at = open_page("pages/recruiter.py", recruiter, tab="post")
    assert not at.exception
    assert at.tabs[1].label == "Post a job"
    link = next(link for link in open_page(actor=recruiter, timeout=240).get("page_link") if link.proto.label == "Post a job")
    assert "tab=post" in link.proto.query_string


def _default_tab(at) -> int:
    def blocks(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from blocks(child)
    (tabs,) = [b.proto.tab_container for b in blocks(at._tree)
               if type(b).__name__ == "Block" and b.proto.HasField("tab_container")]
    return tabs.default_tab_index


def test_register_a_company_card_opens_the_company_sign_up(db):
    link = next(link for link in open_page().get("page_link") if link.proto.label == "Register a company")
    assert "tab=company" in link.proto.query_string
    at = open_page("pages/sign_in.py", tab="company")
    assert not at.exception
    assert at.tabs[_default_tab(at)].label == "We're hiring"
    assert at.tabs[_default_tab(open_page("pages/sign_in.py"))].label == "Sign in"
