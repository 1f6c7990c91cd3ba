import pytest

from engine.resume.model import (LIMITS, Education, Experience, Personal, Resume, add_entry, errors, from_profile,
                                 move_entry, parse_date, remove_entry, validate)
from engine.resume.samples import sample_resume


def test_json_round_trip_keeps_everything_including_emoji_and_rtl():
    r = sample_resume()
    r.summary = "Curious analyst 🚀 — שלום — مرحبا"
    r.order = ["projects", "experience"]
    back = Resume.from_json(r.to_json())
    assert back == r
    assert "🚀" in back.summary and "مرحبا" in back.summary


def test_from_dict_ignores_unknown_keys_and_coerces_form_input():
    r = Resume.from_dict({"personal": {"name": "A", "bogus": 1}, "skills": "Python, SQL\nGit",
                          "experience": [{"title": "Dev", "bullets": "one\n\ntwo", "current": 1}]})
    assert r.skills == ["Python", "SQL", "Git"]
    assert r.experience[0].bullets == ["one", "two"] and r.experience[0].current is True


@pytest.mark.parametrize("text,expected", [("2021", (2021, 1)), ("2021-09", (2021, 9)), ("09/2021", (2021, 9)),
                                           ("Sep 2021", (2021, 9)), ("Present", None), ("", None), ("soon", None)])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_end_before_start_is_an_error_with_a_clear_message():
    r = sample_resume()
    r.experience[0] = Experience(title="Intern", start="2023-06", end="2022-01")
    _, notices = validate(r)
    errs = errors(notices)
    assert len(errs) == 1
    assert errs[0].where == "Experience 1 → end"
    assert "before it begins" in errs[0].message


def test_name_and_email_required_and_email_checked():
    _, notices = validate(Resume(personal=Personal(name=" ", email="not-an-email")))
    messages = [str(n) for n in errors(notices)]
    assert any("name is required" in m for m in messages)
    assert any("does not look like an email" in m for m in messages)


def test_overlong_fields_are_cut_with_a_notice_not_rejected():
    r = sample_resume()
    r.summary = "x" * 5000
    r.experience[0].bullets = ["b" * 900] + [f"bullet {i}" for i in range(20)]
    cleaned, notices = validate(r)
    assert len(cleaned.summary) == LIMITS["summary"]
    assert len(cleaned.experience[0].bullets[0]) == LIMITS["bullet"]
    assert len(cleaned.experience[0].bullets) == LIMITS["max_bullets"]
    assert not errors(notices)
    assert any("shortened to 1200" in n.message for n in notices)
    assert r.summary == "x" * 5000   # the input is not changed


def test_current_job_ignores_end_date_and_unreadable_dates_warn():
    r = sample_resume()
    r.experience[0].current, r.experience[0].end = True, "2024-01"
    r.education[0].start = "autumn-ish"
    cleaned, notices = validate(r)
    assert cleaned.experience[0].end == ""
    assert any("could not read the date" in n.message for n in notices)


def test_from_profile_prefills_contact_skills_and_notes():
    row = {"name": "Zoë Ø'Brien", "email": "zoe@example.com", "location": "Dublin", "headline": "Graduate engineer",
           "skills": '["Python", "python", "CAD"]', "education": "BEng Mechanical, UCD\n",
           "experience": "Summer intern, Intel\n- built test rigs\n- wrote reports"}
    r = from_profile(row)
    assert r.personal.name == "Zoë Ø'Brien" and r.personal.headline == "Graduate engineer"
    assert r.skills == ["Python", "CAD"]
    assert r.education == [Education(degree="BEng Mechanical, UCD")]
    assert r.experience[0].title == "Summer intern, Intel"
    assert r.experience[0].bullets == ["built test rigs", "wrote reports"]


def test_entry_helpers_are_pure():
    r = sample_resume()
    r2 = add_entry(r, "experience", {"title": "Tutor", "company": "School"})
    assert len(r.experience) == 1 and [e.title for e in r2.experience] == ["Data Analytics Intern", "Tutor"]
    r3 = move_entry(r2, "experience", 1, -1)
    assert [e.title for e in r3.experience] == ["Tutor", "Data Analytics Intern"]
    assert move_entry(r3, "experience", 0, -5).experience == r3.experience   # clamped
    r4 = remove_entry(r3, "experience", 0)
    assert [e.title for e in r4.experience] == ["Data Analytics Intern"]
    with pytest.raises(IndexError):
        remove_entry(r4, "experience", 3)
    assert add_entry(r, "skills", "Docker").skills[-1] == "Docker"
