"""One memory cgroup per sandbox run: a cap on the memory of all its processes together.

RLIMIT_AS caps each process; a program that forks up to the process limit could still hold that cap many
times over. Where the server may create cgroups (root, with the cgroup v1 memory controller, or cgroup v2
with memory enabled for its children), each run gets a child cgroup with `memory.limit_in_bytes` /
`memory.max` (swap included where the kernel counts it); the kernel's OOM killer then stops the run.
Elsewhere `parent()` is None and the per-process limits stand alone (docs/security.md says which applies).
"""
from __future__ import annotations

import functools
import os
import secrets
import subprocess
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PREFIX = "jx-sandbox-"


@functools.lru_cache(maxsize=1)
def parent() -> Path | None:
    """The folder under which this process may create memory-limited cgroups, or None."""
    if os.geteuid() != 0:
        return None
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        hierarchy, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):                                   # cgroup v1
            candidate = ROOT / "memory" / path.lstrip("/")
        elif hierarchy == "0" and (ROOT / "cgroup.controllers").is_file():      # cgroup v2, unified
            candidate = ROOT / path.lstrip("/")
            try:
                if "memory" not in (candidate / "cgroup.subtree_control").read_text().split():
                    continue
            except OSError:
                continue
        else:
            continue
        if _can_create(candidate):
            return candidate
    return None


def _can_create(folder: Path) -> bool:
    """Make a capped child, move a process into it and remove it: each step can be refused (cgroup v2
    refuses processes in a cgroup whose parent holds processes too, for one)."""
    probe = folder / f"{PREFIX}probe-{secrets.token_hex(4)}"
    try:
        probe.mkdir()
    except OSError:
        return False
    try:
        _set_limit(probe, 64)
        return subprocess.run(enter_command(probe, ["/bin/true"]), capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        remove(probe)


def _v1(group: Path) -> bool:
    return (group / "memory.limit_in_bytes").exists()


def _set_limit(group: Path, limit_mb: int) -> None:
    limit = str(limit_mb * 1024 * 1024)
    if _v1(group):
        (group / "memory.limit_in_bytes").write_text(limit)
        if (group / "memory.memsw.limit_in_bytes").exists():
            (group / "memory.memsw.limit_in_bytes").write_text(limit)
    else:
        (group / "memory.max").write_text(limit)
        if (group / "memory.swap.max").exists():
            (group / "memory.swap.max").write_text("0")


def create(limit_mb: int) -> Path | None:
    """A new cgroup capped at limit_mb (memory + swap), or None where cgroups are not ours to make; OSError
    where they are but this one could not be made."""
    base = parent()
    if base is None:
        return None
    _sweep(base)
    group = base / f"{PREFIX}{secrets.token_hex(6)}"
    group.mkdir()
    try:
        _set_limit(group, limit_mb)
    except OSError:
        remove(group)
        raise
    return group


def enter_command(group: Path, cmd: list[str]) -> list[str]:
    """cmd, started by a shell that first moves itself into the cgroup (its descendants inherit it)."""
    return ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(group), *cmd]


def out_of_memory(group: Path) -> bool:
    """True when the kernel's OOM killer acted in this cgroup."""
    name = "memory.oom_control" if _v1(group) else "memory.events"
    try:
        fields = dict(line.split()[:2] for line in (group / name).read_text().splitlines() if line.strip())
        return int(fields.get("oom_kill", 0)) > 0
    except (OSError, ValueError):
        return False


def peak_mb(group: Path) -> float | None:
    name = "memory.max_usage_in_bytes" if _v1(group) else "memory.peak"
    try:
        return round(int((group / name).read_text()) / 1024 / 1024, 1)
    except (OSError, ValueError):
        return None


def remove(group: Path, wait_s: float = 2.0) -> None:
    """Delete the cgroup once the kernel has reaped its processes (a killed namespace goes asynchronously);
    one still busy after wait_s is swept by a later run."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() >= deadline:
                return
            time.sleep(0.05)


def _sweep(base: Path, older_than_s: float = 120) -> None:
    """Remove cgroups left by earlier runs (old enough not to be one a concurrent run is about to enter)."""
    for stale in base.glob(f"{PREFIX}*"):
        try:
            if time.time() - stale.stat().st_mtime > older_than_s:
                stale.rmdir()     # only an empty cgroup can go
        except OSError:
            pass
