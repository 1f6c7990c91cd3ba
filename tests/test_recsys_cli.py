"""`python -m engine recommend|similar|index` (in-process, sharing the loaded encoder)."""
import json

import pytest

from engine.cli import main
from engine.recsys import encoder as enc
from recsys_data import build_catalogue, copy_catalogue


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("cli"), per_occupation=4)


@pytest.fixture
def data(catalogue, tmp_path):
    return str(copy_catalogue(catalogue, tmp_path / "data"))


@pytest.mark.slow
def test_recommend_json_lists_jobs_best_first(data, capsys):
    assert main(["recommend", "--profile", "UX designer: Figma, prototyping, user research", "-k", "3", "--json",
                 "--data-dir", data]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = out["results"]
    assert len(rows) == 3 and all(set(r) == {"job_id", "title", "company", "category", "location", "nearness", "score"}
                                for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert rows[0]["category"] == "Design"
    # which model ranked: the one the index was built with
    encoder = enc.load_encoder()
    assert (out["model"], out["model_version"]) == (encoder.label, encoder.version.split("@")[1])
    assert out["backend"] in ("onnx", "torch")


@pytest.mark.slow
def test_first_index_build_shows_progress_on_stderr_when_piped(tmp_path, capsys):
    from engine import jobs, store
    from recsys_data import tiny_jobs

    db = store.connect(tmp_path)
    jobs.add_jobs(db, tiny_jobs(2))
    db.close()
    assert main(["recommend", "--profile", "Python, SQL", "-k", "2", "--json", "--data-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()   # neither stream is a terminal here
    assert "embedding jobs" in captured.err and "16/16" in captured.err, captured.err
    assert len(json.loads(captured.out)["results"]) == 2


@pytest.mark.slow
def test_similar_json_and_unknown_id(data, capsys):
    assert main(["similar", "1", "--json", "--data-dir", data]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]
    assert len(rows) == 5 and 1 not in [r["job_id"] for r in rows]
    assert main(["similar", "424242", "--json", "--data-dir", data]) == 2
    assert "There is no job with id 424242" in capsys.readouterr().err


@pytest.mark.slow
def test_empty_profile_is_a_clear_error(data, capsys):
    assert main(["recommend", "--profile", "  ", "--data-dir", data]) == 2
    assert "Add your skills" in capsys.readouterr().err


@pytest.mark.slow
def test_index_status_json(data, capsys):
    assert main(["index", "status", "--json", "--data-dir", data]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["size"] == 32 and status["kind"] == "flat" and status["needs_build"] is False


def test_missing_finetuned_model_falls_back_with_a_notice(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    monkeypatch.setenv("JOBEXPRESSWAY_SHIPPED_MODELS", str(tmp_path / "no-shipped-models"))
    assert enc.encoder_notice() == enc.PRETRAINED_NOTICE
    assert enc.model_version().startswith("all-MiniLM-L6-v2@")
    # a half-written model folder (no weights) does not count as trained
    (tmp_path / "artifacts" / "models" / "job-rec-v1").mkdir(parents=True)
    (tmp_path / "artifacts" / "models" / "job-rec-v1" / "config.json").write_text("{}")
    assert enc.encoder_notice() == enc.PRETRAINED_NOTICE


@pytest.mark.slow
def test_pretrained_encoder_loads_offline_and_normalises(tmp_path, monkeypatch):
    import numpy as np

    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    monkeypatch.setenv("JOBEXPRESSWAY_SHIPPED_MODELS", str(tmp_path / "no-shipped-models"))
    encoder = enc.load_encoder()
    assert encoder.notice == enc.PRETRAINED_NOTICE and not encoder.finetuned
    vectors = encoder.encode(["python developer", "registered nurse"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)
