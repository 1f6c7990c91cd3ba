"""Where the coach's corpus and artifacts live (env overrides make tests use tiny fixtures and tmp dirs)."""
from __future__ import annotations

import os
from pathlib import Path

from engine import config


def corpus_dir() -> Path:
    """The committed corpus folder, data/coach/ in the checkout (independent of the runtime data dir)."""
    raw = os.environ.get("JOBEXPRESSWAY_COACH_CORPUS") or config.PROJECT_ROOT / "data" / "coach"
    return Path(raw)


def artifacts() -> Path:
    path = config.artifacts_dir() / "coach"
    path.mkdir(parents=True, exist_ok=True)
    return path


def train_command() -> str:
    return "python -m engine train coach"
