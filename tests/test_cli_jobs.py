import json
import subprocess
import sys
import time

from engine.cli import main


def test_init_generates_once_then_does_nothing(data_dir, capsys):
    assert main(["init", "--jobs", "200", "--seed", "3", "--data-dir", str(data_dir)]) == 0
    assert "Generated 200 jobs" in capsys.readouterr().out
    started = time.perf_counter()
    assert main(["init", "--jobs", "200", "--data-dir", str(data_dir)]) == 0
    assert time.perf_counter() - started < 5
    assert "already holds 200 jobs: nothing generated" in capsys.readouterr().out
    assert main(["stats", "--json", "--data-dir", str(data_dir)]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["jobs"] == 200 and set(counts) == {"jobs", "users", "companies", "applications"}


def test_export_then_import_reports_duplicates(data_dir, tmp_path, capsys):
    main(["init", "--jobs", "30", "--data-dir", str(data_dir)])
    out = tmp_path / "jobs.csv"
    assert main(["export-jobs", str(out), "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    assert main(["import-jobs", str(out), "--json", "--data-dir", str(data_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["layout"], report["taken"], report["duplicates"], report["skipped"]) == ("own", 0, 30, 0)


def test_import_with_wrong_columns_exits_2(data_dir, tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("Name,Age\nAda,36\n", encoding="utf-8")
    assert main(["import-jobs", str(path), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "Name, Age" in err and "--map" in err


def test_import_missing_file_exits_2_without_traceback(data_dir, tmp_path):
    missing = tmp_path / "nowhere.csv"
    proc = subprocess.run([sys.executable, "-m", "engine", "import-jobs", str(missing), "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert f"File not found: {missing}" in proc.stderr and "Traceback" not in proc.stderr
