"""Recommendation panels through the app's navigation (AppTest): home, profile and job pages."""
import pytest

from conftest import open_page
from engine import store
from engine.authz import Actor
from recsys_data import add_candidate, build_catalogue, copy_catalogue

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("ui"), per_occupation=4)


@pytest.fixture
def data(catalogue, tmp_path, monkeypatch):
    path = copy_catalogue(catalogue, tmp_path / "data")
    monkeypatch.setenv("JOBEXPRESSWAY_DATA_DIR", str(path))
    return path


def _links(at) -> list[str]:
    return [e.proto.label for e in at.get("page_link") if "query_params" in str(e.proto) or "id" in str(e.proto)]


def test_candidate_sees_top5_with_scores_and_skills(data):
    user = add_candidate(store.connect(data), "Ux", ["Figma", "Prototyping"], headline="UX designer",
                         location="Austin, TX")
    at = open_page("pages/home.py", Actor(user, "candidate", name="Ux"), timeout=120)
    assert not at.exception
    assert "Recommended for you" in [s.value for s in at.subheader]
    bars = [p for p in at.get("progress") if "match" in str(p.proto)]
    assert len(bars) == 5
    assert any("You have:" in c.value and "Figma" in c.value for c in at.caption)
    assert any("UX Designer" in label for label in _links(at))


def test_empty_profile_gets_a_prompt(data):
    user = add_candidate(store.connect(data), "Blank")
    at = open_page("pages/home.py", Actor(user, "candidate", name="Blank"), timeout=120)
    assert not at.exception
    assert any("Add your skills" in i.value for i in at.info)


def test_job_page_lists_similar_jobs(data):
    at = open_page("pages/job.py", None, timeout=120, id=1)
    assert not at.exception
    assert "Similar jobs" in [s.value for s in at.subheader]
    assert len([p for p in at.get("progress") if "match" in str(p.proto)]) == 5
