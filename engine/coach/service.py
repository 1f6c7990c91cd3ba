"""Is the Gradio coach app up? (The Streamlit page embeds it and says how to start it when it is not.)"""
from __future__ import annotations

import urllib.error
import urllib.request

from engine import config

START_COMMAND = "python gradio_chat/app.py   (or `make run`, which starts it beside Streamlit)"


def is_reachable(url: str | None = None, timeout: float = 1.5) -> bool:
    try:
        with urllib.request.urlopen(url or config.coach_url(), timeout=timeout) as resp:
            return 200 <= resp.status < 400
    except (urllib.error.URLError, OSError, ValueError):
        return False
