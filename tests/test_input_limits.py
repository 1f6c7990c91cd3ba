"""Hostile input at every edge that stores user text: oversized strings and control characters are refused
with a message naming the field and its limit, and nothing is stored (engine/limits.py holds the limits)."""
import csv
import os

import pytest
from applications_fixtures import World, future

from engine import accounts, companies, limits
from engine import applications as A
from engine import recruiting as R
from engine.accounts import ValidationError
from engine.datasets.importers import ImportFormatError, import_csv
from engine.resume.model import Resume, validate

HUGE = "x" * 20_000_000          # the 20 MB profile of the report
FORGED = "Acme\r\nBcc: victim@x.test"


@pytest.fixture
def w(db):
    return World(db)


def count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _candidate(db, **kw):
    fields = dict(name="Dana", email="dana@x.test", password="Sunny-ledger-42", location="Berlin")
    return accounts.sign_up_candidate(db, **(fields | kw))


@pytest.mark.parametrize("field, limit", [("name", "100"), ("location", "120"), ("experience", "5,000"),
                                          ("education", "2,000")])
def test_sign_up_refuses_a_20_mb_field_and_creates_no_account(db, field, limit):
    with pytest.raises(ValidationError) as refused:
        _candidate(db, **{field: HUGE})
    assert f"the limit is {limit}" in refused.value.errors[field] and "20,000,000" in refused.value.errors[field]
    assert count(db, "users") == 0


def test_profile_update_refuses_huge_text_and_keeps_the_old_profile(db):
    actor = _candidate(db, experience="3 years of SQL")
    with pytest.raises(ValidationError) as refused:
        accounts.update_profile(db, actor, {"experience": HUGE, "headline": "Data engineer"})
    assert set(refused.value.errors) == {"experience"}
    profile = accounts.get_profile(db, actor)
    assert (profile["experience"], profile["headline"]) == ("3 years of SQL", None)


def test_a_10000_character_skill_is_refused_not_cut(db):
    actor = _candidate(db, skills=["Python"])
    with pytest.raises(ValidationError) as refused:
        accounts.update_profile(db, actor, {"skills": ["SQL", "y" * 10_000]})
    assert "10,000 characters long; a skill is at most 60" in refused.value.errors["skills"]
    assert accounts.get_profile(db, actor)["skills"] == ["Python"]
    with pytest.raises(ValidationError) as too_many:
        _candidate(db, email="other@x.test", skills=[f"skill {i}" for i in range(51)])
    assert "51 skills given; the limit is 50" in too_many.value.errors["skills"]


@pytest.mark.parametrize("name", [FORGED, "Acme\nLtd", "Acme\x00", "Acme\u2028Ltd"])
def test_company_names_with_control_characters_are_refused(db, name):
    with pytest.raises(ValidationError) as refused:
        accounts.sign_up_company(db, email="hr@acme.test", password="Sunny-ledger-42", company_name=name,
                                 industry="Retail", location="Paris")
    assert "cannot contain control characters or line breaks" in refused.value.errors["company_name"]
    assert count(db, "companies") == 0 and count(db, "users") == 0


def test_company_profile_and_access_request_refuse_forged_or_huge_text(w):
    with pytest.raises(ValidationError) as refused:
        companies.update_company(w.db, w.rec_a, {"name": FORGED})
    assert "Company name cannot contain control characters" in refused.value.errors["name"]
    assert companies.get_company(w.db, w.rec_a)["name"] == "Acme"
    with pytest.raises(ValidationError) as huge:
        companies.request_access(w.db, w.rec_a, HUGE)
    assert "the limit is 2,000" in huge.value.errors["message"]
    assert count(w.db, "access_requests") == 0 and count(w.db, "outbox") == 0


def test_a_10_mb_job_description_or_forged_title_is_refused(w):
    form = dict(title="Backend Engineer", description="y" * 10_000_000, location="Remote", category="Software Engineering",
                deadline=future())
    with pytest.raises(R.JobValidationError) as refused:
        R.post_job(w.db, w.rec_a, form)
    assert "Description is 10,000,000 characters long; the limit is 50,000" in str(refused.value)
    with pytest.raises(R.JobValidationError) as forged:
        R.post_job(w.db, w.rec_a, form | {"description": "Build APIs", "title": "Engineer\r\nBcc: x@y.test"})
    assert "Title cannot contain control characters" in str(forged.value)
    jobs_before = count(w.db, "jobs")
    job = R.post_job(w.db, w.rec_a, form | {"description": "Build APIs"})
    assert count(w.db, "jobs") == jobs_before + 1
    with pytest.raises(R.JobValidationError):
        R.edit_job(w.db, w.rec_a, job["id"], {"requirements": HUGE})
    assert R.edit_job(w.db, w.rec_a, job["id"], {})["requirements"] in ("", None)


def test_a_huge_cover_letter_is_refused_before_anything_is_stored(w):
    with pytest.raises(A.ApplyRefused, match="Cover letter is 20,000,000 characters long; the limit is 10,000"):
        A.apply(w.db, w.cand, w.job_a, cover_letter=HUGE)
    assert count(w.db, "applications") == 0 and count(w.db, "outbox") == 0
    assert A.apply(w.db, w.cand, w.job_a, cover_letter="z" * 10_000)["cover_letter"] == "z" * 10_000


def test_import_of_a_binary_file_answers_briefly(db, tmp_path):
    binary = tmp_path / "photo.csv"
    binary.write_bytes(os.urandom(170_000))
    with pytest.raises(ImportFormatError) as refused:
        import_csv(db, binary)
    assert "not a CSV text file" in str(refused.value) and len(str(refused.value)) < 300
    assert count(db, "jobs") == 0


def test_import_error_quotes_a_huge_header_only_in_part(db, tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text("a" * 170_000 + ",b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as refused:
        import_csv(db, wide)
    assert "has columns" in str(refused.value) and len(str(refused.value)) < 600


def test_import_skips_rows_over_the_limits_with_a_short_message(db, tmp_path):
    path = tmp_path / "jobs.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["title", "description", "salary_min"])
        out.writerow(["Data Engineer", "Pipelines", ""])
        out.writerow(["Clerk", "y" * 60_000, ""])
        out.writerow(["Nurse", "Care", "9" * 100_000 + "x"])
    report = import_csv(db, path, "title=title,description=description,salary_min=salary_min")
    assert (report.taken, report.skipped) == (1, 2)
    assert report.reasons["text over its size limit"] == 1
    assert "Description is 60,000 characters long; the limit is 50,000" in report.messages[0]
    assert all(len(m) < 400 for m in report.messages)
    assert [r["title"] for r in db.query("SELECT title FROM jobs")] == ["Data Engineer"]


def test_resume_caps_come_from_the_one_place_and_links_are_bounded():
    resume = Resume.from_dict({"personal": {"name": "N" * 500, "email": "a@b.test"},
                               "links": [f"https://x.test/{i}" for i in range(50)]})
    cleaned, notices = validate(resume)
    assert len(cleaned.personal.name) == limits.FIELDS["name"].max_chars
    assert len(cleaned.links) == limits.RESUME["max_links"]
    assert any("links are kept" in n.message for n in notices)


def test_limit_messages_never_echo_the_value():
    message = limits.text_problem("secret" * 1000, limits.FIELDS["name"])
    assert "secret" not in message and len(message) < 120
    assert len(limits.excerpt("\x00" * 10_000)) <= limits.EXCERPT_CHARS + 1


def test_a_salary_of_a_thousand_digits_is_a_message_not_a_crash(w):
    form = dict(title="Backend Engineer", description="Build APIs", location="Remote", category="Software Engineering",
                deadline=future(), salary_min="9" * 1000)
    with pytest.raises(R.JobValidationError, match="Minimum salary must be a number"):
        R.post_job(w.db, w.rec_a, form)


def test_profile_page_shows_the_limit_and_keeps_the_profile(db):
    from conftest import open_page

    actor = _candidate(db, experience="3 years of SQL")
    at = open_page("pages/account.py", actor)
    at.text_area(key="profile_experience").input("z" * 6_000)
    at.multiselect(key="profile_skills").select("w" * 10_000)
    next(b for b in at.button if b.label == "Save profile").click().run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "Experience is 6,000 characters long; the limit is 5,000" in shown
    assert "10,000 characters long; a skill is at most 60" in shown
    profile = accounts.get_profile(db, actor)
    assert (profile["experience"], profile["skills"]) == ("3 years of SQL", [])
