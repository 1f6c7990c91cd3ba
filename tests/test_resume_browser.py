"""The public share link in a real browser (Debian chromium through Playwright): a guest opens it and sees
the resume pages and the PDF download; a forged token shows "not found"."""
from pathlib import Path

import pytest

from engine import store
from engine.resume import repository as repo
from engine.resume import share
from engine.resume.samples import sample_resume
from journey_helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, server_env, streamlit_server
from resume_helpers import add_user

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")]


@pytest.fixture
def server(data_dir, tmp_path):
    port = free_port()  # the share links name the server, so its address is known before it starts
    env = server_env(data_dir, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    with streamlit_server(data_dir, tmp_path, env, port=port) as url:
        yield url


def test_guest_opens_share_link_and_forged_link_is_not_found(server, data_dir):
    from playwright.sync_api import sync_playwright

    db = store.connect(data_dir)
    me = add_user(db, "Zoë Ø'Brien", "zoe@example.com")
    stored = repo.create_resume(db, me, "CV", "modern", sample_resume("Zoë Ø'Brien"))
    token = share.create_share(db, me, stored.id)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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
