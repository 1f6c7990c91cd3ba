"""Models that ship in the repository (`artifacts/models/shipped/<name>/`), so a fresh clone serves the
models the README measures without a training step.

Each folder holds the model's files and a ``MANIFEST.json``: every file with its sha256 and size, the command
and commit that trained it, the data it saw (names and sizes, never the data), its metrics, intended use and
limits (the model card the Model Lab shows). ``verified(name)`` checks the checksums before anything loads a
file; a missing or changed file gives a ``Problem`` with a clear message, and the caller falls back (the
pretrained encoder, the coach's retrieval mode) with a notice instead of crashing. ``ship(...)`` writes a
new version beside the old one and swaps it in, so a retrained model replaces the shipped one in one
commit-ready change (`train encoder --ship`, `train classifier --ship`, `train coach --ship`).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from engine import config

MANIFEST = "MANIFEST.json"
SIZE_BUDGET_BYTES = 60_000_000     # all shipped model files together: every version stays in git history
JOB_REC = "job-rec-v1"
JOB_REC_CATALOGUE = "job-rec-v1-catalogue"
CLASSIFIER = "category-classifier"
COACH = "coach-gpt"
OCCUPATION_HEAD = "occupation-head"

_lock = threading.Lock()
_memo: dict[str, tuple[tuple, "Shipped | Problem"]] = {}   # folder -> (files' sizes and times, result)


def root() -> Path:
    """The shipped models of this checkout (JOBEXPRESSWAY_SHIPPED_MODELS for tests on a damaged copy).
    Not under JOBEXPRESSWAY_ARTIFACTS_DIR: a test's own artifacts dir must still see what git holds."""
    raw = os.environ.get("JOBEXPRESSWAY_SHIPPED_MODELS") or config.PROJECT_ROOT / "artifacts" / "models" / "shipped"
    return Path(raw)


def folder(name: str) -> Path:
    return root() / name


@dataclass(frozen=True)
class Shipped:
    name: str
    folder: Path
    manifest: dict

    @property
    def version(self) -> str:
        """A content stamp (from the files' checksums): the same on every clone, new with every shipped model."""
        return self.manifest["version"]

    def path(self, file: str) -> Path:
        return self.folder / file


@dataclass(frozen=True)
class Problem:
    name: str
    message: str


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def content_version(files: dict[str, dict]) -> str:
    """12 hex digits over the names and checksums of a manifest's files."""
    joined = "\n".join(f"{name}:{files[name]['sha256']}" for name in sorted(files))
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


def _fingerprint(target: Path) -> tuple:
    """Sizes and modification times of a folder's files: re-hash only when one of them changed."""
    try:
        return tuple(sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in target.rglob("*") if f.is_file()))
    except OSError:
        return ()


def verified(name: str) -> Shipped | Problem:
    """The shipped model ``name`` when every file its manifest lists is there with the listed checksum;
    otherwise a Problem saying what is wrong. Hashing runs once per change of the folder's files."""
    target = folder(name)
    key = str(target.resolve())
    stamp = _fingerprint(target)
    with _lock:
        memo = _memo.get(key)
        if memo and memo[0] == stamp:
            return memo[1]
    result = _check(name, target)
    with _lock:
        _memo[key] = (stamp, result)
    return result


def _check(name: str, target: Path) -> Shipped | Problem:
    manifest_file = target / MANIFEST
    if not manifest_file.is_file():
        return Problem(name, f"The shipped model {name} is missing ({manifest_file} not found).")
    try:
        manifest = json.loads(manifest_file.read_text())
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Problem(name, f"The shipped model {name} has an unreadable manifest ({exc}).")
    for file, expected in files.items():
        path = target / file
        if ".." in Path(file).parts or not path.is_file():
            return Problem(name, f"The shipped model {name} is incomplete: {file} is missing.")
        if path.stat().st_size != expected.get("bytes") or _sha256(path) != expected.get("sha256"):
            return Problem(name, f"The shipped model {name} is damaged: {file} does not match its checksum "
                                 f"(git checkout -- {target.relative_to(config.PROJECT_ROOT) if target.is_relative_to(config.PROJECT_ROOT) else target} restores it).")
    if manifest.get("version") != content_version(files):
        return Problem(name, f"The shipped model {name} has a manifest whose version does not match its files.")
    return Shipped(name, target, manifest)


def load(name: str) -> Shipped | None:
    found = verified(name)
    return found if isinstance(found, Shipped) else None


def problem(name: str) -> str | None:
    found = verified(name)
    return found.message if isinstance(found, Problem) else None


def all_manifests() -> list[dict]:
    """Every shipped model's manifest (for the Model Lab), each with its check: ``verified`` True/False and
    ``problem`` when it failed."""
    out = []
    for target in sorted(p for p in root().glob("*") if p.is_dir()) if root().is_dir() else []:
        found = verified(target.name)
        try:
            manifest = json.loads((target / MANIFEST).read_text())
        except (OSError, ValueError):
            manifest = {"name": target.name}
        out.append(manifest | {"verified": isinstance(found, Shipped),
                               "problem": found.message if isinstance(found, Problem) else None})
    return out


def total_bytes() -> int:
    return sum(f.stat().st_size for f in root().rglob("*") if f.is_file()) if root().is_dir() else 0


def git_commit() -> str:
    """The commit the training ran on, with "+changes" when the working tree differed from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.PROJECT_ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "engine"],
                               cwd=config.PROJECT_ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + ("+changes" if dirty else "")


def ship(name: str, files: dict[str, Path | bytes], card: dict) -> Shipped:
    """Replace the shipped model ``name`` with ``files`` (name in the folder -> source file or bytes) and a
    manifest made of ``card`` (trained_by, data, metrics, intended_use, limits, ...) plus the checksums.
    Written to a side folder and swapped in, so a failure never leaves half a model."""
    target = folder(name)
    tmp = target.with_name(target.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    listed = {}
    for file, source in sorted(files.items()):
        path = tmp / file
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, bytes):
            path.write_bytes(source)
        else:
            shutil.copyfile(source, path)
        listed[file] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
    manifest = {"name": name, **card, "version": content_version(listed), "files": listed,
                "shipped_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    with _lock:
        _memo.clear()
    found = verified(name)
    if not isinstance(found, Shipped):
        raise RuntimeError(found.message)
    return found


def forget() -> None:
    """Drop remembered checks (tests that damage a copy in place)."""
    with _lock:
        _memo.clear()
