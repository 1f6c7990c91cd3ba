import csv
import json
from collections import Counter
from datetime import date

import pytest

from engine import jobs as jobs_core
from engine import store
from engine.datasets.categories import infer_category
from engine.datasets.cleaning import clean_text
from engine.datasets.generator import generate_jobs
from engine.datasets.skills import normalise_skill
from engine.datasets.importers import (EMSCAD_COLUMNS, ImportFormatError, export_csv, import_csv, parse_salary,
                                       read_postings)

GOOD_HTML = "<p>We build <b>shoe</b> apps.</p><ul><li>Ship fast</li></ul> See #URL_0f3a9c# or mail #EMAIL_77ab#."


def _emscad_row(**kw):
    row = dict.fromkeys(EMSCAD_COLUMNS, "")
    row.update(job_id="1", title="Python Engineer", location="US, NY, New York", salary_range="40000-60000",
               description=GOOD_HTML, requirements="<p>Strong with Python, SQL and k8s</p>", telecommuting="1",
               employment_type="Full-time", required_education="Bachelor's Degree",
               function="Information Technology", industry="Internet", fraudulent="0")
    row.update(kw)
    return row


@pytest.fixture
def emscad_csv(tmp_path):
    path = tmp_path / "emscad.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=EMSCAD_COLUMNS)
        w.writeheader()
        w.writerow(_emscad_row())                                              # row 1 good
        w.writerow(_emscad_row(job_id="2", title="  "))                        # row 2 missing title
        w.writerow(_emscad_row(job_id="3", title="Nurse", salary_range="Dec-25"))  # row 3 unparsable salary
        w.writerow(_emscad_row(job_id="4"))                                    # row 4 duplicate of row 1
        w.writerow(_emscad_row(job_id="5", title="Home Data Entry Clerk", description="Earn $$$ from home",
                               function="Administrative", fraudulent="1", telecommuting="0"))  # row 5 scam
    with path.open("a", encoding="utf-8") as f:
        f.write('6,"Broken Row,only three\n')                                  # row 6: unterminated quote
    return path


def test_emscad_import_cleans_maps_and_reports(db, emscad_csv):
    report = import_csv(db, emscad_csv)
    assert report.layout == "emscad"
    assert (report.taken, report.skipped, report.duplicates) == (2, 3, 1)
    assert report.reasons == Counter({"missing title": 1, "unparsable salary": 1, "wrong number of columns": 1})
    assert "row 2: missing title" in report.messages
    assert any(m.startswith("row 3: unparsable salary") for m in report.messages)
    engineer = next(db.query("SELECT * FROM jobs WHERE title = 'Python Engineer'"))
    assert "<" not in engineer["description"] and "#URL_" not in engineer["description"]
    assert "#EMAIL_" not in engineer["description"] and "We build shoe apps." in engineer["description"]
    assert (engineer["salary_min"], engineer["salary_max"], engineer["remote"]) == (40000, 60000, 1)
    assert engineer["location"] == "New York, NY" and engineer["category"] == "Software Engineering"
    assert engineer["education_level"] == "Bachelor's Degree" and engineer["source"] == "emscad"
    assert jobs_core.decode_job(engineer)["required_skills"] == ["Python", "SQL", "Kubernetes"]
    scam = next(db.query("SELECT * FROM jobs WHERE title = 'Home Data Entry Clerk'"))
    assert scam["status"] == "pending_review" and scam["category"] == "Administration"


def test_emscad_rows_keep_the_fraud_label(emscad_csv):
    labels = {j["title"]: j["fraudulent"] for j in read_postings(emscad_csv)}
    assert labels == {"Python Engineer": 0, "Home Data Entry Clerk": 1}


def test_own_format_round_trip(db, tmp_path):
    jobs_core.add_jobs(db, generate_jobs(40, seed=5, today=date(2026, 1, 15)))
    out = tmp_path / "jobs.csv"
    assert export_csv(db, out) == 40
    fields = [f for f in jobs_core.JOB_FIELDS]
    before = [{k: r[k] for k in fields} for r in db.query("SELECT * FROM jobs ORDER BY id")]
    # the import goes into an empty catalogue: another SQLite file, or the PostgreSQL test's one database emptied
    db.execute("DELETE FROM jobs")
    other = store.connect(tmp_path / "other")
    report = import_csv(other, out)
    assert (report.layout, report.taken, report.skipped, report.duplicates) == ("own", 40, 0, 0)
    after = [{k: r[k] for k in fields} for r in other.query("SELECT * FROM jobs ORDER BY id")]
    # an import names skills as the product does (O*NET's "Microsoft Excel" for the generator's "Excel")
    for row in before:
        row["required_skills"] = json.dumps([normalise_skill(s) for s in json.loads(row["required_skills"])])
    assert after == before
    assert import_csv(other, out).duplicates == 40  # importing again stores nothing new


def test_mapped_layout(db, tmp_path):
    path = tmp_path / "google.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Title", "Category", "Responsibilities", "Minimum Qualifications", "Pay"])
        w.writerow(["Account Manager", "Sales & Account Management", "Grow accounts.", "CRM experience", "$50K-$70K"])
        w.writerow(["Mystery Role", "Partnerships", "Build partner deals.", "", "lots"])
        w.writerow(["", "Finance", "Close books.", "GAAP", ""])
    report = import_csv(db, path, "title=Title,category=Category,description=Responsibilities,"
                                  "requirements=Minimum Qualifications,salary=Pay")
    assert (report.layout, report.taken, report.skipped) == ("mapped", 1, 2)
    assert report.reasons == Counter({"unparsable salary": 1, "missing title": 1})
    job = jobs_core.decode_job(next(db.query("SELECT * FROM jobs")))
    assert (job["category"], job["salary_min"], job["salary_max"]) == ("Sales", 50000, 70000)
    assert job["required_skills"] == ["CRM"] and job["source"] == "import"


@pytest.mark.parametrize("mapping, message", [
    (None, "Pass a column mapping"),
    ("title=Titel", "not in"),
    ("description=Responsibilities", "title"),
    ("title=Title,colour=Category", "Unknown job field"),
])
def test_wrong_columns_are_refused_before_anything_is_stored(db, tmp_path, mapping, message):
    path = tmp_path / "other.csv"
    path.write_text("Title,Category,Responsibilities\nNurse,Health,Care\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=message):
        import_csv(db, path, mapping)
    assert db.execute("SELECT count(*) FROM jobs").fetchone()[0] == 0


def test_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(ImportFormatError, match="File not found"):
        import_csv(db, tmp_path / "nope.csv")


def test_existing_jobs_are_untouched_and_bad_bytes_are_skipped(db, tmp_path):
    existing = list(generate_jobs(3, seed=1, today=date(2026, 1, 15)))
    jobs_core.add_jobs(db, existing)
    snapshot = list(db.query("SELECT * FROM jobs ORDER BY id"))
    out = tmp_path / "mine.csv"
    export_csv(db, out)
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fresh = [dict(rows[0], title="PLACEHOLDER", description="New one"),     # gets a byte that is not UTF-8
             dict(rows[1], title="Other new", description="x", salary_min="lots")]
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows + fresh)
    out.write_bytes(out.read_bytes().replace(b"PLACEHOLDER", b"Caf\xe9 Manager"))
    report = import_csv(db, out)
    assert (report.rows, report.duplicates, report.taken) == (5, 3, 0)
    assert report.reasons == Counter({"undecodable text (not UTF-8)": 1, "unparsable salary_min": 1})
    assert list(db.query("SELECT * FROM jobs ORDER BY id")) == snapshot


@pytest.mark.parametrize("text, expected", [
    ("40000-60000", (40000, 60000)), ("$53K-$91K (Glassdoor est.)", (53000, 91000)), ("55-65", (55000, 65000)),
    ("$25 per hour", (52000, 52000)), ("", (None, None)),
])
def test_parse_salary(text, expected):
    assert parse_salary(text) == expected


@pytest.mark.parametrize("title, label, expected", [
    ("Senior Data Engineer", None, "Data Engineering"),
    ("Registered Nurse (ICU)", None, "Healthcare & Nursing"),
    ("Security Engineer", None, "Cybersecurity"),
    ("Account Strategist", "Sales & Account Management", "Sales"),
    ("Associate", "Health Care Provider", "Healthcare & Nursing"),
    ("Chief Vibes Officer", None, "Other"),
])
def test_infer_category(title, label, expected):
    assert infer_category(title, "", label=label) == expected


def test_clean_text():
    assert clean_text(GOOD_HTML) == "We build shoe apps.\n- Ship fast\nSee or mail ."
    assert clean_text("one.Two  words\u00a0here\r\n\r\n\r\nend") == "one. Two words here\nend"
    assert clean_text(None) == "" and clean_text("nan") == ""
