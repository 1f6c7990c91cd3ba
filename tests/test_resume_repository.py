import pytest

from engine.authz import AccessDenied, NotFound
from engine.resume import repository as repo
from engine.resume.model import ResumeInvalid
from engine.resume.samples import sample_resume
from resume_helpers import add_user


def test_create_prefills_from_profile_and_writes_a_first_version(db):
    me = add_user(db, skills='["Python", "SQL"]', headline="Junior analyst")
    stored = repo.create_resume(db, me, "Analyst CV", "classic")
    assert stored.resume.personal.name == "José Müller" and stored.resume.skills == ["Python", "SQL"]
    assert stored.template == "classic" and stored.version_id is not None
    assert [v.id for v in repo.list_versions(db, me, stored.id)] == [stored.version_id]


def test_every_save_is_a_version_and_restore_brings_an_old_one_back(db):
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", resume=sample_resume())
    r = stored.resume
    r.summary = "Second draft"
    repo.save_resume(db, me, stored.id, r)
    r.summary = "Third draft"
    repo.save_resume(db, me, stored.id, r, template="compact")
    versions = repo.list_versions(db, me, stored.id)
    assert [v.resume.summary for v in versions][:2] == ["Third draft", "Second draft"]
    assert len(versions) == 3
    restored = repo.restore_version(db, me, stored.id, versions[1].id)
    assert restored.resume.summary == "Second draft" and restored.template == "modern"
    assert len(repo.list_versions(db, me, stored.id)) == 4   # history is kept, not rewritten


def test_invalid_save_is_refused_with_every_problem_and_keeps_the_old_data(db):
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", resume=sample_resume())
    bad = sample_resume()
    bad.personal.email = ""
    bad.education[0].end = "2019"
    with pytest.raises(ResumeInvalid) as exc:
        repo.save_resume(db, me, stored.id, bad)
    assert "email address is required" in str(exc.value) and "before it begins" in str(exc.value)
    assert repo.get_resume(db, me, stored.id).resume == stored.resume
    assert len(repo.list_versions(db, me, stored.id)) == 1


def test_owner_only_other_users_get_not_found(db):
    me, other = add_user(db), add_user(db, "Eve", "eve@example.com")
    stored = repo.create_resume(db, me, "CV", resume=sample_resume())
    for call in (lambda: repo.get_resume(db, other, stored.id),
                 lambda: repo.save_resume(db, other, stored.id, sample_resume()),
                 lambda: repo.list_versions(db, other, stored.id),
                 lambda: repo.delete_resume(db, other, stored.id),
                 lambda: repo.get_resume(db, me, 99999)):
        with pytest.raises(NotFound):
            call()
    assert repo.list_resumes(db, other) == []
    recruiter = add_user(db, "Rita", "rita@example.com", role="recruiter")
    with pytest.raises(AccessDenied):
        repo.create_resume(db, recruiter, "CV")


def test_several_resumes_switch_template_delete(db):
    me = add_user(db)
    a = repo.create_resume(db, me, "A", resume=sample_resume())
    b = repo.create_resume(db, me, "B", "compact", resume=sample_resume())
    assert {s.title for s in repo.list_resumes(db, me)} == {"A", "B"}
    switched = repo.set_template(db, me, a.id, "classic")
    assert switched.template == "classic" and switched.resume == a.resume
    with pytest.raises(ValueError, match="Choose one of"):
        repo.set_template(db, me, a.id, "fancy")
    repo.delete_resume(db, me, b.id)
    assert [s.title for s in repo.list_resumes(db, me)] == ["A"]


def test_load_version_for_applications_reads_the_pinned_version(db):
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", "compact", sample_resume())
    pinned = stored.version_id
    r = stored.resume
    r.summary = "Later edit"
    repo.save_resume(db, me, stored.id, r)
    v = repo.load_version(db, pinned)
    assert v.resume == sample_resume() and v.template == "compact" and v.resume_id == stored.id
    with pytest.raises(NotFound):
        repo.load_version(db, 10**6)
