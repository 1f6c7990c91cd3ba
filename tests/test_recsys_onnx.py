"""The ONNX Runtime encoder gives torch's vectors, keeps input order, and falls back to torch when it cannot
be used. Runs the real pretrained MiniLM (its export is cached once per checkout in artifacts/cache/onnx)."""
import numpy as np
import pytest

from engine.recsys import encoder as enc
from engine.recsys import onnx_encoder

pytestmark = pytest.mark.slow

TEXTS = [
    "Registered nurse, emergency department, BLS and ACLS.",
    "Senior backend engineer building payment APIs in Go and PostgreSQL on Kubernetes; on-call rotation; "
    "mentoring two junior engineers; Bachelor's degree in computer science or equivalent experience.",
    "x",
    "Forklift operator, warehouse, night shift",
    "Accountant: month-end close, reconciliations, IFRS, Excel and SAP; CPA preferred; hybrid in Denver.",
    "",
]


@pytest.fixture
def fresh_encoders(monkeypatch):
    monkeypatch.delenv("JOBEXPRESSWAY_ENCODER_BACKEND", raising=False)
    enc.clear_cache()
    yield
    enc.clear_cache()


def test_onnx_vectors_match_torch_in_input_order(fresh_encoders):
    encoder = enc.load_encoder(enc.pretrained_path())
    assert encoder.backend == "onnx"
    reference = encoder.model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    for batch_size in (64, 2):   # texts of mixed lengths are sorted into batches and must come back in order
        vectors = encoder.encode(TEXTS, batch_size=batch_size)
        assert vectors.shape == (len(TEXTS), enc.DIM) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        assert np.min(np.sum(vectors * reference, axis=1)) > 0.9999
    single = encoder.encode([TEXTS[1]])   # the one-thread session used for a profile or one new job
    assert float(single[0] @ reference[1]) > 0.9999


def test_the_export_is_reused_from_the_cache(fresh_encoders, monkeypatch):
    enc.load_encoder(enc.pretrained_path())
    enc.clear_cache()
    monkeypatch.setattr(onnx_encoder, "_export", lambda *a: pytest.fail("exported again"))
    monkeypatch.setattr(enc, "_sentence_transformer", lambda *a: pytest.fail("torch model loaded"))
    encoder = enc.load_encoder(enc.pretrained_path())
    assert encoder.backend == "onnx" and encoder.encode(["data analyst"]).shape == (1, enc.DIM)


def test_torch_backend_on_request_and_when_export_fails(fresh_encoders, monkeypatch, tmp_path):
    monkeypatch.setenv("JOBEXPRESSWAY_ENCODER_BACKEND", "torch")
    assert enc.load_encoder(enc.pretrained_path()).backend == "torch"
    enc.clear_cache()
    monkeypatch.delenv("JOBEXPRESSWAY_ENCODER_BACKEND")
    monkeypatch.setenv("JOBEXPRESSWAY_CACHE_DIR", str(tmp_path / "cache"))   # nothing exported there yet

    def broken(*args):
        raise RuntimeError("exporter unavailable")

    monkeypatch.setattr(onnx_encoder, "_export", broken)
    encoder = enc.load_encoder(enc.pretrained_path())
    assert encoder.backend == "torch"
    assert encoder.encode(["data analyst"]).shape == (1, enc.DIM)


def test_an_export_that_disagrees_with_torch_is_discarded(fresh_encoders, monkeypatch, tmp_path):
    monkeypatch.setenv("JOBEXPRESSWAY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(onnx_encoder.OnnxEncoder, "encode",
                        lambda self, texts, **kw: np.eye(len(texts), enc.DIM, k=5, dtype=np.float32))
    encoder = enc.load_encoder(enc.pretrained_path())
    assert encoder.backend == "torch"
    assert not any((tmp_path / "cache" / "onnx").glob("*/meta.json"))


def test_profile_queries_use_an_int8_model_that_agrees_with_the_float_one(fresh_encoders, monkeypatch):
    encoder = enc.load_encoder(enc.pretrained_path())
    assert encoder.onnx.int8_queries
    texts = [t for t in TEXTS if t]
    float_vectors, int8_vectors = encoder.encode(texts), encoder.encode_query(texts)
    assert int8_vectors.shape == float_vectors.shape and np.allclose(np.linalg.norm(int8_vectors, axis=1), 1, atol=1e-5)
    cosines = np.sum(float_vectors * int8_vectors, axis=1)
    assert cosines.min() > onnx_encoder.INT8_AGREEMENT and cosines.max() < 0.99999   # close, and really int8
    # each int8 query still finds its own float text first among the others
    assert list(np.argmax(int8_vectors @ float_vectors.T, axis=1)) == list(range(len(texts)))
    enc.clear_cache()
    monkeypatch.setenv("JOBEXPRESSWAY_QUERY_PRECISION", "float")
    plain = enc.load_encoder(enc.pretrained_path())
    assert not plain.onnx.int8_queries
    assert np.array_equal(plain.encode_query(texts[:1]), plain.encode(texts[:1]))


def test_index_builds_embed_jobs_through_the_int8_model_unless_float_is_asked(fresh_encoders, monkeypatch):
    encoder = enc.load_encoder(enc.pretrained_path())
    assert encoder.onnx.int8_jobs
    texts = [t for t in TEXTS if t] * 3   # a batch: the job side runs on every core, longest first
    float_vectors, int8_vectors = encoder.encode(texts), encoder.encode_jobs(texts)
    cosines = np.sum(float_vectors * int8_vectors, axis=1)
    assert cosines.min() > onnx_encoder.INT8_AGREEMENT and cosines.max() < 0.99999
    # each job vector still finds its own float text first
    assert list(np.argmax(int8_vectors @ float_vectors.T, axis=1) % 5) == list(range(5)) * 3
    enc.clear_cache()
    monkeypatch.setenv("JOBEXPRESSWAY_JOB_PRECISION", "float")
    plain = enc.load_encoder(enc.pretrained_path())
    assert not plain.onnx.int8_jobs and plain.onnx.int8_queries
    assert np.array_equal(plain.encode_jobs(texts), plain.encode(texts))


def test_recommend_encodes_the_profile_as_a_query(monkeypatch):
    from engine.recsys import recommend

    calls = []
    monkeypatch.setattr(enc, "encode_query", lambda texts: calls.append(texts) or np.ones((1, enc.DIM), np.float32))
    recommend._vectors.clear()
    recommend._text_vector("Python, Django, PostgreSQL")
    assert calls == [["Python, Django, PostgreSQL"]]


def test_eval_recsys_also_scores_the_served_int8_query_path(fresh_encoders, monkeypatch):
    from engine.recsys import embeddings, evaluate

    # Job-Rec-v1 is not trained in CI: let the pretrained folder stand in for it
    real_path = embeddings.model_path
    monkeypatch.setattr(embeddings, "model_path", lambda name: real_path(embeddings.PRETRAINED))
    monkeypatch.setattr(embeddings, "available_models", lambda: [embeddings.PRETRAINED, embeddings.JOB_REC])
    rankers = evaluate.rankers()
    assert evaluate.SERVED in rankers
    corpus = ["Registered nurse, emergency department, ACLS", "Backend engineer, Go, PostgreSQL, Kubernetes",
              "Accountant: month-end close, IFRS, SAP"]
    ranked = rankers[evaluate.SERVED](["ACLS and BLS certified, ICU and ER shifts", "Kubernetes, Go microservices"],
                                      corpus, [2, 2])   # index 2 plays the queries' own posting
    assert [r[0] for r in ranked] == [0, 1]
