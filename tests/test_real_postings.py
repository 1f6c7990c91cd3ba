import pytest

from engine import config
from engine.datasets.real import load_real_postings


def test_absent_shared_data_gives_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("JOBEXPRESSWAY_SHARED_DATA", str(tmp_path / "missing"))
    assert load_real_postings() == []


@pytest.mark.skipif(config.shared_data_dir() is None, reason="the shared datasets are not on this machine")
def test_google_postings_keep_their_label_and_map_to_our_categories():
    postings = load_real_postings(limit=40, sources=["google_job_skills", "emscad"])
    google = [p for p in postings if p["source"] == "google_job_skills"]
    emscad = [p for p in postings if p["source"] == "emscad"]
    assert len(google) == len(emscad) == 20  # interleaved sources
    assert all(p["label_category"] and p["category"] and p["title"] for p in google)
    assert all(p["fraudulent"] in (0, 1) for p in emscad)
    assert len({(p["title"], p["description"][:500]) for p in postings}) == len(postings)
