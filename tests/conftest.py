"""Shared fixtures. Every test gets its own data dir; nothing touches ./data."""
from __future__ import annotations

import os
from pathlib import Path

import pylibsrtp  # noqa: F401  (aiortc's libsrtp must load before TensorFlow: the reverse order segfaults)
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
os.environ.setdefault("JOBEXPRESSWAY_BCRYPT_ROUNDS", "4")  # fast hashing in tests; the product uses bcrypt's default
os.environ.setdefault("JOBEXPRESSWAY_DEMO_ACCOUNTS", "0")  # tests create the users they need
ROOT = Path(__file__).resolve().parent.parent
HOME = str(ROOT / "Home.py")


def open_page(path: str | None = None, actor=None, timeout: float = 60, **query):
    """Run the app as a browser would: Home.py (frame, navigation), then switch to ``path`` with ``query``
    as URL parameters. Pages link to each other, which only works inside the navigation."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(HOME, default_timeout=timeout)
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    if path and path != "Home.py":
        at.query_params.update({k: str(v) for k, v in query.items()})
        at.switch_page(path).run()
    return at


@pytest.fixture(autouse=True)
def frame_runs_every_time(monkeypatch):
    """AppTest makes a new PagesManager per run, which re-detects the pages/ folder and then runs the page
    file alone (Streamlit's old folder mode), skipping Home.py from the second run on. The server decides
    once and st.navigation turns folder mode off; do the same here so every run goes through the frame."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("JOBEXPRESSWAY_DATA_DIR", str(path))
    return path


@pytest.fixture
def db(data_dir):
    from engine import store

    return store.connect(data_dir)
