import re

import pytest

from engine.resume import suggest
from engine.resume.model import Experience, Resume
from engine.resume.samples import sample_resume

JOB = {"title": "Data Analyst", "company": "Acme Analytics", "required_skills": ["SQL", "Tableau", "Python", "Power BI"],
       "description": "You will build dashboards in Tableau and query data with SQL."}
# words the writer uses as glue; anything capitalised beyond these must come from the user or the job
GLUE = {"Skilled", "Strengths", "Looking", "The", "A", "With"}


def assert_grounded(output: str, resume: Resume, job: dict | None, notes: str = ""):
    source = resume.to_json() + " " + suggest.job_text(job) + " " + notes
    for number in re.findall(r"\d+(?:[.,]\d+)?", output):
        assert number in source, f"invented number {number!r} in {output!r}"
    starts = {m.group(1) for m in re.finditer(r"(?:^|[.:]\s+)(\w+)", output)}   # capitalised by the writer
    for word in re.findall(r"\b[A-ZÀ-Ý][\w'’Ø-]*", output):
        if word in starts and word.lower() in source.lower():
            continue
        assert word in source or word in suggest.TEMPLATE_WORDS or word in GLUE, f"invented name {word!r} in {output!r}"


@pytest.fixture(autouse=True)
def no_key(monkeypatch):
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)


@pytest.mark.parametrize("job", [JOB, None])
def test_offline_summary_is_grounded_and_uses_the_job(job):
    r = sample_resume()
    s = suggest.generate_summary(r, job)
    assert s.source == "offline" and "GEMINI_API_KEY" in s.notice
    assert_grounded(s.text, r, job)
    assert "Technische Universität Berlin" in s.text and "BSc in Statistics" in s.text
    if job:
        assert "Data Analyst role at Acme Analytics" in s.text
        assert "Skilled in Python, SQL and Tableau." in s.text   # overlap with the job, in the user's order
        assert "12 managers" in s.text                          # the strongest own bullet (a figure + job skill)


def test_level_comes_from_dates_in_words_not_invented_figures():
    r = sample_resume()
    r.personal.headline = "Analyst"
    r.experience = [Experience(title="Analyst", company="X", start="2015-01", end="2022-12", bullets=["ran reports"])]
    s = suggest.generate_summary(r)
    assert s.text.startswith("Senior Analyst")
    assert_grounded(s.text, r, None)


@pytest.mark.parametrize("note,expected", [
    ("i was responsible for building weekly sales dashboards used by 12 managers",
     "Built weekly sales dashboards used by 12 managers"),
    ("helped with cleaning CRM data in SQL.", "Cleaned CRM data in SQL"),
    ("worked on improving load time by 40%", "Improved load time by 40%"),
    ("I made a website for 30 clients", "Built a website for 30 clients"),
    ("reports for the team", "Delivered reports for the team"),
    ("Led a team of 4", "Led a team of 4"),
])
def test_strengthen_uses_action_verbs_and_keeps_figures(note, expected):
    assert suggest.strengthen(note) == expected


def test_offline_bullets_grounded_job_skills_first_and_tech_emphasised():
    r = sample_resume()
    r.experience[0].bullets = ["presented results monthly", "helped with cleaning CRM data in SQL",
                               "i was responsible for building dashboards used by 12 managers"]
    s = suggest.generate_bullets(r, "experience", 0, JOB)
    assert s.bullets[0] == "Cleaned CRM data in SQL"            # shows a skill the job wants
    assert "Built dashboards used by 12 managers" in s.bullets
    for b in s.bullets:
        assert_grounded(b, r, JOB)
    p = suggest.generate_bullets(r, "projects", 0, JOB, notes="Tuned the model. Wrote docs")
    assert p.bullets[0] == "Used Python"   # in the project's tech list and wanted by the job, but in no bullet
    assert {"Reached 0.82 R² with gradient boosting", "Tuned the model", "Wrote docs"} <= set(p.bullets)
    for b in p.bullets:
        assert_grounded(b, r, JOB, notes="Tuned the model. Wrote docs")


def test_offline_bullets_without_notes_ask_for_notes():
    r = sample_resume()
    r.experience[0].bullets = []
    s = suggest.generate_bullets(r, "experience", 0, JOB)
    assert s.bullets == [] and "Add a few notes" in s.notice


class FakeModels:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, []

    def generate_content(self, model, contents, config):
        self.calls.append((model, contents, config))
        if self.error:
            raise self.error
        return type("Response", (), {"text": self.answer})()


class FakeClient:
    def __init__(self, **kw):
        self.models = FakeModels(**kw)


def test_gemini_path_uses_the_client_model_and_grounding_prompt(monkeypatch):
    monkeypatch.setenv("GEMINI_MODEL", "gemini-test")
    client = FakeClient(answer="- Built dashboards used by 12 managers\n- Cut report time by 75%\n")
    s = suggest.generate_bullets(sample_resume(), "experience", 0, JOB, client=client)
    model, prompt, config = client.models.calls[0]
    assert model == "gemini-test" and "Never invent" in prompt and "Acme Analytics" in prompt
    assert config.max_output_tokens and s.source == "gemini"
    assert s.bullets == ["Built dashboards used by 12 managers", "Cut report time by 75%"]
    assert "Gemini (gemini-test)" in s.notice and "75" in s.notice   # an ungrounded figure is flagged


def test_gemini_summary_and_error_falls_back_offline_with_a_visible_notice():
    ok = suggest.generate_summary(sample_resume(), JOB, client=FakeClient(answer="Data analyst.\nStrong SQL."))
    assert ok.source == "gemini" and ok.text == "Data analyst. Strong SQL."
    failed = suggest.generate_summary(sample_resume(), JOB, client=FakeClient(error=TimeoutError("deadline")))
    assert failed.source == "offline" and "Gemini could not be used (TimeoutError: deadline)" in failed.notice
    assert failed.text == suggest.offline_summary(sample_resume(), JOB)
    empty = suggest.generate_summary(sample_resume(), JOB, client=FakeClient(answer="  "))
    assert empty.source == "offline" and "empty answer" in empty.notice


def test_key_set_but_client_cannot_be_built_falls_back(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "test-key")
    def broken(api_key, timeout_s):
        raise ConnectionError("unreachable")
    monkeypatch.setattr(suggest, "make_client", broken)
    s = suggest.generate_summary(sample_resume(), JOB)
    assert s.source == "offline" and "ConnectionError: unreachable" in s.notice


def test_make_client_builds_a_real_sdk_client_without_network():
    client = suggest.make_client("test-key", 5)
    assert hasattr(client.models, "generate_content")


def issue_profile() -> Resume:
    """The profile of issue #22: its experience sentence, a Master's, skills that repeat each other."""
    from engine.resume.model import from_profile

    return from_profile({"name": "Ana", "education": "Master's degree", "skills": '["Python", "SQL", "SQL Server", "MySQL"]',
                         "experience": "3 years as a data analyst: SQL reporting, dashboards, Python models for churn"})


def test_offline_summary_reads_as_a_recruiter_expects():
    from engine.resume import summary_check

    r = issue_profile()
    text = suggest.offline_summary(r)
    assert text == "Data analyst with 3 years of experience and a Master's degree. Skilled in Python and SQL."
    assert summary_check.check_resume_summary(text, r) == []


@pytest.mark.parametrize("summary, problem", [
    ("Early-career 3 years as a data analyst: SQL reporting with a Master's degree.", "the opening is not a role"),
    ("Data analyst with a Master's degree. Skilled in Python, SQL, SQL Server and MySQL.", "repeated skill 'SQL' / 'SQL Server'"),
    ("Early-career data analyst with 3 years of experience.", "'early-career' with 3 years shown"),
    ("Data analyst with a MSc.", "'a MSc'"),
    ("Data analyst at Google with 3 years of experience.", "name 'Google' not in the input"),
    ("Data analyst with 7 years of experience.", "figure 7 not in the input"),
    ("Data analyst. Delivered served customers.", "two verbs in a row"),
    ("Data analyst " + "who likes numbers " * 20 + ".", "words (at most 59)"),
])
def test_rubric_names_each_broken_rule(summary, problem):
    from engine.resume import summary_check

    assert any(problem in p for p in summary_check.check_resume_summary(summary, issue_profile())), problem


def test_a_gemini_summary_that_breaks_the_rubric_falls_back_offline():
    r = issue_profile()
    bad = suggest.generate_summary(r, None, client=FakeClient(answer="Seasoned analyst at Google with 9 years."))
    assert bad.source == "offline" and bad.text == suggest.offline_summary(r)
    assert "broke our rules" in bad.notice and "Google" in bad.notice
    good = suggest.generate_summary(r, None, client=FakeClient(answer="Data analyst with 3 years of SQL reporting."))
    assert good.source == "gemini" and good.text == "Data analyst with 3 years of SQL reporting."
