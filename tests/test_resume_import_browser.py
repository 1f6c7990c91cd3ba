"""In a real browser (Debian chromium through Playwright): a candidate uploads their PDF in the resume
builder, corrects one field of what was read, saves, and downloads the result as an editable DOCX."""
import io
from pathlib import Path

import pytest

from engine import store
from engine.accounts import sign_up_candidate
from engine.resume import repository as repo
from engine.resume.render import render_pdf
from engine.resume.samples import sample_resume
from journey_helpers import (CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, server_env, streamlit_server, wait_rerun,
                             wait_script_idle)

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")]


def test_upload_pdf_correct_a_field_save_and_export_docx(data_dir, tmp_path):
    import docx
    from playwright.sync_api import expect, sync_playwright

    db = store.connect(data_dir)
    me = sign_up_candidate(db, name="José Müller", email="jose@example.com", password="Candidate123!",
                           location="Berlin")
    cv = tmp_path / "my_cv.pdf"
    cv.write_bytes(render_pdf(sample_resume(), "classic"))
    env = server_env(data_dir, JOBEXPRESSWAY_DEMO_ACCOUNTS="0")
    with streamlit_server(data_dir, tmp_path, env) as url, sync_playwright() as p:
        expect.set_options(timeout=TIMEOUT_MS)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        wait_rerun(page)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sign in", exact=True).click()
        wait_rerun(page)
        page.get_by_label("Email", exact=True).fill("jose@example.com")
        page.get_by_label("Password", exact=True).fill("Candidate123!")
        page.get_by_label("Password", exact=True).press("Enter")
        wait_rerun(page)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Resume builder", exact=True).click()
        wait_rerun(page)

        page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(cv))
        page.get_by_role("button", name="Read this file").click()
        expect(page.get_by_text("This is what an applicant-tracking system reads from your file")).to_be_visible()
        title = page.get_by_label("Job title", exact=True).first
        expect(title).to_have_value("Data Analytics Intern")
        title.fill("Data Analyst Intern")
        page.get_by_role("button", name="Create a resume from it").click()
        wait_rerun(page)
        expect(page.get_by_text("Resume created.")).to_be_visible()
        wait_script_idle(page, "the builder drawn for the new resume")

        [stored] = repo.list_resumes(db, me)
        assert stored.resume.experience[0].title == "Data Analyst Intern"
        assert stored.resume.personal.phone == "+49 30 5550 1234"

        with page.expect_download(timeout=TIMEOUT_MS) as download:
            page.get_by_role("button", name="Word (.docx)").click()
        word = docx.Document(io.BytesIO(Path(download.value.path()).read_bytes()))
        entries = [para.text for para in word.paragraphs if para.style.name == "Heading 2"]
        assert "Data Analyst Intern" in entries
        browser.close()
