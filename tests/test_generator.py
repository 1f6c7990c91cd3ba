import re
from collections import Counter
from datetime import date, timedelta

import pytest

from engine.datasets.generator import generate_jobs
from engine.datasets.skills import extract_skills as _extract, hand_written, known_skills, normalise_skill


def extract_skills(text):
    """The generator writes with the hand-written vocabulary, so its postings are read back with it."""
    return _extract(text, hand_written())
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
        # and the product (the O*NET-merged list) knows every one of them, by O*NET's name where it has one
        assert {normalise_skill(s) for s in job["required_skills"]} <= set(known_skills())
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


# --- variety: postings of one role share meaning, not wording ------------------------------------------

def _by_role(jobs):
    from engine.recsys.evaldata import normal_title

    groups = {}
    for job in jobs:
        groups.setdefault((job["category"], normal_title(job["title"])), []).append(job)
    return {k: v for k, v in groups.items() if len(v) >= 5}


def test_postings_of_one_role_differ_in_skills_and_wording(jobs):
    groups = _by_role(jobs)
    assert len(groups) > 50
    identical_skills = pairs = 0
    for group in groups.values():
        for a, b in zip(group, group[1:]):
            pairs += 1
            identical_skills += set(a["required_skills"]) == set(b["required_skills"])
        # not every posting of the role asks for the same hard skills, nor words its requirements alike
        skill_sets = {frozenset(j["required_skills"]) for j in group}
        assert len(skill_sets) > 1
        core_lines = [j["requirements"].split("\n")[1] for j in group]
        assert len(set(core_lines)) > 1
    assert identical_skills / pairs < 0.05
    # tools stand in for one another: some Backend Developers ask for Kotlin, most for Java
    backend = [j for j in jobs if j["title"].endswith("Backend Developer")]
    assert any("Kotlin" in j["required_skills"] for j in backend)
    assert sum("Java" in j["required_skills"] for j in backend) > len(backend) / 2


def test_every_skill_belongs_to_its_roles_pool(jobs):
    from engine.datasets.generator import _role_pool

    by_title = {r.title: (r, c) for c in CATEGORIES for r in c.roles}
    for job in jobs:
        title = job["title"].removesuffix(" Intern")
        role, cat = by_title[max((t for t in by_title if title.endswith(t)), key=len)]
        allowed = {*role.core, *_role_pool(role, cat), *SOFT_SKILLS, *cat.pool}
        own = {*role.core, *_role_pool(role, cat), *SOFT_SKILLS}
        assert set(job["required_skills"]) <= allowed
        # only skills its duties name in passing come from outside the role's own pool
        named = set(extract_skills(job["responsibilities"]))
        assert set(job["required_skills"]) - own <= named, (job["title"], set(job["required_skills"]) - own)
        # the role stays recognisable: at least two of its own skills or their equivalents
        from engine.datasets.vocabulary import alternatives
        core_like = {s for c in role.core for s in (c, *alternatives(c))}
        assert len(core_like & set(job["required_skills"])) >= 2, (job["title"], job["required_skills"])


def test_one_company_writes_alike_and_companies_differ(jobs):
    from engine.datasets.phrasing import OPENERS

    patterns = [re.compile(re.sub(r"\\\{[a-z]+\\\}", ".+", re.escape(o))) for o in OPENERS]
    styles = {}
    for job in jobs[:1500]:
        fits = {i for i, p in enumerate(patterns) if p.match(job["description"])}
        assert fits, job["description"]
        styles[job["company"]] = styles.get(job["company"], fits) & fits
    assert all(styles.values())  # every posting of a company opens the same way
    assert len({min(s) for s in styles.values()}) >= len(OPENERS) - 1  # and companies differ


def test_other_spellings_of_skills_read_back_as_the_skill():
    from engine.datasets.phrasing import PROSE_FORMS, SOFT_FORMS

    for skill, forms in {**PROSE_FORMS, **SOFT_FORMS}.items():
        for form in forms:
            assert extract_skills(f"Experience with {form}.") == [skill], (skill, form)


def test_alternatives_are_known_skills_in_one_group_each():
    from engine.datasets.vocabulary import ALTERNATIVES

    flat = [s for group in ALTERNATIVES for s in group]
    assert len(flat) == len(set(flat))
    assert set(flat) <= set(hand_written().names)


def test_gerund_and_article():
    from engine.datasets.phrasing import article, gerund, reword

    assert gerund("Design, build and maintain features") == "Designing, building and maintaining features"
    assert gerund("Analyse results and present them") == "Analysing results and presenting them"
    assert gerund("Plan and run usability tests") == "Planning and running usability tests"
    assert gerund("Help new customers get started and see value") == "Helping new customers get started and see value"
    assert (article("UX Designer"), article("HR Manager"), article("Accountant"), article("Data Analyst")) == \
        ("a", "an", "an", "a")
    assert reword("Run and scale clusters", 1) == "Run and scale clusters"  # a pair of verbs keeps its wording
    assert reword("Analyse large datasets", 1) == "Dig into large datasets"
