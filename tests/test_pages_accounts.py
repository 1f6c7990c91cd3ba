"""The account and job-browsing pages, driven through Home.py's navigation with AppTest."""
import types
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine import accounts, companies, jobs, store
from engine.authz import Actor
from ui.text import safe

HOME = str(Path(__file__).resolve().parent.parent / "Home.py")
CATEGORIES = ("Data Engineering", "Healthcare", "Sales")


def sample_jobs(n: int):
    for i in range(n):
        category = CATEGORIES[i % 3]
        title = {"Data Engineering": "Data Engineer", "Healthcare": "Registered Nurse", "Sales": "Account Executive"}[category]
        skills = {"Data Engineering": ["Python", "SQL", "Spark"], "Healthcare": ["Patient care", "BLS"],
                  "Sales": ["CRM", "Negotiation"]}[category]
        yield dict(title=f"{title} {i}", description=f"{title} number {i}. Join our team.", company=f"Company {i % 7}",
                   location=("Berlin, Germany", "Austin, USA", "Remote")[i % 3], category=category,
                   required_skills=skills, salary_min=30_000 + 500 * i, salary_max=40_000 + 500 * i, remote=i % 2,
                   created_date=f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}")


@pytest.fixture
def conn(db, monkeypatch):
    monkeypatch.setenv("JOBEXPRESSWAY_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("JOBEXPRESSWAY_DEMO_ACCOUNTS", "0")
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    jobs.add_jobs(db, sample_jobs(300))
    return db


def app(actor: Actor | None = None, page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(HOME, default_timeout=60)
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    if page:
        at.query_params.update(query)
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at, kind="markdown") -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


def job_links(at) -> list[str]:
    return [e.label for e in at.main.get("page_link") if e.label.split()[-1].isdigit()]


def candidate(conn, email="ann@example.com") -> Actor:
    return accounts.sign_up_candidate(conn, name="Ann", email=email, password="Sunny-ledger-42", location="Berlin",
                                      skills=["Python"], preferred_category="Data Engineering")


def submit(at, label):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def test_candidate_sign_up_signs_in_and_lands_home(conn):
    at = app(page="pages/sign_in.py")
    at.text_input(key="cand_name").input("Nia Candidate")
    at.text_input(key="cand_email").input("Nia@Example.com")
    at.text_input(key="cand_password").input("goodpass1")
    at.text_input(key="cand_confirm").input("goodpass1")
    at.text_input(key="cand_location").input("Lisbon")
    at.multiselect(key="cand_skills").select("Python").select("SQL")
    submit(at, "Create candidate account")
    assert at.session_state["actor"].email == "nia@example.com"
    assert at.session_state["session_token"]  # a persistent session was started
    assert "Welcome back, Nia Candidate" in texts(at, "subheader")
    assert accounts.get_profile(conn, at.session_state["actor"])["skills"] == ["Python", "SQL"]


def test_sign_up_errors_are_listed_and_values_kept(conn):
    candidate(conn)
    at = app(page="pages/sign_in.py")
    at.text_input(key="cand_name").input("Ann Again")
    at.text_input(key="cand_email").input("ANN@example.com")
    at.text_input(key="cand_password").input("weak")
    at.text_input(key="cand_confirm").input("weak")
    submit(at, "Create candidate account")
    errors = texts(at, "error")
    assert "already exists" in errors and "at least 8 characters" in errors and "Location is required" in errors
    assert at.text_input(key="cand_name").value == "Ann Again"
    assert "actor" not in at.session_state


def test_company_sign_up_with_bad_website_then_fixed(conn):
    at = app(page="pages/sign_in.py")
    for key, value in (("comp_name", "Beta GmbH"), ("comp_industry", "Logistics"), ("comp_location", "Hamburg"),
                       ("comp_website", "not a site"), ("comp_email", "hr@beta.de"), ("comp_password", "Sunny-ledger-42"),
                       ("comp_confirm", "Sunny-ledger-42")):
        at.text_input(key=key).input(value)
    submit(at, "Create company account")
    assert "not a valid website" in texts(at, "error") and conn.execute("SELECT count(*) FROM companies").fetchone()[0] == 0
    at.text_input(key="comp_website").input("beta.de")
    submit(at, "Create company account")
    actor = at.session_state["actor"]
    assert actor.role == "recruiter" and store.one(conn, "SELECT website FROM companies WHERE id = ?", [actor.company_id])["website"] == "https://beta.de"
    assert "No access yet" in texts(at, "warning")  # landed on the profile page with the access form


def test_sign_in_wrong_then_right_password(conn):
    candidate(conn)
    at = app(page="pages/sign_in.py")
    at.text_input(key="signin_email").input("ann@example.com")
    at.text_input(key="signin_password").input("wrong-pass1")
    submit(at, "Sign in")
    assert accounts.SIGN_IN_FAILED in texts(at, "error") and "actor" not in at.session_state
    at.text_input(key="signin_password").input("Sunny-ledger-42")
    submit(at, "Sign in")
    assert at.session_state["actor"].email == "ann@example.com"


def test_session_token_restores_and_sign_out_ends_it(conn):
    ann = candidate(conn)
    token = accounts.create_session(conn, ann.user_id)
    at = AppTest.from_file(HOME, default_timeout=60)
    at.session_state["session_token"] = token
    at.run()
    assert at.session_state["actor"] == ann and "Welcome back, Ann" in texts(at, "subheader")
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert "actor" not in at.session_state and accounts.actor_for_session(conn, token) is None


def test_browse_search_filter_and_paginate(conn):
    at = app(page="pages/jobs.py")
    assert texts(at, "caption").startswith("300 jobs · showing 1–20")
    first_page = set(job_links(at))
    assert len(first_page) == 20
    submit(at, "Next")
    assert "showing 21–40" in texts(at, "caption")
    assert first_page.isdisjoint(job_links(at))
    at.number_input(key="browse_page").set_value(15).run()
    assert "showing 281–300" in texts(at, "caption")

    at.text_input(key="browse_q").input("nurse").run()
    assert texts(at, "caption").startswith("100 jobs · showing 1–20")  # a new search starts at page 1
    at.multiselect(key="browse_category").select("Sales").run()
    assert "No jobs match" in texts(at, "info")
    at.multiselect(key="browse_category").unselect("Sales").select("Healthcare").run()
    at.selectbox(key="browse_remote").set_value("Remote only").run()
    assert texts(at, "caption").startswith("50 jobs")
    at.slider(key="browse_salary").set_value((150_000, 300_000)).run()
    labels = job_links(at)
    assert labels and all("Nurse" in label and int(label.split()[-1]) >= 220 for label in labels)  # max pay 40k + 500 i >= 150k
    at.text_input(key="browse_q").input('nurse" OR (').run()  # operators and quotes are plain words
    assert not at.exception


def test_job_page_unknown_or_forged_id(conn):
    for bad in ("999999", "abc", "1 OR 1=1"):
        at = app(page="pages/job.py", id=bad)
        assert "no job" in texts(at, "error").lower() or "does not point to a job" in texts(at, "error")


def test_job_page_save_records_view_and_lists_in_saved(conn):
    ann = candidate(conn)
    at = app(ann, page="pages/job.py", id="5")
    assert at.title[0].value == jobs.get_job(conn, 5)["title"]
    submit(at, "Save")
    assert jobs.is_saved(conn, ann, 5)
    kinds = [r["kind"] for r in conn.query("SELECT kind FROM job_events WHERE user_id = ? ORDER BY id", [ann.user_id])]
    assert kinds == ["view", "save"]  # one view, however many reruns
    at.switch_page("pages/saved.py").run()
    assert job_links(at) == [jobs.get_job(conn, 5)["title"]]


def test_profile_edit_persists(conn):
    ann = candidate(conn)
    at = app(ann, page="pages/account.py")
    at.text_area(key="profile_experience").input("5 years building data pipelines")
    at.multiselect(key="profile_skills").select("Spark")
    at.selectbox(key="profile_education").set_value("Master's Degree")
    submit(at, "Save profile")
    assert "Profile saved." in texts(at, "success")
    profile = accounts.get_profile(conn, ann)
    assert (profile["experience"], profile["education"]) == ("5 years building data pipelines", "Master's Degree")
    assert profile["skills"] == ["Python", "Spark"]


def test_admin_page_refuses_candidate_and_guest(conn):
    at = app(candidate(conn), page="pages/admin_companies.py")
    assert "for admin accounts" in texts(at, "error")
    at = app(page="pages/admin_companies.py")
    assert "Please sign in" in texts(at, "info")


def test_recruiter_requests_access_and_admin_grants_it(conn):
    hr = accounts.sign_up_company(conn, email="hr@acme.com", password="Sunny-ledger-42", company_name="Acme",
                                  industry="Software", location="Paris")
    at = app(hr, page="pages/account.py")
    at.text_area[0].input("We hire data engineers")
    submit(at, "Send access request")
    assert "Access request sent" in texts(at, "success")

    root = Actor(accounts.create_user(conn, email="root@site.com", password="Sunny-ledger-42", role="admin", name="Root"), "admin")
    at = app(root, page="pages/admin_companies.py")
    assert "We hire data engineers" in texts(at)
    at.checkbox(key="req1_schedule_interviews").uncheck()
    submit(at, "Grant")
    assert "Access granted to Acme" in texts(at, "success")
    assert companies.company_permissions(conn, hr)["permissions"] == ["change_status", "post_jobs", "view_applicants"]
    assert conn.execute("SELECT count(*) FROM outbox WHERE to_email = 'hr@acme.com'").fetchone()[0] == 1


GOOGLE_SECRETS = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-secret",
                           "google": {"client_id": "id", "client_secret": "secret",
                                      "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration"}}}


def test_google_sign_in_hidden_without_auth_secrets(conn):
    at = app(page="pages/sign_in.py")
    assert "Continue with Google" not in [b.label for b in at.button]


def test_google_sign_in_shown_and_identity_mapped_with_auth_secrets(conn):
    at = AppTest.from_file(HOME, default_timeout=60)
    at.secrets = GOOGLE_SECRETS
    at.run()
    at.switch_page("pages/sign_in.py").run()
    assert "Continue with Google" in [b.label for b in at.button]

    unverified = AppTest.from_file(HOME, default_timeout=60)
    unverified.secrets = GOOGLE_SECRETS
    unverified.user = {"is_logged_in": True, "email": "Gina@Gmail.com", "name": "Gina G"}  # no email_verified
    unverified.run()
    assert "actor" not in unverified.session_state

    at = AppTest.from_file(HOME, default_timeout=60)
    at.secrets = GOOGLE_SECRETS
    at.user = {"is_logged_in": True, "email": "Gina@Gmail.com", "name": "Gina G", "email_verified": True}
    at.run()
    assert not at.exception, at.exception
    actor = at.session_state["actor"]
    assert (actor.email, actor.role, actor.name) == ("gina@gmail.com", "candidate", "Gina G")
    assert accounts.actor_for_session(conn, at.session_state["session_token"]) == actor


@pytest.mark.parametrize("role", ["guest", "candidate", "recruiter", "admin"])
def test_every_page_renders_for_every_role(conn, role):
    actor = None
    if role == "candidate":
        actor = candidate(conn)
    elif role == "recruiter":
        actor = accounts.sign_up_company(conn, email="hr@acme.com", password="Sunny-ledger-42", company_name="Acme",
                                         industry="Software", location="Paris")
    elif role == "admin":
        actor = Actor(accounts.create_user(conn, email="root@site.com", password="Sunny-ledger-42", role="admin", name="Root"), "admin")
    pages = ["pages/home.py", "pages/jobs.py", "pages/job.py", "pages/saved.py", "pages/sign_in.py",
             "pages/account.py", "pages/admin_companies.py"]
    at = app(actor)
    for page in pages:
        at.query_params["id"] = "1"
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.main.children, page  # something was drawn


def test_sign_in_page_slows_repeated_guesses_and_says_how_long_to_wait(conn, monkeypatch):
    from engine import sign_in_throttle

    # the clock stands still, so the 1 s wait cannot run out while a loaded machine draws the page
    frozen = sign_in_throttle.time.time()
    monkeypatch.setattr(sign_in_throttle, "time", types.SimpleNamespace(time=lambda: frozen))
    candidate(conn)
    at = app(page="pages/sign_in.py")
    at.text_input(key="signin_email").input("ann@example.com")
    for _ in range(3):  # the free attempts of one client on one account
        at.text_input(key="signin_password").input("wrong-pass1")
        submit(at, "Sign in")
        assert accounts.SIGN_IN_FAILED in texts(at, "error")
    at.text_input(key="signin_password").input("Sunny-ledger-42")
    submit(at, "Sign in")
    assert "Too many sign-in attempts. Try again in 1 second" in texts(at, "error") and "actor" not in at.session_state


def test_common_password_is_refused_at_sign_up(conn):
    at = app(page="pages/sign_in.py")
    for key, value in (("cand_name", "Pat"), ("cand_email", "pat@example.com"), ("cand_password", "Passw0rd"),
                       ("cand_confirm", "Passw0rd"), ("cand_location", "Oslo")):
        at.text_input(key=key).input(value)
    submit(at, "Create candidate account")
    assert "most common passwords" in texts(at, "error")
    assert conn.execute("SELECT count(*) FROM users WHERE email = 'pat@example.com'").fetchone()[0] == 0


def test_profile_email_change_waits_for_the_emailed_link(conn):
    ann = candidate(conn)
    at = app(ann, page="pages/account.py")
    at.text_input(key="profile_email").input("ann@newmail.org")
    submit(at, "Save profile")
    assert f"We sent a link to {safe('ann@newmail.org')}" in texts(at, "success")
    assert "Waiting for you to open the link" in texts(at, "info")
    assert accounts.get_profile(conn, ann)["email"] == "ann@example.com"
    body = conn.execute("SELECT body FROM outbox WHERE kind = 'email_confirmation'").fetchone()[0]
    token = body.split("confirm_email=")[1].split()[0]
    guest = app(page="pages/account.py", confirm_email=token)  # opened in another browser, not signed in
    assert f"Your email address is now {safe('ann@newmail.org')}" in texts(guest, "success")
    assert accounts.get_profile(conn, ann)["email"] == "ann@newmail.org"
    again = app(page="pages/account.py", confirm_email=token)
    assert "not valid or has expired" in texts(again, "error")


def test_sign_out_everywhere_ends_other_devices(conn):
    ann = candidate(conn)
    other_device = accounts.create_session(conn, ann.user_id)
    at = app(ann, page="pages/account.py")
    submit(at, "Sign out everywhere")
    assert "actor" not in at.session_state and accounts.actor_for_session(conn, other_device) is None


def test_a_hostile_new_email_is_shown_as_text(conn):
    ann = candidate(conn)
    at = app(ann, page="pages/account.py")
    at.text_input(key="profile_email").input("[click](http://evil.example)@mail.org")
    submit(at, "Save profile")
    shown = texts(at, "success") + texts(at, "info")
    assert "[click](http" not in shown and safe("[click](http://evil.example)@mail.org") in shown
