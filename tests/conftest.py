"""Shared fixtures. Every test gets its own data dir; nothing touches ./data."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


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
