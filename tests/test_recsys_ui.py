"""The recommendation panel on the home page (AppTest)."""
import pytest
from streamlit.testing.v1 import AppTest

from engine import store
from engine.authz import Actor
from pathlib import Path

from recsys_data import add_candidate, build_catalogue, copy_catalogue

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("ui"), per_occupation=4)


def _home(data, monkeypatch, actor):
    monkeypatch.setenv("JOBEXPRESSWAY_DATA_DIR", str(data))
    at = AppTest.from_file(str(ROOT / "pages" / "home.py"), default_timeout=120)
    at.session_state["actor"] = actor
    return at.run()


def test_candidate_sees_top5_with_skills(catalogue, tmp_path, monkeypatch):
    data = copy_catalogue(catalogue, tmp_path / "data")
    user = add_candidate(store.connect(data), "Ux", ["Figma", "Prototyping"], headline="UX designer")
    at = _home(data, monkeypatch, Actor(user, "candidate"))
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Recommended for you"]
    jobs = [m.value for m in at.markdown if "](/job?id=" in m.value]
    assert len(jobs) == 5 and "UX Designer" in jobs[0]
    assert any("You have:" in c.value and "Figma" in c.value for c in at.caption)


def test_empty_profile_gets_a_prompt(catalogue, tmp_path, monkeypatch):
    data = copy_catalogue(catalogue, tmp_path / "data")
    user = add_candidate(store.connect(data), "Blank")
    at = _home(data, monkeypatch, Actor(user, "candidate"))
    assert not at.exception
    assert "Add your skills" in at.info[0].value
