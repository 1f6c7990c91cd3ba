"""Helpers of the browser journeys: start the servers the way `make run` does on a prepared data dir, open
Debian chromium, wait for Streamlit's step-wise rendering, check accessibility basics, save screenshots."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TIMEOUT_MS = 45_000   # the shared 2-core machine can be slow to rerun a page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(data_dir: Path, **extra: str) -> dict:
    return {**os.environ, "JOBEXPRESSWAY_DATA_DIR": str(data_dir), "JOBEXPRESSWAY_BCRYPT_ROUNDS": "4",
            "JOBEXPRESSWAY_DEMO_ACCOUNTS": "1", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}


# How long a server may take to answer: a cold Streamlit start imports TensorFlow, torch and aiortc, which on a
# loaded 2-core CI machine (load average ~10) took over 60 s; a server that is merely slow must not fail a test.
SERVER_START_S = 180


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = SERVER_START_S) -> None:
    """Return once ``url`` answers 200; fail with the server's log when it exits or the deadline passes."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
                last = f"HTTP {answer.status}"
        except OSError as exc:
            last = str(exc)
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited (code {proc.returncode}) before {url} answered:\n"
                               f"{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s (last: {last}):\n{log.read_text()[-3000:]}")
        time.sleep(0.3)


@contextmanager
def running(args: list[str], log_path: Path, env: dict, ready_url: str, timeout: float = SERVER_START_S):
    """The one way tests and benches start a server: a process (output in ``log_path``), ready once
    ``ready_url`` answers (else a RuntimeError with its log), stopped afterwards."""
    log = open(log_path, "w")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(ready_url, proc, log_path, timeout=timeout)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def streamlit_command(script: str, port: int) -> list[str]:
    """`make run`'s server (streamlit run, headless, loopback) on ``port``."""
    return [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"]


@contextmanager
def streamlit_server(data_dir: Path, log_dir: Path, env: dict, script: str = "Home.py", log_path: Path | None = None,
                     port: int | None = None):
    """`make run`'s server on a free port (or ``port``, when the environment must name it beforehand);
    ``script`` swaps in another app (the room tests' harness). Yields its URL."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    with running(streamlit_command(script, port), log_path or log_dir / "streamlit.log", env, f"{url}/_stcore/health"):
        yield url


@contextmanager
def coach_server(log_dir: Path, env: dict):
    """`make run`'s second server: the Gradio interview coach (gradio_chat/app.py) on a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running([sys.executable, "gradio_chat/app.py"], log_dir / "coach.log", {**env, "COACH_PORT": str(port)},
                 url, timeout=240):
        yield url


def wait_rerun(page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait (best effort) until Streamlit has finished running the script: its status widget goes away. A
    fragment polling every few seconds (a progress panel) keeps it coming back, so callers still wait for the
    specific element they need."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_timeout(200)
    try:
        page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=timeout_ms)
    except PlaywrightTimeout:
        pass


def wait_script_idle(page, what: str, timeout_s: float = 60) -> None:
    """Until the app's script is not running (Streamlit marks its root element with the run's state): every
    element of the last run is drawn. Not for pages with a fragment that reruns on a timer."""
    wait_for(lambda: page.evaluate("() => document.querySelector('[data-testid=stApp]')"
                                   "?.getAttribute('data-test-script-state')") == "notRunning",
             timeout_s, what, step=0.2)


def shot(page, name: str) -> Path:
    """A screenshot of the visible screen (PNG, viewport only to keep files small)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wait_rerun(page, 8000)
    path = SCREENSHOTS / f"journey_{name}.png"
    page.screenshot(path=str(path))
    return path


A11Y_JS = """() => {
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const unlabelled = [];
  for (const el of document.querySelectorAll('input, textarea, select')) {
    // tabindex=-1: a widget's internal mirror (the date picker's native input), outside the focus order
    if (el.type === 'hidden' || !visible(el) || el.getAttribute('tabindex') === '-1') continue;
    const byFor = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    const labelledBy = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .some(id => (document.getElementById(id)?.textContent || '').trim());
    const ok = (el.getAttribute('aria-label') || '').trim() || labelledBy || byFor || el.closest('label')
      || (el.getAttribute('title') || '').trim();
    if (!ok) unlabelled.push(el.outerHTML.slice(0, 160));
  }
  const noAlt = [...document.querySelectorAll('img')].filter(i => visible(i) && !i.hasAttribute('alt'))
    .map(i => i.outerHTML.slice(0, 160));
  const buttons = [...document.querySelectorAll('button')].filter(b => visible(b)
    && !(b.textContent || '').trim() && !(b.getAttribute('aria-label') || '').trim() && !(b.getAttribute('title') || '').trim())
    .map(b => b.outerHTML.slice(0, 160));
  return {unlabelled, noAlt, buttons};
}"""


def accessibility_problems(page) -> dict:
    """Form fields without a label, images without alt text, buttons without a name (on the current screen)."""
    wait_rerun(page, 8000)
    found = page.evaluate(A11Y_JS)
    return {k: v for k, v in found.items() if v}


def start_camera(page) -> None:
    """Press the room player's "Start camera" until the call is signalling. The consent choice just before
    reruns the page and replaces the player's iframe, so a click may land in the old one and be lost."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    player = page.frame_locator('iframe[src*="webrtc_streamer"]').first
    for _ in range(4):
        try:
            player.get_by_role("button", name="Start camera").click(timeout=30_000)
            player.get_by_role("button", name="Leave call").wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the camera did not start")


# --- steps of the journeys, shared by the one-server journeys (test_journeys) and the cluster journey ---

def new_page(browser):
    """A page in a browser context of its own (a person's browser: own cookies, camera allowed)."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True,
                                  permissions=["camera", "microphone"])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def open_home(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="JobExpressway").first.wait_for()
    wait_rerun(page)


def nav(page, name: str) -> None:
    """Click a page in the sidebar menu."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    wait_rerun(page)


def sign_in_with_keyboard(page, url: str, email: str, password: str) -> None:
    """Sign in without the mouse: focus the email field, type, Tab to the password, type, Enter submits."""
    from playwright.sync_api import expect

    open_home(page, url)
    nav(page, "Sign in")
    email_box = page.get_by_label("Email", exact=True)
    email_box.focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    wait_rerun(page)
    # The session cookie is written by a script in the page a moment after the signed-in page shows (Streamlit
    # sends no Set-Cookie): a page load before that would be signed out.
    wait_for(lambda: any(c["name"] == "jx_session" for c in page.context.cookies()), 45,
             f"the session cookie after {email} signed in")


def open_job_from_search(page, query: str, title: str) -> None:
    """Browse jobs, search for ``query`` and open the job called ``title``."""
    from playwright.sync_api import expect

    nav(page, "Browse jobs")
    search = page.get_by_role("textbox", name="Search jobs")
    search.fill(query)
    search.press("Enter")
    wait_rerun(page)
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def send_application(page, cover_letter: str) -> None:
    """On a job's page, with the resume already chosen: write the cover letter and apply."""
    from playwright.sync_api import expect

    page.get_by_label("Cover letter (optional)", exact=True).fill(cover_letter)
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.get_by_text("Application sent")).to_be_visible()


def applicant_panel(page, app_id: int, name: str):
    """The expander of one application on the recruiter's Applicants tab."""
    return page.get_by_test_id("stExpander").filter(has_text=f"#{app_id} {name}")


def move_applicant(page, app_id: int, name: str, expected_label: str, status_of) -> None:
    """One click on 'Change status' in the applicant's panel (its next status is preselected); waits until
    ``status_of()`` (the application's status in the database) changes and the panel shows ``expected_label``.

    The panel keeps its identity through a status change (its expander is keyed), so it stays open; it used
    to be replaced by a new, closed one after each change, and a click landing during that replacement was
    lost. The change is made in the button's callback, so one run draws it (no st.rerun() that could
    override a click made meanwhile)."""
    from playwright.sync_api import expect

    # a settled page, as a person sees it before clicking: a click while a run (the previous change, a
    # download) is still drawing may carry the choice the select box showed before that run
    wait_script_idle(page, f"the page to settle before moving application {app_id} to {expected_label}")
    before = status_of()
    box = applicant_panel(page, app_id, name)
    if not box.get_by_role("button", name="Change status").is_visible():
        box.locator("summary").first.click()
    box.get_by_role("button", name="Change status").click()
    wait_for(lambda: status_of() != before, 45, f"one click on 'Change status' to move application {app_id} "
             f"on from {before}", step=0.3)
    panel = applicant_panel(page, app_id, name)
    expect(panel.locator("summary").first).to_contain_text(expected_label)
    expect(panel.get_by_text("Timeline", exact=True)).to_be_visible()  # the panel stayed open


def open_schedule_form(page, url: str, app_id: int):
    """The Interviews page's Schedule tab for one shortlisted application; returns its form."""
    page.goto(f"{url}/interviews?application={app_id}")
    page.get_by_role("tab", name="Schedule").click()
    return page.locator("[data-testid='stForm']").filter(has_text="Schedule and send the invitation")


def submit_schedule(page, booking) -> None:
    """Book the interview with the form's defaults (tomorrow 10:00) and wait for the confirmation."""
    from playwright.sync_api import expect

    booking.get_by_role("button", name="Schedule and send the invitation").click()
    expect(page.get_by_text("Scheduled “").first).to_be_visible()


def join_room_from_interviews(page, url: str, consent: str = "Join without recording") -> None:
    """Open the first upcoming interview's room from the Interviews page (a fresh load lists a new booking)
    and answer the recording question with the button ``consent``."""
    page.goto(f"{url}/interviews")
    page.get_by_role("link", name="Join the room").first.click()
    page.get_by_role("button", name=consent).click()
    page.get_by_text("This interview may be recorded").wait_for(state="detached")


def ace_text(page) -> str:
    """The code pad's text as its Ace editor shows it ('' while the editor is being replaced)."""
    try:
        frame = page.frame_locator('iframe[src*="streamlit_ace"]').first
        return frame.locator(".ace_content").inner_text(timeout=2000)
    except Exception:
        return ""


def type_in_pad(page, text: str) -> None:
    """Type ``text`` on a new line at the end of the code pad."""
    editor = page.frame_locator('iframe[src*="streamlit_ace"]').first
    editor.locator(".ace_content").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text, delay=20)
