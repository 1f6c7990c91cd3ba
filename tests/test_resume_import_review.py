"""Confirming an import: fields shown, corrections applied, saved as a resume version and into the profile."""
from engine.resume import repository as repo
from engine.resume.ats import ats_check
from engine.resume.importing import read_resume
from engine.resume.importing.review import apply_corrections, profile_changes, review_fields, save_import
from engine.resume.render import render_pdf
from engine.resume.samples import sample_resume
from engine.store import one
from resume_helpers import add_user


def test_review_lists_every_field_and_corrections_come_back():
    read = read_resume(render_pdf(sample_resume(), "classic")).resume
    fields = {f.key: f for f in review_fields(read)}
    assert fields["personal.name"].value == "José Müller"
    assert fields["experience.0.title"].value == "Data Analytics Intern"
    assert fields["education.0.school"].value == "Technische Universität Berlin"
    fixed = apply_corrections(read, {"experience.0.title": "Data Analyst Intern", "skills": "Python, dbt",
                                     "experience.0.end": "Present", "experience.9.title": "ignored"})
    assert fixed.experience[0].title == "Data Analyst Intern" and fixed.experience[0].current
    assert fixed.experience[0].end == "" and fixed.skills == ["Python", "dbt"]
    assert read.experience[0].title == "Data Analytics Intern"   # the input is never changed


def test_save_import_adds_a_version_and_updates_the_profile(db):
    me = add_user(db, location="Paris", headline="Student")
    stored = repo.create_resume(db, me, "CV")
    read = read_resume(render_pdf(sample_resume(), "modern")).resume
    saved = save_import(db, me, read, resume_id=stored.id, update_profile=True)
    assert saved.id == stored.id and len(repo.list_versions(db, me, stored.id)) == 2
    assert saved.resume.experience[0].company == "Zoë Ø'Brien Consulting"
    user = one(db, "SELECT * FROM users WHERE id = ?", [me.user_id])
    assert user["location"] == "Berlin, Germany"
    assert "Python" in user["skills"]
    assert user["experience"] == "Data Analytics Intern at Zoë Ø'Brien Consulting (2023-06 – 2023-12)"
    assert profile_changes(read)["location"] == "Berlin, Germany"


def test_ats_check_passes_builder_designs_and_names_what_is_missed():
    for template in ("classic", "modern", "compact"):
        assert [f.level for f in ats_check(sample_resume(), template)] == ["ok"]
    r = sample_resume()
    r.personal.phone = ""
    r.experience[0].start = "summer 23"
    problems = {f.where: f.message for f in ats_check(r, "modern")}
    assert "Contact → Phone" in problems
    assert "not a date a system can read" in problems["Experience 1 → start"]


def test_ats_check_counts_a_skill_read_under_its_canonical_name():
    """The reader names skills canonically ("Excel" reads as "Microsoft Excel"): that skill was not lost."""
    r = sample_resume()
    r.skills = ["Python", "Excel", "k8s"]
    assert [f.level for f in ats_check(r, "classic")] == ["ok"]
