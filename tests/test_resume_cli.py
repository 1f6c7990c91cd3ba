from engine.cli import main
from engine.resume import repository as repo
from engine.resume.samples import sample_resume
from resume_helpers import add_user, pdf_text


def test_render_writes_the_pdf_with_the_stored_or_given_template(db, data_dir, tmp_path, capsys):
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", "compact", sample_resume("Zoë Ø'Brien"))
    out = tmp_path / "out" / "cv.pdf"
    assert main(["resume", "render", str(stored.id), "--out", str(out), "--data-dir", str(data_dir)]) == 0
    assert "template compact" in capsys.readouterr().out
    assert "Zoë Ø'Brien" in pdf_text(out.read_bytes())[0]
    assert main(["resume", "render", str(stored.id), "--out", str(out), "--template", "classic"]) == 0


def test_unknown_id_and_template_exit_2_with_a_clear_message(db, data_dir, tmp_path, capsys):
    assert main(["resume", "render", "4242", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "no resume with id 4242" in capsys.readouterr().err
    me = add_user(db)
    stored = repo.create_resume(db, me, "CV", resume=sample_resume())
    assert main(["resume", "render", str(stored.id), "--out", str(tmp_path / "x.pdf"), "--template", "fancy"]) == 2
    assert "Choose one of: classic, modern, compact" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
