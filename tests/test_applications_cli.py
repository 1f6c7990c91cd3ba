"""The apply / set-status / applications / deliver-mail commands, run through engine.cli.main."""
import json

from applications_fixtures import World, pdf_bytes

from engine.cli import main


def test_cli_flow(db, data_dir, tmp_path, capsys, monkeypatch):
    w = World(db)
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(pdf_bytes())
    dd = ["--data-dir", str(data_dir)]
    assert main(["apply", "--candidate", "jose@cand.test", "--job", str(w.job_a), "--resume-pdf", str(cv), "--json", *dd]) == 0
    app = json.loads(capsys.readouterr().out)
    assert app["status"] == "applied" and app["resume_pdf_path"].startswith("uploads/")
    assert main(["set-status", str(app["id"]), "under_review", "--actor", "rec@acme.test", "--note", "looks good", *dd]) == 0
    assert "Under review" in capsys.readouterr().out
    # illegal transition and other company's recruiter: clear message, exit 2, no traceback
    assert main(["set-status", str(app["id"]), "offered", "--actor", "rec@acme.test", *dd]) == 2
    assert "Allowed next" in capsys.readouterr().err
    assert main(["set-status", str(app["id"]), "accepted", "--actor", "rec@globex.test", *dd]) == 2
    assert "no application" in capsys.readouterr().err
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"GIF89a not a pdf")
    assert main(["apply", "--candidate", "zoe@cand.test", "--job", str(w.job_a), "--resume-pdf", str(fake), *dd]) == 2
    assert "not a PDF" in capsys.readouterr().err
    assert main(["applications", "--status", "under_review", "--json", *dd]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["status"]) for r in rows] == [(app["id"], "under_review")]
    monkeypatch.delenv("SMTP_HOST", raising=False)
    assert main(["deliver-mail", *dd]) == 0
    assert "not configured" in json.loads(capsys.readouterr().out)["skipped"]
