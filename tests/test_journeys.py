"""The whole journey in a real browser (Debian chromium through Playwright) against the servers `make run`
starts, on a data dir prepared with `init --jobs 300`:

- candidate: sign up, fill the profile, find a job, apply, follow the status as the company moves it, read and
  download the offer letter;
- recruiter: company sign-up, access request, approval by the admin (signed in with the keyboard only), post a
  job, see the applicants, shortlist one, schedule the interview, hold it, decide, watch the pipeline move.

Each main screen is saved under artifacts/screenshots/journey_*.png and checked for accessibility basics
(labelled form fields, images with alt text, named buttons).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.journey_helpers import (CHROMIUM, CHROMIUM_ARGS, ROOT, TIMEOUT_MS, accessibility_problems,
                                   coach_server, join_room_from_interviews, move_applicant, nav, new_page,
                                   open_home, open_job_from_search, open_schedule_form, send_application,
                                   server_env, shot, sign_in_with_keyboard, start_camera, streamlit_server,
                                   submit_schedule, wait_rerun)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(900),  # generous: the shared machine is often saturated
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install -y chromium)"),
]
JOB_TITLE = "Streaming Data Engineer"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A data dir as `make run` leaves it (init with 300 jobs and the demo accounts) plus one job of the demo
    company for the candidate to find; the Streamlit server on it."""
    tmp = tmp_path_factory.mktemp("journey")
    data_dir = tmp / "data"
    env = server_env(data_dir)
    subprocess.run([sys.executable, "-m", "engine", "init", "--jobs", "300"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    os.environ["JOBEXPRESSWAY_DATA_DIR"] = str(data_dir)
    from engine import accounts, recruiting, store
    from engine.demo import _actor_by_email

    db = store.connect(data_dir)
    recruiter = _actor_by_email(db, accounts.DEMO_RECRUITER[0])
    job = recruiting.post_job(db, recruiter, {
        "title": JOB_TITLE, "location": "London, United Kingdom", "category": "Data Engineering",
        "description": "Build streaming pipelines with Kafka and Spark for our analytics platform.",
        "required_skills": ["Python", "Apache Kafka", "Apache Spark", "SQL"], "salary_min": 60000,
        "salary_max": 80000, "employment_type": "Full-time"})
    # The job index, as an operator builds it after init (otherwise the first candidate page builds it in the
    # background; two builders on this 2-core machine only slow each other down).
    subprocess.run([sys.executable, "-m", "engine", "index", "build"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    with coach_server(tmp, env) as coach_url:
        with streamlit_server(data_dir, tmp, dict(env, COACH_URL=coach_url)) as url:
            yield {"url": url, "db": db, "data_dir": data_dir, "job_id": job["id"], "tmp": tmp}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def assert_accessible(page, screen: str) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{screen}: {problems}"


def fill_form_field(form, label: str, value: str) -> None:
    form.get_by_label(label, exact=True).fill(value)


def test_candidate_journey(world, browser):
    from playwright.sync_api import expect

    from engine import applications
    from engine.accounts import DEMO_RECRUITER
    from engine.demo import _actor_by_email
    from engine.meetings import schedule

    page = new_page(browser)
    url, db = world["url"], world["db"]
    open_home(page, url)
    expect(page.get_by_text("Looking for a job?")).to_be_visible()
    assert_accessible(page, "guest home")
    shot(page, "guest_home")

    # sign up
    page.get_by_role("link", name="Sign up or sign in").click()
    page.get_by_role("tab", name="I'm looking for a job").click()
    form = page.locator("[data-testid='stForm']").filter(has_text="Create candidate account")
    fill_form_field(form, "Full name *", "Nora Journey")
    fill_form_field(form, "Email *", "nora@example.com")
    fill_form_field(form, "Password *", "journey123")
    fill_form_field(form, "Repeat password *", "journey123")
    fill_form_field(form, "Location *", "London, United Kingdom")
    assert_accessible(page, "sign-up form")
    form.get_by_role("button", name="Create candidate account").click()
    expect(page.get_by_text("Welcome back, Nora Journey")).to_be_visible()

    # fill the profile: skills (typed into the multiselect), experience
    nav(page, "Profile")
    profile = page.locator("[data-testid='stForm']").filter(has_text="Save profile")
    skills = profile.get_by_label("Skills", exact=True)
    for skill in ("Python", "Apache Kafka", "SQL"):
        skills.click()
        page.keyboard.type(skill)
        page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    profile.get_by_label("Experience", exact=True).fill("Three years building data pipelines with Kafka, Spark and Python.")
    assert_accessible(page, "profile")
    profile.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved", exact=False)).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("link", name="My applications").first).to_be_visible()

    # five recommendations with scores (the server builds the job index on first use), then one of them
    # with its similar jobs
    scores = page.get_by_test_id("stMain").get_by_text("% match")
    expect(scores).to_have_count(5, timeout=240_000)
    shot(page, "candidate_home")
    page.get_by_role("heading", name="Recommended for you").scroll_into_view_if_needed()
    shot(page, "candidate_recommendations")
    href = page.get_by_test_id("stMain").locator("a[href*='job?id=']").first.get_attribute("href")
    page.goto(url + "/" + href.lstrip("/"))
    expect(page.get_by_role("heading", name="Similar jobs")).to_be_visible()
    expect(page.get_by_test_id("stMain").get_by_text("% match").first).to_be_visible(timeout=120_000)
    assert_accessible(page, "job page with similar jobs")
    shot(page, "candidate_similar_jobs")

    # build a resume from a template with an AI suggestion, download its PDF
    nav(page, "Resume builder")
    expect(page.get_by_role("heading", name="Start a new resume")).to_be_visible()
    page.get_by_text("Classic", exact=True).click()
    assert_accessible(page, "resume templates")
    shot(page, "candidate_resume_templates")
    page.get_by_role("button", name="Create resume").click()
    # (.last: while Streamlit swaps in the rerun's elements, the old field may still be there for a moment)
    summary = page.get_by_label("A few lines on who you are and what you want next", exact=True).last
    summary.wait_for()
    page.get_by_role("button", name=re.compile("Generate summary")).click()
    expect(summary).not_to_have_value("", timeout=60_000)
    wait_rerun(page, 10_000)
    page.get_by_role("button", name=re.compile(r"\bSave$")).click()
    expect(page.get_by_text("Saved.").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download PDF")).click()
    resume_pdf = Path(download.value.path()).read_bytes()
    assert resume_pdf.startswith(b"%PDF") and b"Nora Journey" not in resume_pdf[:10]
    assert_accessible(page, "resume builder")
    shot(page, "candidate_resume")

    # find the job and apply with that resume
    open_job_from_search(page, "streaming data engineer", JOB_TITLE)
    expect(page.get_by_role("radio", name=re.compile(r"My resume \(builder"))).to_be_checked()
    assert_accessible(page, "job page")
    send_application(page, "Kafka and Spark are what I do every day.")
    shot(page, "candidate_applied")

    # practise with the coach (the Gradio app inside the page): one question answered with its sources, then
    # one mock-interview question scored
    nav(page, "Interview Coach")
    coach = page.frame_locator("iframe").first
    question = coach.locator("textarea").first
    question.fill("How do I explain what a Python decorator is?")
    question.press("Enter")
    expect(coach.get_by_text("Sources").first).to_be_visible(timeout=180_000)
    shot(page, "candidate_coach_answer")
    coach.get_by_role("tab", name="Mock interview").click()
    coach.get_by_role("button", name="Start", exact=True).click()
    expect(coach.get_by_text("Question 1 of").first).to_be_visible(timeout=120_000)
    coach.get_by_label("Your answer", exact=True).fill(
        "A decorator is a function that takes another function and returns a new function that wraps it, "
        "adding behaviour such as logging or caching without changing the original code; the @ syntax applies it.")
    coach.get_by_role("button", name="Submit answer").click()
    scored = coach.get_by_text(re.compile(r"Score: \d+/100")).first
    expect(scored).to_be_visible(timeout=180_000)
    scored.scroll_into_view_if_needed()
    shot(page, "candidate_coach_mock")

    # the company moves the application as its recruiter would
    recruiter = _actor_by_email(db, DEMO_RECRUITER[0])
    app_id, resume_id = db.execute("SELECT id, resume_id FROM applications WHERE job_id = ?", [world["job_id"]]).fetchone()
    assert resume_id is not None  # sent with the builder resume
    applications.change_status(db, recruiter, app_id, "under_review")
    nav(page, "My applications")
    expect(page.get_by_text(f"{JOB_TITLE} — ").first).to_contain_text("Under review")
    applications.change_status(db, recruiter, app_id, "accepted")
    booked = schedule.schedule_interview(db, recruiter, app_id, datetime.now(timezone.utc) + timedelta(minutes=30),
                                         "UTC", 45, f"Interview: {JOB_TITLE}", allow_overlap=True)

    # join the scheduled interview room and start the (fake) camera
    nav(page, "Interviews")
    expect(page.get_by_text(f"Interview: {JOB_TITLE}").first).to_be_visible()
    assert_accessible(page, "interviews")
    shot(page, "candidate_interviews")
    page.get_by_role("link", name="Join the room").first.click()
    page.get_by_role("button", name="Join without recording").click()
    webrtc = page.frame_locator('iframe[src*="webrtc_streamer"]').first
    start_camera(page)
    expect(webrtc.locator("video").first).to_be_visible(timeout=120_000)
    page.wait_for_function("""() => [...document.querySelectorAll('iframe')].some(f => {
        try { return [...f.contentDocument.querySelectorAll('video')].some(v => v.readyState >= 2); }
        catch (e) { return false; } })""", timeout=180_000)
    shot(page, "candidate_interview_room")
    webrtc.get_by_role("button", name="Leave call").click()

    # the interview was held; the company decides: an offer
    schedule.record_decision(db, recruiter, booked.interview["id"], "offered", "Strong streaming design answers.")
    page.goto(f"{url}/my-applications")  # a fresh page load: leaves the room's live widgets behind
    page.get_by_role("heading", name="My applications").wait_for()
    expect(page.get_by_text(f"{JOB_TITLE} — ").first).to_contain_text("Offered")
    shot(page, "candidate_applications")

    # read and download the offer letter from the inbox
    page.get_by_role("tab", name="Inbox").click()
    expect(page.get_by_role("button", name="Download offer letter (PDF)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download offer letter (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert_accessible(page, "inbox")
    shot(page, "candidate_offer")
    page.context.close()


def test_recruiter_journey(world, browser):
    from playwright.sync_api import expect

    from engine import accounts, applications
    from engine.accounts import DEMO_ADMIN

    url, db = world["url"], world["db"]
    recruiter_page = new_page(browser)
    open_home(recruiter_page, url)
    recruiter_page.get_by_role("link", name="Register a company").click()
    recruiter_page.get_by_role("tab", name="We're hiring").click()
    form = recruiter_page.locator("[data-testid='stForm']").filter(has_text="Create company account")
    for label, value in (("Company name *", "Journey Robotics"), ("Industry *", "Robotics"),
                         ("Location *", "Munich, Germany"), ("Website", "journey-robotics.example.com"),
                         ("Your name", "Rita Recruiter"), ("Work email *", "rita@journey-robotics.example.com"),
                         ("Password *", "recruit123"), ("Repeat password *", "recruit123")):
        fill_form_field(form, label, value)
    form.get_by_role("button", name="Create company account").click()
    request = recruiter_page.get_by_label("Request access", exact=True)
    request.fill("We hire robotics engineers in Munich.")
    assert_accessible(recruiter_page, "company profile")
    recruiter_page.get_by_role("button", name="Send access request").click()
    expect(recruiter_page.get_by_text("pending", exact=False).first).to_be_visible()
    shot(recruiter_page, "recruiter_access_requested")

    # the admin approves it (signed in with the keyboard only)
    admin_page = new_page(browser)
    sign_in_with_keyboard(admin_page, url, *DEMO_ADMIN)
    expect(admin_page.get_by_role("heading", name="Administration")).to_be_visible()
    shot(admin_page, "admin_home")
    admin_page.get_by_role("link", name="Companies & access").first.click()
    expect(admin_page.get_by_text("Journey Robotics").first).to_be_visible()
    assert_accessible(admin_page, "companies & access")
    shot(admin_page, "admin_access_request")
    admin_page.get_by_role("button", name="Grant").first.click()
    wait_rerun(admin_page)
    deadline = time.monotonic() + 45   # the run the click starts may not have begun when wait_rerun returns
    while db.execute("SELECT access_status FROM companies WHERE name = 'Journey Robotics'").fetchone()[0] != "granted":
        assert time.monotonic() < deadline, "the admin's Grant click left Journey Robotics without access for 45 s"
        time.sleep(0.3)
    admin_page.context.close()

    # post a job
    open_home(recruiter_page, url)
    expect(recruiter_page.get_by_text("Your company has access")).to_be_visible()
    shot(recruiter_page, "recruiter_home")
    recruiter_page.get_by_role("link", name="Post a job").first.click()
    post = recruiter_page.locator("[data-testid='stForm']").filter(has_text="Post job")
    post.get_by_label("Title *", exact=True).fill("Robotics Software Engineer")
    post.get_by_label("Location *", exact=True).fill("Munich, Germany")
    post.get_by_label("Description *", exact=True).fill("Write the motion-planning software of our warehouse robots in C++ and Python.")
    post.get_by_label("Required skills (comma separated)", exact=True).fill("C++, Python, ROS")
    assert_accessible(recruiter_page, "post a job")
    post.get_by_role("button", name="Post job").click()
    expect(recruiter_page.get_by_text(re.compile("is live|held for the admin's review"))).to_be_visible()
    # the posting checks: fraud screening and the category classifier (a score/suggestion where models exist)
    # (the fraud model and a category classifier on the pretrained encoder ship, so a fresh machine has both)
    expect(recruiter_page.get_by_text("Fraud screening: risk").first).to_be_visible()
    expect(recruiter_page.get_by_text(re.compile("Category check: '|The classifier suggests")).first).to_be_visible()
    shot(recruiter_page, "recruiter_posted")
    job_id = db.execute("SELECT id FROM jobs WHERE title = 'Robotics Software Engineer'").fetchone()[0]

    # two candidates apply
    for name in ("Ben Builder", "Cleo Coder"):
        candidate = accounts.sign_up_candidate(db, name=name, email=f"{name.split()[0].lower()}@example.com",
                                               password="Robot-pass-2718", location="Munich", skills=["Python", "C++", "ROS"])
        applications.apply(db, candidate, job_id, cover_letter=f"{name} would love to build robots.")

    # applicants: review, shortlist, schedule, hold, decide
    recruiter_page.goto(f"{url}/recruiter?tab=applicants&job={job_id}")
    expect(recruiter_page.get_by_text("Ben Builder").first).to_be_visible()
    expect(recruiter_page.get_by_text("Ranked by fit to the job.")).to_be_visible()
    shot(recruiter_page, "recruiter_applicants")
    ben = db.execute("SELECT a.id FROM applications a JOIN users u ON u.id = a.candidate_id "
                     "WHERE u.name = 'Ben Builder'").fetchone()[0]

    def status() -> str:
        return db.execute("SELECT status FROM applications WHERE id = ?", [ben]).fetchone()[0]

    move_applicant(recruiter_page, ben, "Ben Builder", "Under review", status)
    move_applicant(recruiter_page, ben, "Ben Builder", "Shortlisted", status)
    # schedule the interview in a room (tomorrow 10:00, the form's default)
    booking = open_schedule_form(recruiter_page, url, ben)
    assert_accessible(recruiter_page, "schedule an interview")
    submit_schedule(recruiter_page, booking)
    shot(recruiter_page, "recruiter_scheduled")
    assert db.execute("SELECT status FROM applications WHERE id = ?", [ben]).fetchone()[0] == "interview_scheduled"

    # hold it: the host opens the room from Upcoming (a fresh load lists the new booking)
    join_room_from_interviews(recruiter_page, url)
    expect(recruiter_page.get_by_role("heading", name="Code pad")).to_be_visible()
    assert_accessible(recruiter_page, "interview room (host)")
    shot(recruiter_page, "recruiter_interview_room")
    # ... the interview takes place; afterwards it is in the past
    db.execute("UPDATE interviews SET starts_at = ? WHERE application_id = ?",
               [(datetime.now(timezone.utc) - timedelta(hours=2)).replace(microsecond=0).isoformat(), ben])

    # decide in the interview's history: offer
    recruiter_page.goto(f"{url}/interviews")
    recruiter_page.get_by_role("tab", name="History").click()
    held = recruiter_page.get_by_test_id("stExpander").filter(has_text="No decision yet").first
    held.locator("summary").first.click()
    held.get_by_label("Notes", exact=True).fill("Clear motion-planning answers; strong C++.")
    held.get_by_role("button", name="Offer").click()
    recruiter_page.get_by_role("tab", name="History").wait_for()
    for _ in range(60):
        if db.execute("SELECT status FROM applications WHERE id = ?", [ben]).fetchone()[0] == "offered":
            break
        recruiter_page.wait_for_timeout(500)
    assert db.execute("SELECT status FROM applications WHERE id = ?", [ben]).fetchone()[0] == "offered"
    shot(recruiter_page, "recruiter_decided")

    # the pipeline dashboard moved
    nav(recruiter_page, "Hiring pipeline")
    offers = recruiter_page.get_by_test_id("stMetric").filter(has_text="Offers")
    expect(offers).to_contain_text("1")
    expect(recruiter_page.get_by_test_id("stMetric").filter(has_text="Applications")).to_contain_text("2")
    assert_accessible(recruiter_page, "pipeline")
    shot(recruiter_page, "recruiter_pipeline")
    recruiter_page.context.close()
