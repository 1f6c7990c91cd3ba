"""Helpers of the browser journeys: start the servers the way `make run` does on a prepared data dir, open
Debian chromium, wait for Streamlit's step-wise rendering, check accessibility basics, save screenshots."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TIMEOUT_MS = 45_000   # the shared 2-core machine can be slow to rerun a page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(data_dir: Path, **extra: str) -> dict:
    return {**os.environ, "JOBEXPRESSWAY_DATA_DIR": str(data_dir), "JOBEXPRESSWAY_BCRYPT_ROUNDS": "4",
            "JOBEXPRESSWAY_DEMO_ACCOUNTS": "1", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}


# How long a server may take to answer: a cold Streamlit start imports TensorFlow, torch and aiortc, which on a
# loaded 2-core CI machine (load average ~10) took over 60 s; a server that is merely slow must not fail a test.
SERVER_START_S = 180


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = SERVER_START_S) -> None:
    """Return once ``url`` answers 200; fail with the server's log when it exits or the deadline passes."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
                last = f"HTTP {answer.status}"
        except OSError as exc:
            last = str(exc)
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited (code {proc.returncode}) before {url} answered:\n"
                               f"{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s (last: {last}):\n{log.read_text()[-3000:]}")
        time.sleep(0.3)


@contextmanager
def running(args: list[str], log_path: Path, env: dict, ready_url: str, timeout: float = SERVER_START_S):
    """The one way tests and benches start a server: a process (output in ``log_path``), ready once
    ``ready_url`` answers (else a RuntimeError with its log), stopped afterwards."""
    log = open(log_path, "w")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(ready_url, proc, log_path, timeout=timeout)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def streamlit_command(script: str, port: int) -> list[str]:
    """`make run`'s server (streamlit run, headless, loopback) on ``port``."""
    return [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"]


@contextmanager
def streamlit_server(data_dir: Path, log_dir: Path, env: dict, script: str = "Home.py", log_path: Path | None = None,
                     port: int | None = None):
    """`make run`'s server on a free port (or ``port``, when the environment must name it beforehand);
    ``script`` swaps in another app (the room tests' harness). Yields its URL."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    with running(streamlit_command(script, port), log_path or log_dir / "streamlit.log", env, f"{url}/_stcore/health"):
        yield url


@contextmanager
def coach_server(log_dir: Path, env: dict):
    """`make run`'s second server: the Gradio interview coach (gradio_chat/app.py) on a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running([sys.executable, "gradio_chat/app.py"], log_dir / "coach.log", {**env, "COACH_PORT": str(port)},
                 url, timeout=240):
        yield url


def wait_rerun(page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait (best effort) until Streamlit has finished running the script: its status widget goes away. A
    fragment polling every few seconds (a progress panel) keeps it coming back, so callers still wait for the
    specific element they need."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_timeout(200)
    try:
        page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=timeout_ms)
    except PlaywrightTimeout:
        pass


def shot(page, name: str) -> Path:
    """A screenshot of the visible screen (PNG, viewport only to keep files small)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wait_rerun(page, 8000)
    path = SCREENSHOTS / f"journey_{name}.png"
    page.screenshot(path=str(path))
    return path


A11Y_JS = """() => {
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const unlabelled = [];
  for (const el of document.querySelectorAll('input, textarea, select')) {
    // tabindex=-1: a widget's internal mirror (the date picker's native input), outside the focus order
    if (el.type === 'hidden' || !visible(el) || el.getAttribute('tabindex') === '-1') continue;
    const byFor = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    const labelledBy = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .some(id => (document.getElementById(id)?.textContent || '').trim());
    const ok = (el.getAttribute('aria-label') || '').trim() || labelledBy || byFor || el.closest('label')
      || (el.getAttribute('title') || '').trim();
    if (!ok) unlabelled.push(el.outerHTML.slice(0, 160));
  }
  const noAlt = [...document.querySelectorAll('img')].filter(i => visible(i) && !i.hasAttribute('alt'))
    .map(i => i.outerHTML.slice(0, 160));
  const buttons = [...document.querySelectorAll('button')].filter(b => visible(b)
    && !(b.textContent || '').trim() && !(b.getAttribute('aria-label') || '').trim() && !(b.getAttribute('title') || '').trim())
    .map(b => b.outerHTML.slice(0, 160));
  return {unlabelled, noAlt, buttons};
}"""


def accessibility_problems(page) -> dict:
    """Form fields without a label, images without alt text, buttons without a name (on the current screen)."""
    wait_rerun(page, 8000)
    found = page.evaluate(A11Y_JS)
    return {k: v for k, v in found.items() if v}


def start_camera(page) -> None:
    """Press the room player's "Start camera" until the call is signalling. The consent choice just before
    reruns the page and replaces the player's iframe, so a click may land in the old one and be lost."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    player = page.frame_locator('iframe[src*="webrtc_streamer"]').first
    for _ in range(4):
        try:
            player.get_by_role("button", name="Start camera").click(timeout=30_000)
            player.get_by_role("button", name="Leave call").wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the camera did not start")
