"""The classifiers' features: a posting read as part vectors (job text, title, body, requirements)."""
from __future__ import annotations

import numpy as np
import pytest

from engine.recsys import catfeatures, classifier, embeddings


def _wordpieces(text: str) -> int:
    return len(catfeatures._tokenizer()(text, add_special_tokens=False)["input_ids"])


def test_a_short_text_is_one_window_and_an_empty_one_none():
    assert catfeatures.chunks("Plan the quarterly budget.") == ["Plan the quarterly budget."]
    assert catfeatures.chunks("   ") == []


def test_long_texts_are_cut_into_windows_at_word_starts():
    words = [f"unbelievably{i} reconfigurations" for i in range(200)]  # words of several word pieces each
    text = " ".join(words)
    windows = catfeatures.chunks(text, size=50, max_chunks=100)
    assert len(windows) > 5
    assert all(_wordpieces(w) <= 50 for w in windows)
    assert " ".join(windows).split() == text.split()  # nothing lost, no word split in two
    assert len(catfeatures.chunks(text, size=50, max_chunks=3)) == 3


def test_part_texts_keep_the_requirements_the_search_text_leaves_out():
    job = {"title": "Payroll Specialist", "description": "Run payroll. " * 100,
           "responsibilities": "Run payroll. " * 5, "requirements": "CPA preferred; 5 years of payroll audits."}
    parts = catfeatures.part_texts(job)
    assert parts["title"] == "Payroll Specialist" and "CPA preferred" in parts["requirements"]
    assert "CPA" not in parts["job_text"]               # the search text drops the requirements ...
    assert "CPA preferred" in catfeatures.joined_text(job)  # ... the classifiers read them
    assert parts["body"].count("Run payroll") == 100     # a repeated responsibilities text is not doubled


def _fake_embed(texts, name=embeddings.PRETRAINED, show_progress=False, cache=True):
    rng = np.random.default_rng(abs(hash(tuple(texts))) % 2**32)
    v = rng.normal(size=(len(texts), 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_features_put_one_unit_vector_per_part_side_by_side(monkeypatch):
    monkeypatch.setattr(embeddings, "embed", _fake_embed)
    jobs = [{"title": "Nurse", "description": "Care for patients. " * 80, "requirements": "RN licence."},
            {"title": "Welder", "description": "Weld frames."}]  # no requirements: that block stays zero
    X = catfeatures.features(jobs, embeddings.PRETRAINED)
    assert X.shape == (2, 384 * len(catfeatures.PARTS))
    norms = np.linalg.norm(X.reshape(2, len(catfeatures.PARTS), 384), axis=2)
    assert np.allclose(norms[0], 1.0, atol=1e-5)
    assert np.allclose(norms[1, :3], 1.0, atol=1e-5) and norms[1, 3] == 0


def test_an_older_classifier_still_reads_one_job_text_vector(monkeypatch):
    monkeypatch.setattr(embeddings, "embed", _fake_embed)
    old = classifier.CategoryModel(object(), ["a"], embeddings.PRETRAINED)  # pickled before features existed
    del old.features
    assert classifier.vectors_for(old, [{"title": "Nurse"}]).shape == (1, 384)
    new = classifier.CategoryModel(object(), ["a"], embeddings.PRETRAINED, features=catfeatures.FEATURES_VERSION)
    assert classifier.vectors_for(new, [{"title": "Nurse"}]).shape == (1, 384 * len(catfeatures.PARTS))
    with pytest.raises(ValueError, match="retrain"):
        classifier.vectors_for(classifier.CategoryModel(object(), ["a"], "x", features="parts-v0"), [{"title": "N"}])
