"""Run a participant's code (Python, JavaScript, C++) in a sandbox and return what it printed.

What is enforced (see docs/meetings.md): a separate process started through `_jail.py`; a new network
namespace (no usable interface, so no connection to anything, localhost included) and a new PID namespace
when the kernel allows (always as root); an unprivileged uid/gid (a fresh one per run, 61000-64999) when the
server runs as root, so the code can write only to its own throw-away directory (and world-writable places
such as /tmp, within RLIMIT_FSIZE); RLIMIT_CPU, RLIMIT_AS, RLIMIT_NPROC, RLIMIT_FSIZE and RLIMIT_NOFILE; a
wall-clock timeout that kills the whole process group; output read up to a cap, then the run is killed; an
environment with nothing but PATH, HOME and LANG. Python code also runs under an audit hook refusing sockets.
"""
from __future__ import annotations

import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
JAIL = HERE / "_jail.py"
PYGUARD = HERE / "_pyguard.py"
LANGUAGES = {"python": "Python", "javascript": "JavaScript", "cpp": "C++"}


@dataclass(frozen=True)
class Limits:
    cpu_s: int = 5                  # CPU seconds (RLIMIT_CPU)
    wall_s: float = 10.0            # wall-clock timeout
    memory_mb: int = 256            # address space (RLIMIT_AS); node gets a V8 heap cap instead
    processes: int = 16             # RLIMIT_NPROC (per sandbox uid)
    file_size_mb: int = 8           # RLIMIT_FSIZE
    open_files: int = 64            # RLIMIT_NOFILE
    output_kb: int = 64             # stdout + stderr read at most, then the run is killed


@dataclass
class RunResult:
    stdout: str
    stderr: str
    exit_code: int | None
    timed_out: bool = False
    killed_reason: str | None = None    # timeout | output_limit | cpu_limit | signal name
    duration_ms: float = 0.0
    truncated: bool = False
    phase: str = "run"                  # compile | run
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.killed_reason


def available_languages() -> dict[str, str]:
    out = {"python": "Python"}
    if shutil.which("node"):
        out["javascript"] = "JavaScript"
    if shutil.which("g++"):
        out["cpp"] = "C++"
    return out


def _rlimits(limits: Limits, *, address_space: bool = True) -> dict[str, int]:
    mb = 1024 * 1024
    out = {
        "RLIMIT_CPU": limits.cpu_s,
        "RLIMIT_NPROC": limits.processes,
        "RLIMIT_FSIZE": limits.file_size_mb * mb,
        "RLIMIT_NOFILE": limits.open_files,
        "RLIMIT_CORE": 0,
    }
    if address_space:
        out["RLIMIT_AS"] = limits.memory_mb * mb
    return out


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _execute(cmd: list[str], workdir: Path, limits: Limits, ids: tuple[int, int] | None, *,
             address_space: bool = True, stdin: str | None = None) -> RunResult:
    cfg = {"limits": _rlimits(limits, address_space=address_space), "cwd": str(workdir),
           "uid": ids[0] if ids else None, "gid": ids[1] if ids else None}
    import json

    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-I", "-S", str(JAIL), json.dumps(cfg), "--", *cmd],
                            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=str(workdir), close_fds=True,
                            start_new_session=True)
    if stdin:
        try:
            proc.stdin.write(stdin.encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
    cap = limits.output_kb * 1024
    chunks = {"stdout": bytearray(), "stderr": bytearray()}
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "stdout")
    sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
    deadline = started + limits.wall_s
    reason = None
    truncated = False
    while sel.get_map():
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            reason = "timeout"
            break
        for key, _ in sel.select(timeout=min(remaining, 0.5)):
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                sel.unregister(key.fileobj)
                continue
            room = cap - len(chunks["stdout"]) - len(chunks["stderr"])
            chunks[key.data] += data[:max(room, 0)]
            if len(data) > room:
                reason, truncated = "output_limit", True
                break
        if reason:
            break
    if reason:
        _kill_group(proc)
    sel.close()
    try:
        code = proc.wait(timeout=max(0.5, deadline - time.perf_counter()))
    except subprocess.TimeoutExpired:
        reason = reason or "timeout"
        _kill_group(proc)
        code = proc.wait()
    for stream in (proc.stdout, proc.stderr):
        stream.close()
    duration = (time.perf_counter() - started) * 1000
    if code is not None and code < 0 and not reason:
        sig = -code
        reason = "cpu_limit" if sig in (signal.SIGXCPU, signal.SIGKILL) and duration / 1000 >= limits.cpu_s * 0.8 \
            else signal.Signals(sig).name
    result = RunResult(chunks["stdout"].decode("utf-8", "replace"), chunks["stderr"].decode("utf-8", "replace"),
                       code, timed_out=reason == "timeout", killed_reason=reason, duration_ms=round(duration, 1),
                       truncated=truncated)
    if reason == "timeout":
        result.notes.append(f"Stopped after {limits.wall_s:g} s (wall-clock limit).")
    elif reason == "output_limit":
        result.notes.append(f"Output over {limits.output_kb} KB: the run was stopped and the output cut.")
    elif reason == "cpu_limit":
        result.notes.append(f"Stopped at the CPU-time limit ({limits.cpu_s} s).")
    return result


def _world_executable(path: str) -> bool:
    """True when any uid can reach and run `path` (every folder above it has o+x)."""
    p = Path(path)
    try:
        if not p.stat().st_mode & 0o001:
            return False
        return all(parent.stat().st_mode & 0o001 for parent in p.parents)
    except OSError:
        return False


def user_python() -> str:
    """The interpreter for user code: this one, unless the sandbox uid cannot reach it (e.g. under /root)."""
    for candidate in (os.path.realpath(sys.executable), "/usr/local/bin/python3", "/usr/bin/python3"):
        if candidate and (os.geteuid() != 0 or _world_executable(candidate)):
            return candidate
    return os.path.realpath(sys.executable)


def _sandbox_ids() -> tuple[int, int] | None:
    """A fresh unprivileged uid/gid per run (only when we are root and can switch)."""
    if os.geteuid() != 0:
        return None
    uid = 61000 + secrets.randbelow(4000)
    return uid, uid


def run_code(language: str, code: str, *, limits: Limits | None = None, stdin: str | None = None) -> RunResult:
    """Run `code` and return its output. Never raises for what the code does; raises ValueError for an
    unknown or unavailable language or code over 200 KB."""
    limits = limits or Limits()
    langs = available_languages()
    if language not in langs:
        raise ValueError(f"Cannot run {LANGUAGES.get(language, language)} here. Available: {', '.join(langs.values())}.")
    if len(code.encode()) > 200_000:
        raise ValueError("The code is over 200 KB.")
    ids = _sandbox_ids()
    workdir = Path(tempfile.mkdtemp(prefix="jx-sandbox-"))
    try:
        if ids:
            os.chown(workdir, *ids)
        os.chmod(workdir, 0o700)
        if language == "python":
            src = workdir / "main.py"
            src.write_text(code, encoding="utf-8")
            guard = PYGUARD.read_text(encoding="utf-8")   # passed inline: the sandbox uid may not read our tree
            return _execute([user_python(), "-I", "-S", "-c", guard, "main.py"], workdir, limits, ids, stdin=stdin)
        if language == "javascript":
            src = workdir / "main.js"
            src.write_text(code, encoding="utf-8")
            heap = max(32, limits.memory_mb // 2)
            # V8 reserves far more address space than it uses, so RLIMIT_AS is off for node; its heap is capped.
            return _execute([shutil.which("node"), f"--max-old-space-size={heap}", str(src)], workdir,
                            limits, ids, address_space=False, stdin=stdin)
        src = workdir / "main.cpp"
        src.write_text(code, encoding="utf-8")
        compile_limits = Limits(cpu_s=30, wall_s=60, memory_mb=1024, processes=limits.processes + 16,
                                file_size_mb=64, open_files=256, output_kb=limits.output_kb)
        built = _execute([shutil.which("g++"), "-O1", "-std=c++17", "-o", "main", "main.cpp"], workdir,
                         compile_limits, ids)
        if not built.ok:
            built.phase = "compile"
            built.notes.insert(0, "Compilation failed.")
            return built
        result = _execute([str(workdir / "main")], workdir, limits, ids, stdin=stdin)
        result.duration_ms = round(result.duration_ms + built.duration_ms, 1)
        result.notes.insert(0, f"Compiled in {built.duration_ms / 1000:.1f} s.")
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
