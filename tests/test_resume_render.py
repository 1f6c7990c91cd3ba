import pytest

from engine.resume.model import Resume, Personal
from engine.resume.render import render_pdf
from engine.resume.samples import long_resume, sample_resume
from engine.resume.templates import TEMPLATES
from engine.resume.thumbnails import page_count, thumbnail
from resume_helpers import pdf_text

NAMES = ["classic", "modern", "compact"]


def test_three_templates_exist():
    assert set(NAMES) <= set(TEMPLATES)


@pytest.mark.parametrize("template", NAMES)
def test_pdf_has_unicode_names_and_leaves_empty_sections_out(template):
    r = sample_resume("José Müller")
    r.experience[0].company = "Zoë Ø'Brien Ltd"
    r.certifications, r.languages, r.projects = [], [], []
    text, pages = pdf_text(render_pdf(r, template))
    assert pages == 1
    assert "José Müller" in text and "Zoë Ø'Brien Ltd" in text
    assert "Data Analytics Intern" in text and "Technische Universität Berlin" in text
    for absent in ("Certifications", "CERTIFICATIONS", "Languages", "LANGUAGES", "Projects", "PROJECTS"):
        assert absent not in text


@pytest.mark.parametrize("template", NAMES)
def test_long_resume_spans_pages_with_numbered_footers(template):
    pdf = render_pdf(long_resume(8, 6), template)
    text, pages = pdf_text(pdf)
    assert pages >= 3
    assert f"page {pages}/{pages}" in text
    assert "Delivered project 8.6" in text   # nothing lost at the end


@pytest.mark.parametrize("template", NAMES)
def test_no_heading_is_left_alone_at_the_foot_of_a_page(template):
    """Every page's last text line must not be a section title."""
    from pypdf import PdfReader
    import io

    titles = {"profile", "experience", "education", "projects", "skills", "certifications", "languages", "links"}
    reader = PdfReader(io.BytesIO(render_pdf(long_resume(7, 5), template)))
    for page in reader.pages:
        lines = [ln.strip().lower() for ln in page.extract_text().splitlines() if ln.strip() and "page " not in ln]
        assert lines and lines[-1] not in titles


@pytest.mark.parametrize("template", NAMES)
def test_emoji_rtl_cjk_and_control_characters_never_break_the_pdf(template):
    r = sample_resume()
    r.summary = "Analyst 🚀 ✓ — שלום עולם — مرحبا بالعالم — 中文 — tab\there\x07"
    r.personal.name = "محمد Müller"
    pdf = render_pdf(r, template)
    text, pages = pdf_text(pdf)
    assert pdf.startswith(b"%PDF") and pages == 1
    assert "Müller" in text and "Analyst" in text


def test_minimal_resume_renders_and_unknown_template_is_a_clear_error():
    text, _ = pdf_text(render_pdf(Resume(personal=Personal(name="Ana", email="a@b.co")), "classic"))
    assert "Ana" in text
    with pytest.raises(ValueError, match="no template called 'nope'"):
        render_pdf(sample_resume(), "nope")


def test_thumbnail_is_a_png_of_the_pdf_and_is_cached(data_dir):
    r = sample_resume()
    png = thumbnail(r, "modern", 200)
    assert png.startswith(b"\x89PNG")
    from PIL import Image
    import io
    img = Image.open(io.BytesIO(png))
    assert img.width == 200 and abs(img.height / img.width - 297 / 210) < 0.02
    cached = list((data_dir / "cache" / "resume_thumbs").glob("*.png"))
    assert len(cached) == 1 and cached[0].read_bytes() == png
    # the sidebar design is teal on the left: the first page really came from that PDF
    r_, g, b = img.convert("RGB").getpixel((5, img.height // 2))
    assert (r_, g, b) != (255, 255, 255) and g > r_
    other = thumbnail(r, "classic", 200)
    assert other != png and Image.open(io.BytesIO(other)).convert("RGB").getpixel((5, img.height // 2)) == (255, 255, 255)


def test_page_count_matches_pypdf():
    pdf = render_pdf(long_resume(8, 6), "modern")
    assert page_count(pdf) == pdf_text(pdf)[1]


def test_without_system_fonts_the_pdf_falls_back_to_core_fonts(monkeypatch, tmp_path):
    from engine.resume import fonts

    monkeypatch.setattr(fonts, "SYSTEM_DIR", tmp_path)   # a machine without DejaVu
    r = sample_resume("Zoë Ø'Brien")
    r.summary = "Analyst 🚀 — مرحبا"
    text, pages = pdf_text(render_pdf(r, "modern"))
    assert pages == 1 and "Zoë Ø'Brien" in text and "Analyst ?" in text


def test_thumbnail_cache_is_pruned_oldest_first(data_dir, monkeypatch):
    import os
    import time as _time

    from engine.resume import thumbnails

    monkeypatch.setattr(thumbnails, "MAX_CACHED", 2)
    r = sample_resume()
    paths = []
    folder = data_dir / "cache" / "resume_thumbs"
    for i in range(3):
        r.summary = f"Version {i}"
        before = set(folder.glob("*.png")) if folder.exists() else set()
        thumbnails.thumbnail(r, "compact", 120)
        [new] = set(folder.glob("*.png")) - before
        os.utime(new, (_time.time() + i, _time.time() + i))
        paths.append(new)
    left = set((data_dir / "cache" / "resume_thumbs").glob("*.png"))
    assert left == set(paths[1:])


def test_modern_sidebar_overflow_continues_on_the_next_page():
    r = sample_resume()
    r.skills = [f"Skill number {i}" for i in range(60)]
    text, pages = pdf_text(render_pdf(r, "modern"))
    assert pages == 2 and all(f"Skill number {i}" in text for i in range(60))


def test_undrawable_characters_are_reported():
    from engine.resume import fonts

    assert fonts.undrawable("José Ø'Brien — שלום مرحبا ✓") == []
    assert fonts.undrawable("Analyst 🚀 中文") == ["中", "文", "🚀"]
