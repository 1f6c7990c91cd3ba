"""The foundation in a real browser: sign up as a candidate, stay signed in across a reload (the session
cookie), search jobs, open one, sign out (cookie gone). Debian's chromium through Playwright against `streamlit run Home.py`."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from journey_helpers import streamlit_server

from engine import accounts, store

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install -y chromium)"),
]


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "JOBEXPRESSWAY_DATA_DIR": str(data), "JOBEXPRESSWAY_BCRYPT_ROUNDS": "4",
           "JOBEXPRESSWAY_DEMO_ACCOUNTS": "0", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    seed = ("from engine import store, jobs\n"
            "db = store.connect()\n"
            "titles = ['Data Engineer', 'Registered Nurse', 'Account Executive', 'Frontend Developer']\n"
            "jobs.add_jobs(db, [dict(title=f'{titles[i % 4]} {i}', description=f'{titles[i % 4]} wanted. Team {i}.',\n"
            "    company='Acme Ltd', location='Berlin, Germany', category=['Data', 'Healthcare', 'Sales', 'Software'][i % 4],\n"
            "    required_skills=[['Python', 'SQL'], ['Patient care', 'First-aid & CPR'], ['CRM'], ['C++', 'Node.js']][i % 4],\n"
            "    salary_min=50000, salary_max=70000)\n"
            "    for i in range(40)])\n")
    subprocess.run([sys.executable, "-c", seed], cwd=ROOT, env=env, check=True)
    with streamlit_server(data, tmp_path, env) as url:  # the same start as the journeys (make run's server)
        yield url


def wait_for_cookie(page, name: str, timeout: float = 20.0) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [c for c in page.context.cookies() if c["name"] == name]
        if found:
            return found[0]
        time.sleep(0.25)
    raise AssertionError(f"cookie {name} was never set; cookies: {page.context.cookies()}")


def test_sign_up_stay_signed_in_search_and_open_a_job(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)  # the shared CPU can be slow
        try:
            # Open the app at its root, as a visitor does. (A deep link as the very first request after the
            # server starts shows Streamlit's "Page not found" modal while pages/ sits beside st.navigation.)
            page.goto(server)
            expect(page.get_by_text("Looking for a job?")).to_be_visible()
            page.get_by_role("link", name="Sign in", exact=True).click()
            page.get_by_role("tab", name="I'm looking for a job").click()
            form = page.locator("[data-testid='stForm']").filter(has_text="Create candidate account")
            form.get_by_label("Full name *").fill("Bruno Browser")
            form.get_by_label("Email *").fill("bruno@example.com")
            form.get_by_label("Password *", exact=True).fill("browser123")
            form.get_by_label("Repeat password *").fill("browser123")
            form.get_by_label("Location *").fill("Lisbon, Portugal")
            form.get_by_role("button", name="Create candidate account").click()
            expect(page.get_by_text("Welcome back, Bruno Browser")).to_be_visible()

            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            cookie = wait_for_cookie(page, "jx_session")
            assert cookie["sameSite"] == "Strict" and cookie["expires"] > time.time() + (accounts.SESSION_DAYS - 1) * 86400
            page.reload()  # a new browser connection: the session cookie must sign us back in
            expect(page.get_by_text("Welcome back, Bruno Browser")).to_be_visible()

            # the browser comes back with a token older than an hour: the cookie gets a new one
            db = store.connect(tmp_path / "data")
            db.execute("UPDATE sessions SET rotated_at = '2000-01-01T00:00:00+00:00'")
            page.reload()
            expect(page.get_by_text("Welcome back, Bruno Browser")).to_be_visible()
            deadline = time.time() + 20
            while wait_for_cookie(page, "jx_session")["value"] == cookie["value"] and time.time() < deadline:
                time.sleep(0.25)
            rotated = wait_for_cookie(page, "jx_session")["value"]
            assert rotated != cookie["value"], "the session cookie was not rotated within 20 s"
            assert accounts.actor_for_session(db, rotated).email == "bruno@example.com"
            page.reload()  # the new cookie signs us in
            expect(page.get_by_text("Welcome back, Bruno Browser")).to_be_visible()

            page.get_by_role("link", name="Browse jobs").first.click()
            search = page.get_by_role("textbox", name="Search jobs")
            search.fill("nurse")
            search.press("Enter")
            expect(page.get_by_text("10 jobs · showing 1–10")).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "foundation_job_search.png"), full_page=True)
            page.get_by_role("link", name="Registered Nurse 1", exact=True).click()
            expect(page.get_by_role("heading", name="Registered Nurse 1")).to_be_visible()
            expect(page.get_by_text("Registered Nurse wanted. Team 1.")).to_be_visible()
            expect(page.get_by_text("First-aid & CPR", exact=True)).to_be_visible()  # shown as typed, not as markdown
            assert "id=2" in page.url  # the second job inserted
            page.screenshot(path=str(SCREENSHOTS / "foundation_job_page.png"), full_page=True)

            page.get_by_role("button", name="Sign out").click()  # ends the session and clears the cookie
            expect(page.get_by_text("Looking for a job?")).to_be_visible()
            deadline = time.time() + 20
            while any(c["name"] == "jx_session" for c in page.context.cookies()) and time.time() < deadline:
                time.sleep(0.25)
            assert not any(c["name"] == "jx_session" for c in page.context.cookies())
            page.reload()
            expect(page.get_by_text("Looking for a job?")).to_be_visible()
            expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
        except Exception:
            print((tmp_path / "streamlit.log").read_text())
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            (SCREENSHOTS / "tmp").mkdir(exist_ok=True)
            shutil.copy(tmp_path / "failure.png", SCREENSHOTS / "tmp" / "foundation_failure.png")
            raise
        finally:
            browser.close()
