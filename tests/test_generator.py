import re
from collections import Counter
from datetime import date, timedelta

import pytest

from engine.datasets.generator import generate_jobs
from engine.datasets.skills import extract_skills
from engine.datasets.vocabulary import (CATEGORIES, CATEGORY_BY_NAME, EDUCATION_LEVELS, EMPLOYMENT_TYPES,
                                        SOFT_SKILLS)
from engine.jobs import JOB_FIELDS, job_fingerprint

TODAY = date(2026, 3, 1)


@pytest.fixture(scope="module")
def jobs():
    return list(generate_jobs(3000, seed=7, today=TODAY))


def test_same_seed_same_jobs_and_other_seed_other_jobs():
    first = list(generate_jobs(50, seed=3, today=TODAY))
    assert first == list(generate_jobs(50, seed=3, today=TODAY))
    assert first != list(generate_jobs(50, seed=4, today=TODAY))
    assert list(generate_jobs(0)) == []
    with pytest.raises(ValueError):
        list(generate_jobs(-1))


def test_every_field_present_and_valid(jobs):
    for job in jobs:
        assert set(JOB_FIELDS) <= set(job), set(JOB_FIELDS) - set(job)
        assert job["source"] == "generated"
        assert 0 < job["salary_min"] < job["salary_max"] < 400_000
        created, deadline = date.fromisoformat(job["created_date"]), date.fromisoformat(job["deadline"])
        assert TODAY - timedelta(days=90) < created <= TODAY and deadline > created
        assert re.fullmatch(r"[a-z.]+@[a-z0-9]+\.com", job["contact_email"]), job["contact_email"]
        assert job["education_level"] in EDUCATION_LEVELS
        assert job["employment_type"] in EMPLOYMENT_TYPES
        assert isinstance(job["remote"], bool)
        assert len(job["required_skills"]) >= 3
    assert len({job_fingerprint(j) for j in jobs}) == len(jobs)


def test_deadlines_mostly_ahead_a_few_expired(jobs):
    expired = sum(date.fromisoformat(j["deadline"]) < TODAY for j in jobs) / len(jobs)
    assert 0.02 < expired < 0.12
    ahead = [(date.fromisoformat(j["deadline"]) - TODAY).days for j in jobs if j["deadline"] >= TODAY.isoformat()]
    assert min(ahead) >= 14 and max(ahead) <= 84


def test_at_least_twenty_categories_all_used(jobs):
    counts = Counter(j["category"] for j in jobs)
    assert len(CATEGORIES) >= 20 and set(counts) == set(CATEGORY_BY_NAME)


def test_skills_come_from_the_jobs_own_category(jobs):
    for job in jobs:
        allowed = set(CATEGORY_BY_NAME[job["category"]].pool) | set(SOFT_SKILLS)
        assert set(job["required_skills"]) <= allowed, (job["category"], set(job["required_skills"]) - allowed)


def test_data_engineers_need_sql_and_nurses_do_not_need_python(jobs):
    nursing_only = set(CATEGORY_BY_NAME["Healthcare & Nursing"].pool) - set(CATEGORY_BY_NAME["Data Engineering"].pool)
    data_eng = [j for j in jobs if j["category"] == "Data Engineering"]
    assert data_eng
    for job in data_eng:
        assert {"SQL", "PostgreSQL", "Apache Spark"} & set(job["required_skills"])
        assert not nursing_only & set(job["required_skills"])
    nurses = [j for j in jobs if "Nurse" in j["title"]]
    assert nurses
    for job in nurses:
        assert "Patient Care" in job["required_skills"] or "Patient Assessment" in job["required_skills"]
        assert not {"Python", "SQL", "Apache Spark"} & set(job["required_skills"])
        assert job["remote"] is False


def test_text_agrees_with_title_company_location_and_skills(jobs):
    for job in jobs[:500]:
        assert job["title"] in job["description"] and job["company"] in job["description"]
        assert job["location"] in job["description"]
        # every required skill is named in the requirements, and the extractor finds them all back
        assert set(job["required_skills"]) <= set(extract_skills(job["requirements"])), job["requirements"]
        assert job["responsibilities"].startswith("- ")
        # duties name only skills the posting asks for
        named = set(extract_skills(job["responsibilities"])) & set(CATEGORY_BY_NAME[job["category"]].pool)
        assert named <= set(job["required_skills"]), job["responsibilities"]


def test_salary_follows_seniority():
    jobs = [j for j in generate_jobs(4000, seed=11, today=TODAY) if j["employment_type"] == "Full-time"]
    def median(prefix):
        pay = sorted(j["salary_max"] for j in jobs if j["title"].startswith(prefix) and j["category"] == "Software Engineering")
        return pay[len(pay) // 2]
    assert median("Junior ") < median("Senior ") < median("Lead ")
