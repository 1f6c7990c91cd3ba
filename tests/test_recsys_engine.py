"""Index, recommendations, similar jobs and applicant fit on a tiny catalogue with the real encoder."""
import json

import pytest

from engine import jobs, store
from engine.authz import AccessDenied, Actor, NotFound
from engine.recsys import index as idx
from engine.recsys.fit import fit_score, rank_applicants
from engine.recsys.recommend import EmptyProfile, recommend, similar_jobs
from engine.store import insert_row, utcnow
from recsys_data import add_candidate, build_catalogue, copy_catalogue

pytestmark = pytest.mark.slow
NURSE = "Registered nurse: bedside patient care on hospital wards, BLS certified, medication administration"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("catalogue"))


@pytest.fixture
def db(catalogue, tmp_path, monkeypatch):
    path = copy_catalogue(catalogue, tmp_path / "data")
    monkeypatch.setenv("JOBEXPRESSWAY_DATA_DIR", str(path))
    return store.connect(path)


def test_build_saves_in_the_data_dir_and_loads_once(db, tmp_path):
    saved = tmp_path / "data" / "index"
    assert {"jobs.faiss", "meta.json"} <= {p.name for p in saved.iterdir()}
    assert db.execute("SELECT count(*) FROM job_vectors").fetchone()[0] == 64   # the vectors: in the database
    first = idx.get_index(db)
    assert first.kind == "flat" and first.size == 64
    assert idx.get_index(store.connect(tmp_path / "data")) is first  # one per data dir per process


def _rewrite_saved_stamp(tmp_path, key: str, value: str) -> None:
    """Change one field of the saved index's stamp, as an older version would have written it."""
    meta = tmp_path / "data" / "index" / "meta.json"
    data = json.loads(meta.read_text())
    data["stamp"][key] = value
    meta.write_text(json.dumps(data))
    idx.forget_indexes()


def test_a_changed_encoder_stamp_rebuilds(db, tmp_path):
    _rewrite_saved_stamp(tmp_path, "encoder_version", "some-old-model@123")
    assert idx.index_status(db).needs_build
    rebuilt = idx.get_index(db)
    assert rebuilt.encoder_version != "some-old-model@123" and rebuilt.size == 64


def test_vectors_of_an_older_job_text_format_are_not_reused(db, tmp_path):
    from engine.recsys import encoder as enc
    from engine.recsys.text import JOB_TEXT_FORMAT

    old = f"{enc.model_version()} text0"          # same model, jobs written as text the old way
    assert idx.get_index(db).encoder_version == idx.vector_version(enc.model_version()) != old
    assert idx.vector_version(enc.model_version()).endswith(f"text{JOB_TEXT_FORMAT}")
    _rewrite_saved_stamp(tmp_path, "encoder_version", old)
    assert idx.index_status(db).needs_build
    assert idx.get_index(db).encoder_version == idx.vector_version(enc.model_version())


# A role no catalogue job has, so a newly posted one must come first whichever encoder runs
NEONATAL = "Neonatal intensive care nurse: premature newborns in the NICU, neonatal resuscitation, BLS"


def _post_neonatal_job(db) -> int:
    return jobs.add_job(db, {"title": "Neonatal Intensive Care Nurse", "category": "Nursing",
                             "description": "Care for premature and sick newborns in our neonatal intensive care unit.",
                             "required_skills": ["Neonatal resuscitation", "BLS", "Patient care"]})


def test_new_edited_and_closed_jobs_are_reflected(db):
    assert all(r.category == "Nursing" for r in recommend(db, NEONATAL, k=3))   # no NICU job yet: general nurses
    new_id = _post_neonatal_job(db)
    assert recommend(db, NEONATAL, k=1)[0].job_id == new_id       # the new job is found at once, and first
    # edit it into a warehouse job: it leaves the nurse results
    db.execute("UPDATE jobs SET title = 'Forklift Driver', description = 'Drive forklifts in a warehouse.', "
               "required_skills = '[\"Forklift\"]', updated_at = '2999-01-01T00:00:00+00:00' WHERE id = ?", [new_id])
    assert new_id not in [r.job_id for r in recommend(db, NEONATAL, k=5)]
    assert recommend(db, "forklift driver warehouse", k=1)[0].job_id == new_id
    db.execute("UPDATE jobs SET status = 'closed', updated_at = '2999-01-02T00:00:00+00:00' WHERE id = ?", [new_id])
    assert new_id not in [r.job_id for r in recommend(db, "forklift driver warehouse", k=5)]
    assert new_id not in idx.get_index(db).indexed  # dropped from the flat index, not only filtered


def test_recommend_leaves_out_expired_pending_and_applied_jobs(db):
    top = [r.job_id for r in recommend(db, NURSE, k=3)]
    db.execute("UPDATE jobs SET deadline = '2000-01-01' WHERE id = ?", [top[0]])
    db.execute("UPDATE jobs SET status = 'pending_review' WHERE id = ?", [top[1]])
    user = add_candidate(db, "Nina", ["BLS", "Patient care"], headline="Registered nurse", experience="Hospital ward")
    now = utcnow()
    insert_row(db, "applications", {"job_id": top[2], "candidate_id": user, "created_at": now, "updated_at": now})
    recs = recommend(db, Actor(user, "candidate"), k=5)
    assert len(recs) == 5 and not set(top) & {r.job_id for r in recs}
    assert recs == sorted(recs, key=lambda r: -r.score)
    assert all(r.category == "Nursing" for r in recs)
    assert "BLS" in recs[0].matched_skills or "BLS" in recs[0].missing_skills


def test_recommend_refreshes_when_the_profile_changes(db):
    user = add_candidate(db, "Sam", ["Figma", "User research"], headline="UX designer")
    assert recommend(db, Actor(user, "candidate"), k=1)[0].category == "Design"
    db.execute("UPDATE users SET headline = 'Accountant', skills = '[\"GAAP\", \"Reconciliation\"]' WHERE id = ?", [user])
    assert recommend(db, Actor(user, "candidate"), k=1)[0].category == "Accounting"


def test_place_and_level_reorder_the_candidates_jobs(db):
    from engine.recsys.recommend import recommend_placed

    profile = "Registered nurse, bedside patient care, 3 years on hospital wards, in Denver"
    plain = recommend_placed(db, profile, k=5, by_place=False).recommendations
    placed = recommend_placed(db, profile, k=5)
    assert all(r.category == "Nursing" for r in placed.recommendations)
    first = placed.recommendations[0]   # the nurse job in Denver at the candidate's level (not "Senior ...")
    assert (first.location, first.nearness, first.level_fit, first.title) == ("Denver, CO", "near", True, "Registered Nurse")
    assert placed.note is None
    # meaning alone ranks the senior job next door above a job at the candidate's level in another city
    # (or leaves that one out of the top 5); level and place put it first
    senior = next(r.job_id for r in plain if r.title.startswith("Senior") and r.location == "Denver, CO")
    elsewhere = next(r.job_id for r in placed.recommendations if r.level_fit and r.nearness == "country")

    def rank(recs, job_id):
        ids = [r.job_id for r in recs]
        return ids.index(job_id) if job_id in ids else len(ids)

    assert rank(plain, senior) < rank(plain, elsewhere)
    assert rank(placed.recommendations, elsewhere) < rank(placed.recommendations, senior)
    # a city with no job: the candidate is told, and sees the best matches elsewhere
    berlin = recommend_placed(db, "Registered nurse, bedside patient care, in Berlin", k=5)
    assert berlin.note.startswith("No matching job near Berlin") and len(berlin.recommendations) == 5


def test_an_empty_profile_asks_for_skills(db):
    user = add_candidate(db, "Empty")
    with pytest.raises(EmptyProfile, match="Add your skills"):
        recommend(db, Actor(user, "candidate"))
    with pytest.raises(EmptyProfile):
        recommend(db, "   ")


def test_similar_jobs_exclude_the_job_itself(db):
    job_id = db.execute("SELECT id FROM jobs WHERE category = 'Teaching' LIMIT 1").fetchone()[0]
    similar = similar_jobs(db, job_id, k=5)
    assert len(similar) == 5 and job_id not in [r.job_id for r in similar]
    assert all(r.category == "Teaching" for r in similar)
    with pytest.raises(NotFound):
        similar_jobs(db, 999999)


def test_fit_ranks_a_matching_resume_above_a_non_matching_one(db):
    job = jobs.decode_job(next(db.query("SELECT * FROM jobs WHERE category = 'Data Science' LIMIT 1")))
    good = fit_score("Data scientist: Python, pandas, scikit-learn, SQL, statistics, A/B experiments", job)
    bad = fit_score("Pastry chef: croissants, sourdough, cake decoration", job)
    assert 0 <= bad.score < good.score <= 1
    assert good.matched_skills and set(good.matched_skills) | set(good.missing_skills) == set(job["required_skills"])


def test_rank_applicants_orders_by_fit_for_permitted_recruiters_only(db):
    now = utcnow()
    company = insert_row(db, "companies", {"name": "Acme", "access_status": "granted", "created_at": now})
    job_id = db.execute("SELECT id FROM jobs WHERE category = 'Accounting' LIMIT 1").fetchone()[0]
    db.execute("UPDATE jobs SET company_id = ? WHERE id = ?", [company, job_id])
    chef = add_candidate(db, "Chef", ["Baking"], headline="Pastry chef")
    acct = add_candidate(db, "Acct", [], headline="Accountant")
    resume = insert_row(db, "resumes", {"user_id": acct, "title": "CV", "template": "classic", "created_at": now, "updated_at": now,
                                        "data": "{}"})
    version = insert_row(db, "resume_versions", {"resume_id": resume, "template": "classic", "created_at": now, "data": json.dumps(
        {"summary": "Staff accountant", "skills": ["Bookkeeping", "Reconciliation", "GAAP", "Excel"],
         "experience": [{"title": "Accountant", "bullets": ["Month-end close", "Tax preparation"]}]})})
    for user, rv in ((chef, None), (acct, version)):
        insert_row(db, "applications", {"job_id": job_id, "candidate_id": user, "resume_id": rv and resume,
                                        "resume_version_id": rv, "created_at": now, "updated_at": now})
    recruiter = Actor(99, "recruiter", company_id=company)
    with pytest.raises(AccessDenied):
        rank_applicants(db, recruiter, job_id)
    db.execute("INSERT INTO company_permissions (company_id, permission, granted_at) VALUES (?, 'view_applicants', ?)", [company, now])
    ranked = rank_applicants(db, recruiter, job_id)
    assert [r["name"] for r in ranked] == ["Acct", "Chef"] and ranked[0]["source"] == "resume"
    assert ranked[0]["score"] > ranked[1]["score"]
    other = insert_row(db, "companies", {"name": "Other", "access_status": "granted", "created_at": now})
    db.execute("INSERT INTO company_permissions (company_id, permission, granted_at) VALUES (?, 'view_applicants', ?)", [other, now])
    with pytest.raises(NotFound):   # another company's job, as if it did not exist
        rank_applicants(db, Actor(98, "recruiter", company_id=other), job_id)
    assert len(rank_applicants(db, Actor(1, "admin"), job_id)) == 2


def _wait_while_building(status, seconds: float = 300) -> None:
    import time

    deadline = time.time() + seconds
    while status.state == "building" and time.time() < deadline:
        time.sleep(0.2)
    assert status.state != "building", f"the build was still running after {seconds} s ({status.done}/{status.total})"


def test_a_background_build_runs_in_its_own_process_and_the_server_loads_its_index(db, tmp_path):
    """Embedding in the page server made every page crawl: the build runs in a separate process, publishes
    its progress, and this process picks the saved index up when it is ready."""
    import os

    saved = tmp_path / "data" / "index"
    (saved / "jobs.faiss").unlink()  # as if the process died before the first save;
    (saved / "meta.json").unlink()   # the stored vectors survive
    idx.forget_indexes()
    with pytest.raises(idx.IndexNotReady):
        idx.get_index(db, inline_limit=0, load_limit=0)
    status = idx.start_background_build(tmp_path / "data")
    assert idx.start_background_build(tmp_path / "data") is status   # one build per data dir
    assert os.sched_getscheduler(idx._build_processes[-1].pid) == os.SCHED_IDLE   # CPU time pages leave
    _wait_while_building(status)
    assert status.state == "ready", status.error
    assert status.done == status.total == 64 and status.fraction == 1.0
    built = idx.read_build_file(saved)
    assert built["state"] == "ready" and built["pid"] != os.getpid()
    assert recommend(db, NURSE, k=1)[0].category == "Nursing"
    assert idx.get_index(db, inline_limit=0).size == 64


@pytest.mark.timeout(900)   # a process loads the encoder and embeds a batch: seconds when quiet, minutes under load 20
def test_at_exit_the_build_process_stops_between_batches_and_keeps_its_work(tmp_path):
    """At exit the page server asks its build process to stop (SIGTERM): it finishes its batch, says why it
    stopped, and the embedded jobs stay in the cache for the next build."""
    import time

    from engine.datasets.generator import generate_jobs

    data = tmp_path / "data"
    jobs.add_jobs(store.connect(data), generate_jobs(64 * 12, seed=3))
    status = idx.start_background_build(data)
    deadline = time.monotonic() + 600   # a new process loads the encoder first: minutes under heavy load
    while status.done < 64 and status.state == "building":
        if time.monotonic() > deadline:
            pytest.fail(f"the background build embedded no batch within 600 s (state {status.state})")
        time.sleep(0.1)
    assert status.state == "building" and status.done >= 64, (status.state, status.error, status.done)
    try:
        idx._stop_background_builds()  # what atexit runs
        assert all(p.poll() is not None for p in idx._build_processes)
        assert status.state == "failed" and "exiting" in status.error
        assert 0 < status.done < status.total  # stopped early
        stored = store.connect(data)
        assert stored.execute("SELECT count(*) FROM job_vectors").fetchone()[0] >= status.done > 0
        stored.close()
    finally:
        idx._stopping.clear()
        idx._build_threads.clear()
        idx._build_processes.clear()


def test_above_the_flat_limit_an_ivf_index_serves_edits_and_reloads(db, tmp_path, monkeypatch):
    monkeypatch.setattr(idx, "FLAT_LIMIT", 16)
    assert idx.index_status(db).needs_build  # the saved flat index of 64 jobs has outgrown 2 x 16
    index = idx.get_index(db)  # rebuilt inline (64 jobs) from the cached embeddings
    assert index.kind == "ivf" and index.size == index.trained_on == 64 and index.faiss_index.nlist == 8
    assert all(r.category == "Nursing" for r in recommend(db, NEONATAL, k=3))
    new_id = _post_neonatal_job(db)
    assert recommend(db, NEONATAL, k=1)[0].job_id == new_id
    db.execute("UPDATE jobs SET status = 'closed', updated_at = '2999-01-02T00:00:00+00:00' WHERE id = ?", [new_id])
    assert new_id not in [r.job_id for r in recommend(db, NEONATAL, k=5)]
    assert new_id not in index.indexed and index.faiss_index.ntotal == 64  # removed from the IVF lists too
    index.save()
    idx.forget_indexes()
    loaded = idx.get_index(db)
    assert loaded is not index and loaded.kind == "ivf" and loaded.size == 64
    job_id = db.execute("SELECT id FROM jobs WHERE category = 'Teaching' LIMIT 1").fetchone()[0]
    assert all(r.category == "Teaching" for r in similar_jobs(db, job_id, k=3))


def test_an_index_of_an_older_kind_is_rebuilt(db, tmp_path):
    _rewrite_saved_stamp(tmp_path, "kind", "hnsw")
    assert idx.index_status(db).needs_build
    assert idx.get_index(db).kind == "flat"
