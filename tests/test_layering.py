"""House rule: engine/ holds the logic and never imports a UI framework."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_engine_never_imports_ui_frameworks():
    pattern = re.compile(r"^\s*(import|from)\s+(streamlit|gradio|ui)\b", re.M)
    offenders = [str(p) for p in (ROOT / "engine").rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


def test_every_navigation_page_exists():
    from engine.navigation import PAGES

    assert [p.path for p in PAGES if not (ROOT / p.path).is_file()] == []
