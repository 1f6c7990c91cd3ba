"""Models shipped in the repository (engine/shipped.py): manifests and checksums, the fallback when a file is
damaged, the shipped catalogue vectors in the index build, and a fresh checkout serving Job-Rec-v1 and the
coach GPT with no training step."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import shipped
from engine.recsys import encoder as enc
from engine.recsys import shipped_vectors

ROOT = Path(__file__).resolve().parent.parent
JOB_REC_SHIPPED = (shipped.root() / shipped.JOB_REC / shipped.MANIFEST).is_file()
needs_job_rec = pytest.mark.skipif(not JOB_REC_SHIPPED, reason="Job-Rec-v1 is not shipped in this checkout yet: "
                                   "`python -m engine train encoder --ship` (docs/models.md)")
CARD = {"trained_by": {"command": "python -m engine train toy", "commit": "abc"}, "data": {"toy": 3},
        "metrics": {"accuracy": 1.0}, "intended_use": "tests", "limits": "none"}


@pytest.fixture
def shipped_root(tmp_path, monkeypatch):
    root = tmp_path / "shipped"
    monkeypatch.setenv("JOBEXPRESSWAY_SHIPPED_MODELS", str(root))
    shipped.forget()
    enc.clear_cache()
    yield root
    shipped.forget()
    enc.clear_cache()


def test_ship_lists_every_file_with_its_checksum_and_a_content_version(shipped_root, tmp_path):
    source = tmp_path / "weights.bin"
    source.write_bytes(b"\x00\x01" * 100)
    found = shipped.ship("toy", {"weights.bin": source, "sub/config.json": b"{}"}, CARD)
    manifest = json.loads((shipped_root / "toy" / shipped.MANIFEST).read_text())
    assert set(manifest["files"]) == {"weights.bin", "sub/config.json"}
    assert manifest["files"]["weights.bin"] == {"bytes": 200, "sha256": shipped._sha256(source)}
    assert manifest["trained_by"] == CARD["trained_by"] and manifest["limits"] == "none"
    assert found.version == manifest["version"] == shipped.content_version(manifest["files"])
    again = shipped.ship("toy", {"weights.bin": source, "sub/config.json": b"{}"}, CARD)
    assert again.version == found.version      # the same files: the same version on every clone
    assert shipped.ship("toy", {"weights.bin": b"other", "sub/config.json": b"{}"}, CARD).version != found.version
    assert not list(shipped_root.glob("*.new")) and not list(shipped_root.glob("*.old"))


def test_a_damaged_missing_or_foreign_file_is_refused_with_a_clear_message(shipped_root):
    shipped.ship("toy", {"weights.bin": b"1234", "config.json": b"{}"}, CARD)
    folder = shipped_root / "toy"
    assert isinstance(shipped.verified("toy"), shipped.Shipped)
    (folder / "weights.bin").write_bytes(b"1235")           # same size, one byte changed
    assert "damaged: weights.bin does not match its checksum" in shipped.problem("toy")
    (folder / "weights.bin").unlink()
    assert "incomplete: weights.bin is missing" in shipped.problem("toy")
    (folder / "weights.bin").write_bytes(b"1234")
    assert shipped.load("toy") is not None
    manifest = json.loads((folder / shipped.MANIFEST).read_text())
    manifest["files"]["../outside"] = {"sha256": "0", "bytes": 1}   # a manifest may not point outside its folder
    (folder / shipped.MANIFEST).write_text(json.dumps(manifest))
    assert "../outside is missing" in shipped.problem("toy")
    (folder / shipped.MANIFEST).write_text("{not json")
    assert "unreadable manifest" in shipped.problem("toy")
    assert "is missing" in shipped.problem("never-shipped")


@pytest.fixture
def repository_models(monkeypatch):
    """What git holds, whatever an earlier test left in the environment."""
    monkeypatch.delenv("JOBEXPRESSWAY_SHIPPED_MODELS", raising=False)
    shipped.forget()
    enc.clear_cache()
    yield shipped.root()
    shipped.forget()
    enc.clear_cache()


def test_the_repository_ships_its_models_checked_with_model_cards_and_within_the_size_budget(repository_models):
    cards = {c["name"]: c for c in shipped.all_manifests()}
    assert shipped.COACH in cards and set(cards) <= {shipped.JOB_REC, shipped.JOB_REC_CATALOGUE, shipped.CLASSIFIER, shipped.COACH,
                                                  shipped.OCCUPATION_HEAD}
    assert all(c["verified"] for c in cards.values()), [c["problem"] for c in cards.values()]
    assert shipped.total_bytes() <= shipped.SIZE_BUDGET_BYTES
    for card in cards.values():
        assert card["trained_by"]["command"].startswith("python -m engine ")
        assert card["trained_by"]["commit"] and card["metrics"] and card["intended_use"] and card["limits"]
    assert cards[shipped.COACH]["metrics"]["heldout"]["perplexity"] < cards[shipped.COACH]["metrics"]["baseline_unigram_heldout_perplexity"]


@needs_job_rec
def test_job_rec_v1_ships_with_its_catalogue_vectors_and_classifier(repository_models):
    cards = {c["name"]: c for c in shipped.all_manifests()}
    assert {shipped.JOB_REC, shipped.JOB_REC_CATALOGUE, shipped.CLASSIFIER, shipped.OCCUPATION_HEAD} <= set(cards)
    assert cards[shipped.JOB_REC]["metrics"]["held_out_after_float"]["real"]["mrr@10"] > 0.8
    assert cards[shipped.JOB_REC_CATALOGUE]["model_version"] == cards[shipped.JOB_REC]["version"]
    assert cards[shipped.CLASSIFIER]["encoder_version"] == f"Job-Rec-v1@{cards[shipped.JOB_REC]['version']}"
    assert cards[shipped.OCCUPATION_HEAD]["encoder_version"] == f"job-rec-v1@{cards[shipped.JOB_REC]['version']}"


def test_int8_catalogue_vectors_keep_the_float_direction():
    vectors = np.random.default_rng(0).normal(size=(200, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    codes, scale = shipped_vectors.quantize(vectors)
    assert codes.dtype == np.int8 and np.abs(codes).max() == 127
    assert np.min(np.sum(shipped_vectors.dequantize(codes, scale) * vectors, axis=1)) > 0.9999


def test_the_index_takes_shipped_vectors_and_embeds_only_the_jobs_whose_text_changed(shipped_root, data_dir, monkeypatch):
    """A job of the shipped catalogue gets its shipped vector; an edited job (another text) and a new one are
    embedded; nothing is shipped for another model version."""
    from engine import jobs, store
    from engine.datasets.generator import generate_jobs
    from engine.recsys import index as idx
    from engine.recsys.text import job_text

    db = store.connect(data_dir)
    jobs.add_jobs(db, generate_jobs(12, seed=4))
    rows = list(db.query("SELECT * FROM jobs ORDER BY id"))
    table = np.random.default_rng(1).normal(size=(len(rows), 384)).astype(np.float32)
    table /= np.linalg.norm(table, axis=1, keepdims=True)
    codes, scale = shipped_vectors.quantize(table)
    version = idx.vector_version(enc.model_version())   # the pretrained model: no Job-Rec-v1 in this root
    buffer = io.BytesIO()
    np.savez(buffer, keys=np.array([shipped_vectors.text_key(job_text(r)) for r in rows], dtype="S20"), codes=codes, scale=scale)
    shipped.ship(shipped.JOB_REC_CATALOGUE, {shipped_vectors.FILE: buffer.getvalue()}, CARD | {"vector_version": version})
    db.execute("UPDATE jobs SET title = title || ' (nights)' WHERE id = ?", [rows[0]["id"]])   # an edited job
    embedded = []

    class CountingEncoder:
        def encode_jobs(self, texts, batch_size=64):
            embedded.extend(texts)
            return np.tile(table[:1], (len(texts), 1))

    monkeypatch.setattr(idx.enc, "load_encoder", lambda *a, **k: CountingEncoder())
    index = idx.build_index(db)
    assert index.size == 12 and embedded == [job_text(store.one(db, "SELECT * FROM jobs WHERE id = ?", [rows[0]["id"]]))]
    assert np.allclose(index.vector(rows[5]["id"]), table[5], atol=0.01)
    idx.forget_indexes()
    monkeypatch.setattr(idx, "vector_version", lambda model_version: "another-model text2")
    idx.build_index(db, rebuild=True)
    assert len(embedded) == 1 + 12   # vectors of another version are never taken


def _fresh_env(tmp_path) -> dict:
    """A fresh checkout: nothing trained (an empty artifacts dir), no ../shared data, what git holds."""
    env = dict(os.environ, JOBEXPRESSWAY_ARTIFACTS_DIR=str(tmp_path / "artifacts"),
               JOBEXPRESSWAY_SHARED_DATA=str(tmp_path / "no-shared-data"), JOBEXPRESSWAY_DATA_DIR=str(tmp_path / "data"),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("JOBEXPRESSWAY_SHIPPED_MODELS", None)
    return env


def _engine(env, *args, timeout=550) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.slow
@pytest.mark.timeout(600)   # a cold process loads TensorFlow and torch: seconds when quiet, minutes under load 20
def test_a_fresh_checkout_coaches_with_the_shipped_gpt(tmp_path):
    done = _engine(_fresh_env(tmp_path), "chat", "How do I answer 'tell me about yourself'?", "--mode", "gpt", "--json")
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert reply["mode"] == "gpt" and reply["answer"].strip() and not reply["notice"]


@needs_job_rec
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_fresh_checkout_recommends_with_job_rec_v1(tmp_path):
    env = _fresh_env(tmp_path)
    assert _engine(env, "init", "--jobs", "40").returncode == 0
    done = _engine(env, "recommend", "--profile", "Registered nurse, BLS, ACLS, ICU experience", "-k", "3", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert len(out["results"]) == 3 and out["model"] == "Job-Rec-v1"


def _served_models(tmp_path, monkeypatch):
    """The Model Lab of a fresh checkout: its 'Models served' table (as a DataFrame) and its markdown."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    at = AppTest.from_file(str(ROOT / "pages" / "model_lab.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    served = next(d.value for d in at.dataframe if "feature" in d.value.columns)
    return served.set_index("feature"), " ".join(m.value for m in at.markdown)


@pytest.mark.slow
def test_the_model_lab_shows_the_shipped_coach_gpt_and_its_model_card(repository_models, tmp_path, monkeypatch, data_dir):
    served, text = _served_models(tmp_path, monkeypatch)
    coach = served.loc["Interview coach, GPT modes"]
    assert coach["model"] == "coach GPT" and coach["source"].startswith("shipped")
    assert "Interview-coach GPT (Keras 3, trained from scratch)" in text and "*Intended use:*" in text and "*Limits:*" in text


@needs_job_rec
@pytest.mark.slow
def test_the_model_lab_of_a_fresh_checkout_names_job_rec_v1(repository_models, tmp_path, monkeypatch, data_dir):
    served, text = _served_models(tmp_path, monkeypatch)
    jobrec = served.loc["Recommendations, similar jobs"]
    assert jobrec["model"] == "Job-Rec-v1" and jobrec["source"].startswith("shipped") and not jobrec["notice"]
    assert "Job-Rec-v1 (sentence encoder for job matching)" in text


@pytest.fixture
def damaged(tmp_path, monkeypatch):
    """A copy of the shipped models with one byte of Job-Rec-v1's weights flipped (when it ships) and the
    coach's weights missing."""
    from engine.recsys import index as idx

    monkeypatch.delenv("JOBEXPRESSWAY_SHIPPED_MODELS", raising=False)
    root = tmp_path / "shipped"
    shutil.copytree(shipped.root(), root)
    weights = root / shipped.JOB_REC / "model.safetensors"
    if weights.is_file():
        data = bytearray(weights.read_bytes())
        data[len(data) // 2] ^= 0xFF
        weights.write_bytes(bytes(data))
    coach_weights(root).unlink()
    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    monkeypatch.setenv("JOBEXPRESSWAY_SHIPPED_MODELS", str(root))
    shipped.forget()
    enc.clear_cache()
    idx.forget_indexes()
    yield root
    shipped.forget()
    enc.clear_cache()
    idx.forget_indexes()


def coach_weights(root: Path) -> Path:
    """The shipped coach's weights file, whichever form it ships in (float32 .h5 or float16 .npz)."""
    listed = json.loads((root / shipped.COACH / shipped.MANIFEST).read_text())["files"]
    return root / shipped.COACH / next(name for name in listed if name.startswith("coach.weights"))


@pytest.mark.slow
def test_a_damaged_shipped_coach_falls_back_to_corpus_answers_with_the_reason(damaged):
    from engine.coach import retrieval
    from engine.coach.generate import ModelMissing, model_dir

    name = coach_weights(damaged).name
    with pytest.raises(ModelMissing, match=f"incomplete: {name} is missing"):
        model_dir()
    reply = retrieval.answer("How do I answer 'tell me about yourself'?", "gpt")
    assert reply.mode == "retrieval" and f"{name} is missing" in reply.notice and reply.text


@needs_job_rec
@pytest.mark.slow
def test_a_damaged_shipped_encoder_falls_back_to_the_pretrained_model_with_a_notice(damaged, data_dir, capsys):
    from engine.cli import main
    from engine.recsys import index as idx

    notice = enc.encoder_notice()
    assert "pretrained model (all-MiniLM-L6-v2)" in notice and "model.safetensors does not match its checksum" in notice
    assert enc.model_version().startswith("all-MiniLM-L6-v2@")
    assert shipped_vectors.for_version(idx.vector_version(enc.model_version())) is None
    assert main(["init", "--jobs", "30", "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    assert main(["recommend", "--profile", "Python developer, Django, SQL", "--json", "--data-dir", str(data_dir)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["results"] and out["model"] == "all-MiniLM-L6-v2"


@pytest.mark.slow
def test_shipping_job_rec_v1_its_catalogue_and_classifier_end_to_end_on_a_stand_in(shipped_root, tmp_path, monkeypatch, data_dir):
    """The steps `train encoder --ship` and `train classifier --ship` run, on the pretrained weights standing in
    for a trained Job-Rec-v1 (training takes ~25 CPU-minutes): fp16 form, loading as float32 under a content
    version, catalogue vectors the index build takes, a classifier re-stamped for the shipped encoder."""
    import joblib

    from engine import store
    from engine.commands.jobs import init_database
    from engine.recsys import classifier, embeddings
    from engine.recsys import index as idx
    from engine.recsys.ship_models import ship_classifier, ship_encoder

    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    monkeypatch.setenv("JOBEXPRESSWAY_ENCODER_BACKEND", "torch")   # no ONNX export of a throw-away model
    trained = enc.finetuned_path()
    shutil.copytree(enc.pretrained_path(), trained)
    (trained / "model_card.json").write_text(json.dumps({"name": "Job-Rec-v1", "trained_at": "2026-12-02T00:00:00+00:00",
                                                         "commit": "abc", "data": {"postings": {"real": 0}}}))
    reference = enc.load_encoder(enc.pretrained_path()).encode(["python developer", "registered nurse"])

    found = ship_encoder(trained, check=False, log=lambda *_: None)
    weights = found.path("model.safetensors")
    assert weights.stat().st_size < 0.55 * (trained / "model.safetensors").stat().st_size   # fp16
    assert found.manifest["trained_by"]["commit"] == "abc" and "model_card.json" not in found.manifest["files"]
    shutil.rmtree(trained)   # a fresh clone: only the shipped model
    enc.clear_cache()
    encoder = enc.load_encoder()
    assert encoder.label == "Job-Rec-v1" and encoder.version == f"job-rec-v1@{found.version}" == enc.model_version()
    assert next(encoder.model.parameters()).dtype.is_floating_point and str(next(encoder.model.parameters()).dtype) == "torch.float32"
    assert np.min(np.sum(encoder.encode(["python developer", "registered nurse"]) * reference, axis=1)) > 0.9999

    catalogue = shipped_vectors.ship(40, 42, log=lambda *_: None)
    assert catalogue.manifest["vector_version"] == idx.vector_version(encoder.version)
    db = store.connect(data_dir)
    init_database(db, 40, 42, progress=False)
    monkeypatch.setattr(idx.enc, "load_encoder", lambda *a, **k: pytest.fail("a shipped job was embedded again"))
    assert idx.build_index(db).size == 40

    model = classifier.CategoryModel(object(), ["a", "b"], embeddings.JOB_REC, "Job-Rec-v1@local", {"accuracy": 0.9})
    classifier.model_path().parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, classifier.model_path())
    card = ship_classifier(log=lambda *_: None)
    assert card.manifest["encoder_version"] == f"Job-Rec-v1@{found.version}" == embeddings.model_stamp(embeddings.JOB_REC)
    classifier.model_path().unlink()
    classifier._cache.clear()
    assert classifier.active_model().encoder_stamp == card.manifest["encoder_version"]   # the shipped one answers


@needs_job_rec
def test_the_shipped_catalogue_vectors_cover_the_default_catalogue():
    """A change to the generator or to the job text leaves the shipped vectors behind (a fresh clone then
    embeds for minutes): `python -m engine ship catalogue` must follow it."""
    from engine.recsys.index import vector_version

    found = shipped.load(shipped.JOB_REC_CATALOGUE)
    catalogue = found.manifest["catalogue"]
    texts = list(dict.fromkeys(shipped_vectors.default_catalogue_texts(catalogue["jobs"], catalogue["seed"])))
    table = shipped_vectors.for_version(vector_version(enc.model_version()))
    assert table is not None, "the shipped vectors were made for another model or job-text format"
    covered, _ = table.lookup(texts)
    assert len(covered) == len(texts), f"{len(texts) - len(covered)} default jobs have no shipped vector"
