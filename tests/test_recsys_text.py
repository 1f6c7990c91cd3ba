"""Texts the encoder sees (no model needed)."""
from engine.recsys.text import as_list, clean, job_text, profile_like_text, profile_text, resume_text

JOB = {"title": "Data Scientist", "description": "<p>Build <b>models</b> &amp; dashboards. " + "word " * 200 + "</p>",
       "responsibilities": "Own experiments.", "required_skills": '["Python", "SQL"]', "education_level": "Master's degree",
       "location": "Boston, MA", "requirements": "3 years as a Data Scientist with Python and SQL."}


def test_job_text_keeps_title_skills_education_and_cuts_the_description():
    text = job_text(JOB)
    assert text.startswith("Data Scientist. Build models & dashboards.")
    assert "<" not in text and "Skills: Python, SQL" in text and "Education: Master's degree" in text
    assert "Own experiments" in text
    assert len(text.split()) < 130


def test_clean_strips_urls_emails_and_missing_markers():
    assert clean("Apply at https://x.io/jobs or hr@x.io\n\n now") == "Apply at or now"
    assert clean("-1") == "" and clean(None) == ""


def test_as_list_reads_json_csv_and_dedupes():
    assert as_list('["Python", "python", "SQL"]') == ["Python", "SQL"]
    assert as_list("Excel; Word,  Access") == ["Excel", "Word", "Access"]
    assert as_list([{"name": "Go"}, "Rust"]) == ["Go", "Rust"]


def test_profile_text_uses_filled_fields_only():
    text = profile_text({"headline": "Nurse", "skills": '["BLS", "Patient care"]', "location": "Austin", "education": ""})
    assert text == "Nurse. Skills: BLS, Patient care. Location: Austin"
    assert profile_text({"skills": "[]"}) == ""


def test_resume_text_reads_the_resume_builder_document():
    resume = {"personal": {"name": "Ann", "headline": "Backend developer"}, "summary": "Five years of APIs.",
              "experience": [{"title": "Engineer", "company": "Acme", "bullets": ["Built REST APIs", "Cut latency 40%"]}],
              "projects": [{"name": "Shop", "description": "Django store"}], "skills": ["Python", "Django"],
              "education": [{"degree": "BSc", "school": "MIT"}], "certifications": ["AWS SAA"], "languages": ["English"]}
    text = resume_text(resume)
    for part in ("Backend developer", "Five years of APIs", "Skills: Python, Django", "Built REST APIs",
                 "Django store", "BSc MIT", "AWS SAA"):
        assert part in text
    assert "Ann" not in text and resume_text({}) == "" and resume_text(None) == ""


def test_profile_like_text_removes_the_title():
    text = profile_like_text(JOB)
    assert "Data Scientist" not in text
    assert text.startswith("Skills: Python, SQL. 3 years as a with Python and SQL")
