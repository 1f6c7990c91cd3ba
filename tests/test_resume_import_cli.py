"""`python -m engine resume import FILE --json` and `resume export ID --out FILE.docx|.json`."""
import json

from engine.cli import main
from engine.resume import repository as repo
from engine.resume.render import render_pdf
from engine.resume.samples import sample_resume
from engine.store import one
from resume_helpers import add_user


def test_import_prints_json_resume_and_saves_nothing(db, data_dir, tmp_path, capsys):
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(render_pdf(sample_resume(), "modern"))
    assert main(["resume", "import", str(pdf), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["basics"]["name"] == "José Müller" and doc["basics"]["email"] == "jose.muller@example.com"
    assert doc["basics"]["phone"] == "+49 30 5550 1234"
    assert [(w["name"], w["position"], w["startDate"]) for w in doc["work"]] == \
           [("Zoë Ø'Brien Consulting", "Data Analytics Intern", "2023-06")]
    assert doc["education"][0]["institution"] == "Technische Universität Berlin"
    assert [s["name"] for s in doc["skills"]][:2] == ["Python", "SQL"]
    assert one(db, "SELECT COUNT(*) AS n FROM resumes")["n"] == 0


def test_bad_file_exits_non_zero_with_the_reason_on_stderr(data_dir, tmp_path, capsys):
    bad = tmp_path / "cv.json"
    bad.write_text('{"work": [{"startDate": "last year"}]}')
    assert main(["resume", "import", str(bad), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "work[0].startDate" in captured.err
    assert main(["resume", "import", str(tmp_path / "missing.pdf")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_export_docx_and_json_then_import_the_json_gives_the_same_resume(db, data_dir, tmp_path, capsys):
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", "classic", sample_resume())
    assert main(["resume", "export", str(stored.id), "--out", str(tmp_path / "cv.docx")]) == 0
    assert (tmp_path / "cv.docx").read_bytes()[:2] == b"PK"
    assert main(["resume", "export", str(stored.id), "--out", str(tmp_path / "cv.json")]) == 0
    capsys.readouterr()
    assert main(["resume", "import", str(tmp_path / "cv.json"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads((tmp_path / "cv.json").read_text())
    assert main(["resume", "export", str(stored.id), "--out", str(tmp_path / "cv.txt")]) == 2
