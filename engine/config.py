"""Paths and settings, read from the environment with safe defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The folder holding the database and everything built from it (indexes, uploads, recordings)."""
    raw = override or os.environ.get("JOBEXPRESSWAY_DATA_DIR") or PROJECT_ROOT / "data"
    path = Path(raw).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def artifacts_dir() -> Path:
    """Trained models, metrics JSON and benchmark results (shared by every data dir)."""
    raw = os.environ.get("JOBEXPRESSWAY_ARTIFACTS_DIR") or PROJECT_ROOT / "artifacts"
    path = Path(raw).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Derived files worth keeping between runs (ONNX exports of the encoder). Not under a test's own
    artifacts dir on purpose: every test process reuses one export instead of redoing it."""
    raw = os.environ.get("JOBEXPRESSWAY_CACHE_DIR") or PROJECT_ROOT / "artifacts" / "cache"
    path = Path(raw).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def shared_data_path() -> Path:
    """Where the real public datasets are looked for (JOBEXPRESSWAY_SHARED_DATA, else ../shared/data)."""
    return Path(os.environ.get("JOBEXPRESSWAY_SHARED_DATA") or PROJECT_ROOT.parent / "shared" / "data")


def shared_data_dir() -> Path | None:
    """The real public datasets beside the checkout (development only; absent on a fresh machine)."""
    path = shared_data_path()
    return path if path.is_dir() else None


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    sender: str
    use_tls: bool


def smtp_settings() -> SmtpSettings | None:
    """SMTP delivery is on only when SMTP_HOST is set; otherwise mail stays in the outbox."""
    host = os.environ.get("SMTP_HOST")
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("SMTP_PORT", "25")),
        user=os.environ.get("SMTP_USER") or None,
        password=os.environ.get("SMTP_PASSWORD") or None,
        sender=os.environ.get("SMTP_SENDER", "JobExpressway <no-reply@jobexpressway.local>"),
        use_tls=os.environ.get("SMTP_TLS", "0") == "1",
    )


def public_base_url() -> str:
    """Base of links put in emails (share links, interview rooms)."""
    return os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8501").rstrip("/")


def coach_url() -> str:
    return os.environ.get("COACH_URL", "http://127.0.0.1:7860").rstrip("/")
