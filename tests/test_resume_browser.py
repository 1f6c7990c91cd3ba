"""The public share link in a real browser (Debian chromium through Playwright): a guest opens it and sees
the resume pages and the PDF download; a forged token shows "not found"."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from engine import store
from engine.resume import repository as repo
from engine.resume import share
from engine.resume.samples import sample_resume
from resume_helpers import add_user

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(data_dir):
    port = free_port()
    env = {**os.environ, "JOBEXPRESSWAY_DATA_DIR": str(data_dir), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "Home.py", "--server.headless", "true",
                             "--server.address", "127.0.0.1", "--server.port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_guest_opens_share_link_and_forged_link_is_not_found(server, data_dir):
    from playwright.sync_api import sync_playwright

    db = store.connect(data_dir)
    me = add_user(db, "Zoë Ø'Brien", "zoe@example.com")
    stored = repo.create_resume(db, me, "CV", "modern", sample_resume("Zoë Ø'Brien"))
    token = share.create_share(db, me, stored.id)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(f"{server}/resume_share?token={token}")
        page.get_by_role("heading", name="Zoë Ø'Brien").wait_for(timeout=60000)
        page.get_by_text("Download PDF").wait_for(timeout=30000)
        page.locator("img").first.wait_for(timeout=30000)
        shots = ROOT / "artifacts" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "resume_share.png"))
        page.goto(f"{server}/resume_share?token={token[:-3]}abc")
        page.get_by_text("not found").first.wait_for(timeout=60000)
        browser.close()
