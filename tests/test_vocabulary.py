"""One vocabulary (engine.choices): every form offers it, the engine refuses anything else, one email check,
and the migration maps values stored under the old spellings."""
import pytest
from applications_fixtures import World, make_user
from conftest import open_page

from engine import accounts, jobs, recruiting, store
from engine.accounts import ValidationError
from engine.choices import CATEGORY_NAMES, EDUCATION_LEVELS, EMPLOYMENT_TYPES, email_problem, is_email
from engine.resume.model import Resume, validate

TIMEOUT = 60


def options(widgets, label):
    return [list(w.options) for w in widgets if w.label == label]


def test_every_form_offers_the_engines_vocabulary(db):
    w = World(db)
    recruiter = open_page("pages/recruiter.py", w.rec_a, timeout=TIMEOUT)
    assert not recruiter.exception
    # the edit form of the fixture's job (stored under an old category, kept first) and the post form
    edit, post = options(recruiter.selectbox, "Category *")
    assert post == list(CATEGORY_NAMES) and edit[1:] == list(CATEGORY_NAMES)
    assert options(recruiter.selectbox, "Employment type") == [list(EMPLOYMENT_TYPES)] * 2
    profile = open_page("pages/account.py", w.cand, timeout=TIMEOUT)
    assert not profile.exception
    assert options(profile.selectbox, "Preferred job category") == [list(CATEGORY_NAMES)]
    assert options(profile.selectbox, "Highest education") == [list(EDUCATION_LEVELS)]
    guest = open_page("pages/sign_in.py", timeout=TIMEOUT)
    assert options(guest.selectbox, "Preferred job category") == [list(CATEGORY_NAMES)]
    assert options(guest.selectbox, "Highest education") == [list(EDUCATION_LEVELS)]
    search = open_page("pages/jobs.py", w.cand, timeout=TIMEOUT)
    assert options(search.multiselect, "Category")[0][:len(CATEGORY_NAMES)] == list(CATEGORY_NAMES)


def test_profile_forms_accept_no_typed_category(db):
    w = World(db)
    at = open_page("pages/account.py", w.cand, timeout=TIMEOUT)
    assert not any(s.accept_new_options for s in at.selectbox if s.label == "Preferred job category")


def test_search_lists_every_category_then_an_imported_jobs_own(db):
    jobs.add_job(db, {"title": "Widget Wrangler", "description": "Wrangle.", "location": "Oslo", "category": "Other",
                      "source": "import"})
    assert jobs.categories(db) == [*CATEGORY_NAMES, "Other"]


@pytest.mark.parametrize("changes, field", [
    ({"preferred_category": "Data Science"}, "preferred_category"),
    ({"preferred_category": "<script>alert(1)</script>"}, "preferred_category"),
    ({"education": "Master's degree"}, "education"),
    ({"education": "x" * 5000}, "education"),
])
def test_profile_refuses_values_outside_the_vocabulary(db, changes, field):
    candidate = make_user(db, "c@x.test", "candidate", "Cleo")
    with pytest.raises(ValidationError) as caught:
        accounts.update_profile(db, candidate, changes)
    assert set(caught.value.errors) == {field}
    assert accounts.get_profile(db, candidate).get(field) is None  # nothing stored


def test_sign_up_refuses_a_typed_category_and_keeps_a_listed_one(db):
    with pytest.raises(ValidationError) as caught:
        accounts.sign_up_candidate(db, name="Dan", email="dan@x.test", password="Sunny-ledger-42", location="Oslo",
                                   preferred_category="Data Science", education="Doctorate (PhD)")
    assert set(caught.value.errors) == {"preferred_category", "education"}
    actor = accounts.sign_up_candidate(db, name="Dan", email="dan@x.test", password="Sunny-ledger-42", location="Oslo",
                                       preferred_category="Data Science & Analytics", education="Doctorate")
    profile = accounts.get_profile(db, actor)
    assert (profile["preferred_category"], profile["education"]) == ("Data Science & Analytics", "Doctorate")


def test_a_job_takes_only_the_vocabularys_category_employment_type_and_education():
    base = dict(title="Backend Engineer", description="Build APIs", location="Remote", category="Software Engineering")
    for field, value in (("category", "Engineering"), ("employment_type", "Freelance"), ("education_level", "PhD")):
        with pytest.raises(recruiting.JobValidationError, match=f"'{value}' is not one of ours"):
            recruiting.validate_job({**base, field: value})
    assert recruiting.validate_job(dict(base, employment_type="Contract",
                                        education_level="Bachelor's Degree"))["category"] == "Software Engineering"
    # an edit may keep what an imported job already carries
    assert recruiting.validate_job({**base, "category": "Other"}, current={"category": "Other"})["category"] == "Other"


@pytest.mark.parametrize("address, ok", [
    ("ada@example.com", True), ("a.b+tag@mail.example.co.uk", True), ("ada@example.com.", False),
    ("ada@example", False), ("ada example@x.com", False), ("@example.com", False), ("ada@@example.com", False),
    ("a" * 260 + "@x.com", False),
])
def test_one_email_check_everywhere(address, ok):
    """Sign-up, a job's contact email and a resume all decide the same way about an address."""
    assert is_email(address) is ok and (email_problem(address) is None) is ok
    assert (accounts.email_problem(address) is None) is ok
    job = dict(title="T", description="D", location="L", category="Sales", contact_email=address)
    job_problems = []
    try:
        recruiting.validate_job(job)
    except recruiting.JobValidationError as exc:
        job_problems = exc.problems
    assert (job_problems == []) is ok
    resume = Resume()
    resume.personal.name, resume.personal.email = "Ada", address
    resume_errors = [n for n in validate(resume)[1] if n.level == "error"]
    assert (resume_errors == []) is ok


def _reapply(db, name: str) -> None:
    db.execute("DELETE FROM _migrations WHERE name = ?", [name])
    store.apply_migrations(db)


def test_migration_maps_stored_categories_and_education(db):
    w = World(db)
    posted = {}
    for title, old in (("Backend Developer", "Engineering"), ("Mechanical Engineer", "Engineering"),
                       ("Clinic Aide", "Healthcare"), ("Analyst", "Data Science"), ("Registered Nurse", "Other"),
                       ("Widget Wrangler", "Other")):
        posted[title] = jobs.add_job(db, {"title": title, "description": "Work.", "location": "Oslo", "category": old,
                                          "source": "posted", "company_id": w.company_a})
    imported = jobs.add_job(db, {"title": "Registered Nurse", "description": "Care.", "location": "Oslo",
                                 "category": "Other", "source": "import"})
    people = {}
    for email, category, education in (("a@x.test", "Data Science", "Master's degree"),
                                       ("b@x.test", "Engineering", "Doctorate (PhD)"),
                                       ("c@x.test", "Underwater basket weaving", "BSc Statistics, TU Berlin"),
                                       ("d@x.test", "Sales", "Other")):
        people[email] = make_user(db, email, "candidate", email[0]).user_id
        db.execute("UPDATE users SET preferred_category = ?, education = ? WHERE id = ?",
                   [category, education, people[email]])
    _reapply(db, "m236_vocab_categories_education")
    category = {t: db.execute("SELECT category FROM jobs WHERE id = ?", [i]).fetchone()[0] for t, i in posted.items()}
    assert category == {"Backend Developer": "Software Engineering", "Mechanical Engineer": "Manufacturing & Engineering",
                        "Clinic Aide": "Healthcare & Nursing", "Analyst": "Data Science & Analytics",
                        "Registered Nurse": "Healthcare & Nursing", "Widget Wrangler": "Other"}
    assert db.execute("SELECT category FROM jobs WHERE id = ?", [imported]).fetchone()[0] == "Other"
    profiles = {e: tuple(db.execute("SELECT preferred_category, education FROM users WHERE id = ?", [i]).fetchone())
                for e, i in people.items()}
    assert profiles == {"a@x.test": ("Data Science & Analytics", "Master's Degree"),
                        "b@x.test": ("Software Engineering", "Doctorate"),
                        "c@x.test": (None, "Bachelor's Degree"),
                        "d@x.test": ("Sales", None)}
