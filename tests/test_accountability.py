"""Accountable hiring (issue #19): the decision log, human oversight, anonymised screening, data rights."""
import csv
import io
import json
import zipfile

import pytest
from applications_fixtures import World, make_resume, pdf_bytes

from engine import anonymise, data_rights, decisions, oversight, transparency
from engine import applications as A
from engine.authz import AccessDenied, NotFound
from engine.cli import main
from engine.store import INTEGRITY_ERRORS, insert_row

REASON = oversight.DEFAULT_REASONS[2][0]   # "Position filled"


@pytest.fixture
def w(db):
    return World(db)


def _applied(w, who=None, job=None, **kw):
    return A.apply(w.db, who or w.cand, job or w.job_a, **kw)["id"]


# --- 1. decision records -----------------------------------------------------------------------------

def test_status_change_is_recorded_with_who_and_reason(w):
    app_id = _applied(w)
    A.change_status(w.db, w.rec_a, app_id, "under_review")
    A.change_status(w.db, w.rec_a, app_id, "rejected", reason=REASON)
    rows = decisions.records(w.db, w.admin, job_id=w.job_a)
    assert [(r["kind"], r["event"], json.loads(r["output"]), r["actor_id"], r["reason"], r["candidate_id"]) for r in rows] == [
        ("human", "status_change", {"from": "applied", "to": "under_review"}, w.rec_a.user_id, None, w.cand.user_id),
        ("human", "status_change", {"from": "under_review", "to": "rejected"}, w.rec_a.user_id, REASON, w.cand.user_id)]


def test_records_cannot_be_changed_or_deleted_young(w):
    rid = decisions.record_ai(w.db, "fraud_score", model="m", model_version="1", input_hash="h", output={"risk": 0.1},
                              shown_to=w.rec_a.user_id, job_id=w.job_a)
    with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
        w.db.execute("UPDATE decision_records SET output = '{}' WHERE id = ?", [rid])
    with pytest.raises(INTEGRITY_ERRORS, match="180 days"):
        w.db.execute("DELETE FROM decision_records WHERE id = ?", [rid])
    assert decisions.purge_expired(w.db, w.admin) == 0
    assert not hasattr(decisions, "update_record") and not hasattr(decisions, "delete_record")


@pytest.mark.parametrize("configured, kept", [("30", 180), ("400", 400), ("junk", 180)])
def test_retention_never_below_180_days(monkeypatch, configured, kept):
    monkeypatch.setenv("JOBEXPRESSWAY_DECISION_RETENTION_DAYS", configured)
    assert decisions.retention_days() == kept


def test_old_records_go_only_after_retention(w, monkeypatch):
    insert_row(w.db, "decision_records", {"at": "2020-01-01T00:00:00+00:00", "kind": "ai", "event": "fit_score",
                                          "output": "{}", "job_id": w.job_a})
    decisions.record_ai(w.db, "fit_score", model="m", model_version="1", input_hash="h", output={}, shown_to=None,
                        job_id=w.job_a)
    assert decisions.purge_expired(w.db, w.admin) == 1
    assert w.db.execute("SELECT count(*) FROM decision_records").fetchone()[0] == 1


def test_company_exports_only_its_own_jobs_records(w):
    mine, theirs = _applied(w), _applied(w, job=w.job_b)
    A.change_status(w.db, w.rec_a, mine, "under_review", note="=HYPERLINK(\"http://x\")")
    A.change_status(w.db, w.rec_b, theirs, "under_review")
    by_candidate = decisions.records(w.db, w.rec_a, candidate_id=w.cand.user_id)
    assert {r["application_id"] for r in by_candidate} == {mine}
    with pytest.raises(NotFound):
        decisions.export_records(w.db, w.rec_a, "csv", job_id=w.job_b)
    assert len(decisions.records(w.db, w.admin, candidate_id=w.cand.user_id)) == 2
    table = list(csv.DictReader(io.StringIO(decisions.export_records(w.db, w.rec_a, "csv", job_id=w.job_a))))
    assert [(r["event"], r["application_id"]) for r in table] == [("status_change", str(mine))]
    assert json.loads(decisions.export_records(w.db, w.rec_a, "json", job_id=w.job_a))[0]["output"]["to"] == "under_review"


@pytest.mark.parametrize("bad", [dict(), dict(job_id="1; DROP TABLE jobs"), dict(job_id=424242)])
def test_export_refuses_hostile_or_missing_scope(w, bad):
    with pytest.raises((ValueError, NotFound)):
        decisions.export_records(w.db, w.rec_a, "csv", **bad)
    with pytest.raises(ValueError):
        decisions.export_records(w.db, w.rec_a, "xml", job_id=w.job_a)
    with pytest.raises(AccessDenied):
        decisions.records(w.db, w.cand, job_id=w.job_a)


def test_cli_exports_a_job_as_csv(w, data_dir, capsys):
    app_id = _applied(w)
    A.change_status(w.db, w.rec_a, app_id, "under_review")
    assert main(["decisions", "export", "--actor", "rec@acme.test", "--job", str(w.job_a)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["event"] for r in rows] == ["status_change"]


# --- 2. human oversight ------------------------------------------------------------------------------

def test_rejection_needs_a_reason_from_the_list_and_the_letter_says_it(w):
    app_id = _applied(w)
    A.change_status(w.db, w.rec_a, app_id, "under_review")
    for reason in (None, "Because I said so"):
        with pytest.raises(oversight.ReasonRequired):
            A.change_status(w.db, w.rec_a, app_id, "rejected", reason=reason)
    assert A.get_application(w.db, w.rec_a, app_id)["status"] == "under_review"
    oversight.set_rejection_reasons(w.db, w.rec_a, [("Needs German", "The role needs fluent German.")])
    with pytest.raises(oversight.ReasonRequired, match="Needs German"):
        A.change_status(w.db, w.rec_a, app_id, "rejected", reason=REASON)   # no longer on the company's list
    A.change_status(w.db, w.rec_a, app_id, "rejected", reason="Needs German")
    body = w.db.execute("SELECT body FROM outbox ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert "The role needs fluent German." in body


def test_bulk_rejection_without_reason_is_refused_per_application(w):
    app_id = _applied(w)
    A.change_status(w.db, w.rec_a, app_id, "under_review")
    result = A.bulk_change_status(w.db, w.rec_a, [app_id], "rejected")
    assert not result[0]["ok"] and "reason" in result[0]["error"]


@pytest.mark.parametrize("reasons", [[], [("", "x")], [("a" * 101, "x")], [("Bad\nlabel", "x")],
                                     [("Same", "x"), ("same", "y")]])
def test_company_reason_list_refuses_hostile_input(w, reasons):
    with pytest.raises(ValueError, match="Please fix"):
        oversight.set_rejection_reasons(w.db, w.rec_a, reasons)
    assert oversight.rejection_reasons(w.db, w.rec_a)[0]["label"] == oversight.DEFAULT_REASONS[0][0]


def test_override_is_one_call_recorded_and_changes_no_status(w):
    first, second = _applied(w), _applied(w, who=w.cand2)
    oversight.override_ranking(w.db, w.rec_a, second)
    assert oversight.pinned_applications(w.db, w.rec_a, w.job_a) == [second]
    oversight.override_ranking(w.db, w.rec_a, second, "unpin")
    assert oversight.pinned_applications(w.db, w.rec_a, w.job_a) == []
    assert {A.get_application(w.db, w.admin, i)["status"] for i in (first, second)} == {"applied"}
    events = [json.loads(r["output"])["action"] for r in decisions.records(w.db, w.admin, job_id=w.job_a)
              if r["event"] == "ranking_override"]
    assert events == ["pin_top", "unpin"]
    with pytest.raises(NotFound):
        oversight.override_ranking(w.db, w.rec_b, first)


# --- 4. anonymised screening -------------------------------------------------------------------------

def test_redact_takes_out_identity_and_gender_cues():
    text = ("Mr. José Müller (he/him), 34 years old, born in 1990. Email jose@cand.test, phone +49 170 1234567. "
            "He was chairman of the club; his wife ...")
    out = anonymise.redact(text, ["José Müller"])
    for hidden in ("José", "Müller", "jose@cand.test", "1234567", "34 years", "1990", "He ", "his ", "wife",
                   "chairman", "Mr"):
        assert hidden not in out, hidden
    assert "They was chair" in out or "They was chair".lower() in out.lower()


def test_anonymised_job_hides_applicant_until_shortlisting(w, data_dir):
    w.db.execute("UPDATE users SET headline = 'She is a data engineer', experience = 'Mrs Müller led the team' "
                 "WHERE id = ?", [w.cand.user_id])
    rid, _ = make_resume(w.db, w.cand2.user_id)
    pdf_app = _applied(w, pdf_bytes=pdf_bytes(), pdf_name="cv.pdf")
    builder_app = _applied(w, who=w.cand2, resume_id=rid)
    anonymise.set_anonymised_review(w.db, w.rec_a, w.job_a, True)
    rows = {r["id"]: r for r in A.list_for_job(w.db, w.rec_a, w.job_a)}
    seen = json.dumps(rows[pdf_app], ensure_ascii=False)
    for hidden in ("José", "Müller", "jose@cand.test", "She ", "Mrs"):
        assert hidden not in seen, hidden
    assert A.resume_for_application(w.db, w.rec_a, pdf_app)["kind"] == "hidden"
    assert "name" not in A.resume_for_application(w.db, w.rec_a, builder_app)["data"]
    for step in ("under_review", "accepted"):
        A.change_status(w.db, w.rec_a, pdf_app, step)
    assert {r["id"]: r for r in A.list_for_job(w.db, w.rec_a, w.job_a)}[pdf_app]["candidate_name"] == "José Müller"
    with pytest.raises(NotFound):
        anonymise.set_anonymised_review(w.db, w.rec_b, w.job_a, False)


# --- 6. data rights ----------------------------------------------------------------------------------

def _everything(db, data_dir) -> str:
    """Every text cell of every table and every file under the data dir, as one string."""
    parts = []
    for table in db.table_names():
        if table.endswith(("_fts", "_data", "_idx", "_docsize", "_config", "_content")):
            continue
        for row in db.query(f"SELECT * FROM [{table}]"):
            parts += [str(v) for v in row.values() if isinstance(v, str)]
    for path in data_dir.rglob("*"):
        if path.is_file() and path.name != "jobexpressway.db" and not path.name.startswith("jobexpressway.db"):
            parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def test_export_holds_every_row_and_file(w):
    app_id = _applied(w, pdf_bytes=pdf_bytes("Resume of José, SECRET-CV-TEXT"), pdf_name="cv.pdf")
    archive = zipfile.ZipFile(io.BytesIO(data_rights.export_my_data(w.db, w.cand)))
    data = json.loads(archive.read("data.json"))
    assert data["users"][0]["email"] == "jose@cand.test" and "password_hash" not in data["users"][0]
    assert [a["id"] for a in data["applications"]] == [app_id] and data["messages"]
    assert any(n.startswith("files/uploads/") for n in archive.namelist())
    with pytest.raises(AccessDenied):
        data_rights.export_my_data(w.db, w.rec_a)


def test_deletion_leaves_no_name_email_or_resume_text_anywhere(w, data_dir):
    w.db.execute("UPDATE users SET headline = 'Wizard of pipelines' WHERE id = ?", [w.cand.user_id])
    rid, _ = make_resume(w.db, w.cand.user_id)
    app_id = _applied(w, pdf_bytes=pdf_bytes("Resume SECRETCVTEXT"), pdf_name="cv.pdf", cover_letter="Hire José Müller")
    other = _applied(w, job=w.job_b, resume_id=rid)
    for step in ("under_review", "accepted", "interview_scheduled", "interviewed"):
        A.change_status(w.db, w.rec_a, app_id, step)
    A.change_status(w.db, w.rec_a, app_id, "not_selected")   # a thank-you letter PDF naming them
    A.add_note(w.db, w.rec_a, app_id, "José was great")
    assert "José Müller" in _everything(w.db, data_dir)
    with pytest.raises(ValueError, match="confirm"):
        data_rights.delete_my_account(w.db, w.cand, "someone@else.test")
    data_rights.delete_my_account(w.db, w.cand, "JOSE@cand.test")
    left = _everything(w.db, data_dir)
    for secret in ("José", "Müller", "jose@cand.test", "SECRETCVTEXT", "Wizard of pipelines", "Hire"):
        assert secret not in left, secret
    rows = {r["id"]: r for r in A.list_for_job(w.db, w.rec_a, w.job_a)}
    assert rows[app_id]["candidate_name"] == data_rights.DELETED_NAME
    assert len(decisions.records(w.db, w.admin, candidate_id=w.cand.user_id)) == 5   # the log stays (ids only)
    assert A.get_application(w.db, w.admin, other)["status"] == "applied"


def test_closed_applications_are_anonymised_after_the_period(w, data_dir):
    app_id = _applied(w, pdf_bytes=pdf_bytes(), pdf_name="cv.pdf", cover_letter="Dear team")
    fresh = _applied(w, who=w.cand2, cover_letter="Hello")
    A.change_status(w.db, w.rec_a, app_id, "under_review")
    A.change_status(w.db, w.rec_a, app_id, "rejected", reason=REASON)
    path = A.get_application(w.db, w.admin, app_id)["resume_pdf_path"]
    assert data_rights.anonymise_closed_applications(w.db, w.admin, 30) == 0
    w.db.execute("UPDATE applications SET updated_at = '2020-01-01T00:00:00+00:00'")
    assert main(["data", "anonymise-closed", "--actor", "admin@jx.test", "--days", "30"]) == 0
    app = A.get_application(w.db, w.admin, app_id)
    assert (app["cover_letter"], app["resume_pdf_path"]) == (None, None) and app["anonymised_at"]
    assert not (data_dir / path).exists()
    assert A.get_application(w.db, w.admin, fresh)["cover_letter"] == "Hello"   # still open
    with pytest.raises(AccessDenied):
        data_rights.anonymise_closed_applications(w.db, w.rec_a)


@pytest.mark.slow
def test_ranking_shown_to_a_recruiter_is_recorded_and_reads_no_name(w):
    from engine.recsys.fit import rank_applicants

    w.db.execute("UPDATE users SET headline = 'José Müller, data engineer: Python, SQL' WHERE id = ?", [w.cand.user_id])
    w.db.execute("UPDATE users SET headline = 'Zoë Øster, data engineer: Python, SQL', skills = '[\"Python\", \"SQL\"]' "
                 "WHERE id = ?", [w.cand2.user_id])
    first, second = _applied(w), _applied(w, who=w.cand2)
    ranked = rank_applicants(w.db, w.rec_a, w.job_a)
    assert ranked[0]["score"] == ranked[1]["score"]          # same text but the name: the same score
    rows = [r for r in decisions.records(w.db, w.rec_a, job_id=w.job_a) if r["event"] == "fit_score"]
    assert sorted((r["application_id"], r["actor_id"], r["kind"]) for r in rows) == [
        (first, w.rec_a.user_id, "ai"), (second, w.rec_a.user_id, "ai")]
    assert all(r["model"] and "@" in r["model_version"] and len(r["input_hash"]) == 64 for r in rows)
    assert {json.loads(r["output"])["rank"] for r in rows} == {1, 2}
    assert rows[0]["input_hash"] == rows[1]["input_hash"]    # the model read the same (redacted) text


@pytest.mark.parametrize("action", ["delete", "'; DROP TABLE decision_records; --", ""])
def test_override_refuses_unknown_actions(w, action):
    app_id = _applied(w)
    with pytest.raises(ValueError):
        oversight.override_ranking(w.db, w.rec_a, app_id, action)
    assert decisions.records(w.db, w.admin, job_id=w.job_a) == []


@pytest.mark.parametrize("forged", ["abc", None, 424242])
def test_fit_explanation_is_for_the_candidates_own_applications_only(w, forged):
    app_id = _applied(w)
    for who, which in ((w.cand2, app_id), (w.cand, forged)):
        with pytest.raises(NotFound):
            transparency.my_fit(w.db, who, which)
    with pytest.raises(AccessDenied):
        transparency.my_fit(w.db, w.rec_a, app_id)
