"""Run a participant's code (Python, JavaScript, C++) in a bubblewrap sandbox and return what it printed.

Each run (see docs/security.md, "Code pad sandbox"): `prlimit` sets hard resource limits, `setpriv` drops
to a fresh unprivileged uid/gid when the server is root (bwrap's own --uid would keep host root's file
access), and `bwrap` builds a private view of the system: read-only /usr (the toolchains), size-capped
private tmpfs for the working folder, /tmp and /dev/shm, a fresh /proc of a new PID namespace, and new
user, network (only its own loopback), IPC, UTS and cgroup namespaces. Nothing of the host's
data, project or other processes is visible, and everything the code writes dies with its namespaces.
Where the host cannot provide this, `unavailable_reason()` says why and nothing runs.
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

from engine.meetings import memory_cgroup

LANGUAGES = {"python": "Python", "javascript": "JavaScript", "cpp": "C++"}
WORKDIR = "/sandbox"                 # the code's working folder inside the sandbox (a private tmpfs)
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
# V8 reserves address space before running a line (code range, heap, thread stacks: VmPeak 710 MB for
# `node -e 0`, Node 20), so node's RLIMIT_AS is memory_mb on top of this; measured, node then holds 176 MiB
# of Buffers and a 600 MiB one fails. Its JS heap is capped at memory_mb / 2 so that heap growth ends in
# V8's own out-of-memory error rather than a failed reservation (SIGSEGV).
NODE_RESERVED_MB = 896
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per run. The defaults follow judge0's (5 s CPU, 10 s wall, 128-512 MB, 60 processes, 1 MB files)."""
    cpu_s: int = 5                  # CPU seconds per process (RLIMIT_CPU: SIGXCPU, then SIGKILL 1 s later)
    wall_s: float = 10.0            # wall-clock timeout for the whole sandbox
    memory_mb: int = 256            # address space per process (RLIMIT_AS; node: plus NODE_RESERVED_MB)
    total_memory_mb: int = 512      # all processes of the run together, where the host has memory cgroups
    processes: int = 60             # processes and threads of the sandbox uid (RLIMIT_NPROC)
    file_size_mb: int = 1           # largest file the code can write (RLIMIT_FSIZE)
    scratch_mb: int = 16            # size of each private tmpfs: working folder, /tmp, /dev/shm
    open_files: int = 64            # RLIMIT_NOFILE
    output_kb: int = 64             # stdout + stderr read at most, then the run is killed


# g++ is our program, not the user's, but it compiles the user's source: generous limits, same isolation.
COMPILE_LIMITS = Limits(cpu_s=30, wall_s=60, memory_mb=1024, total_memory_mb=1536, processes=60,
                        file_size_mb=64, scratch_mb=256, open_files=256)


@dataclass
class RunResult:
    stdout: str
    stderr: str
    exit_code: int | None
    timed_out: bool = False
    killed_reason: str | None = None    # timeout | output_limit | cpu_limit | memory_limit | file_size_limit
                                        # | a signal's name
    duration_ms: float = 0.0
    truncated: bool = False
    phase: str = "run"                  # compile | run
    peak_memory_mb: float | None = None  # all processes together, where the run had a memory cgroup
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.killed_reason


class SandboxUnavailable(RuntimeError):
    """This host cannot isolate user code; the message says why (shown where the Run button would be)."""


def available_languages() -> dict[str, str]:
    out = {"python": "Python"} if user_python() else {}
    if shutil.which("node", path=SYSTEM_PATH):
        out["javascript"] = "JavaScript"
    if shutil.which("g++", path=SYSTEM_PATH):
        out["cpp"] = "C++"
    return out


def _tools() -> dict[str, str | None]:
    return {name: shutil.which(name) for name in ("bwrap", "prlimit", "setpriv")}


def unavailable_reason() -> str | None:
    """None when code can run isolated here; otherwise why not, in words for the room page."""
    tools = _tools()
    if not tools["bwrap"]:
        return ("Running code is off on this server: bubblewrap is not installed (Debian package `bubblewrap`; "
                "`make run` installs it).")
    needed = ("prlimit", "setpriv") if os.geteuid() == 0 else ("prlimit",)
    missing = [name for name in needed if not tools[name]]
    if missing:
        return f"Running code is off on this server: {', '.join(missing)} (Debian package util-linux) is missing."
    key = tuple(sorted(tools.items()))
    known = _probed.get(key)
    if known is None or (known[0] and time.monotonic() - known[1] > RECHECK_S):
        known = _probed[key] = (_probe(), time.monotonic())
    return known[0]


# A working sandbox is checked once per set of tools; a failing one again after RECHECK_S (it may have
# been a passing condition, e.g. a machine too loaded to start it in time).
_probed: dict[tuple, tuple[str | None, float]] = {}
RECHECK_S = 60.0


def _probe() -> str | None:
    """Start one real sandbox and check it is what we ask for: namespaces created, an unprivileged uid."""
    uid = _sandbox_uid()
    cmd = _sandbox_command(["/usr/bin/id", "-u"], Limits(), uid=uid, address_space_mb=256)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=20, env={"PATH": SYSTEM_PATH})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"Running code is off on this server: the sandbox did not start ({exc})."
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"Running code is off on this server: bubblewrap cannot create its namespaces here ({detail})."
    if done.stdout.strip() in ("", "0"):
        return "Running code is off on this server: the sandbox would run code as root."
    return None


def _sandbox_uid() -> int:
    """A fresh unprivileged uid per run when we are root (its own RLIMIT_NPROC count); else our own uid,
    which inside the sandbox owns nothing visible."""
    if os.geteuid() != 0:
        return os.geteuid()
    return 61000 + secrets.randbelow(4000)


def _process_limit(limits: Limits) -> int:
    """RLIMIT_NPROC counts every process and thread of the real uid. As root the run has a fresh uid of its
    own; otherwise the server's own tasks count too, so they are added to the run's allowance."""
    if os.geteuid() == 0:
        return limits.processes
    mine = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["Uid"].split()[0]) == os.getuid():
            mine += int(fields["Threads"])
    return limits.processes + mine


def _system_binds() -> list[str]:
    """Read-only /usr plus the top-level links or folders that point into it on this distribution."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for path in ("/etc/alternatives", "/etc/ld.so.cache"):   # compiler links, the loader's library cache
        args += ["--ro-bind-try", path, path]
    return args


def _sandbox_command(argv: list[str], limits: Limits, *, uid: int, address_space_mb: int,
                     files: dict[str, int] | None = None, binds: list[tuple[str, str]] | None = None,
                     writable_binds: list[tuple[str, str]] | None = None) -> list[str]:
    """The full command line: prlimit -> [setpriv] -> bwrap -> argv. `files` maps a path inside the
    sandbox to a readable fd whose content bwrap copies there; `binds` are read-only host paths."""
    tools = _tools()
    scratch = str(limits.scratch_mb * MB)
    cmd = [tools["prlimit"], f"--cpu={limits.cpu_s}:{limits.cpu_s + 1}", f"--as={address_space_mb * MB}",
           f"--nproc={_process_limit(limits)}", f"--fsize={limits.file_size_mb * MB}", f"--nofile={limits.open_files}",
           "--core=0", "--"]
    if os.geteuid() == 0:
        cmd += [tools["setpriv"], f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
    cmd += [tools["bwrap"], "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
            "--new-session", "--hostname", "sandbox", *_system_binds(),
            "--proc", "/proc", "--dev", "/dev", "--size", scratch, "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
            "--size", scratch, "--tmpfs", "/tmp", "--size", scratch, "--tmpfs", WORKDIR]
    for dest, fd in (files or {}).items():
        cmd += ["--file", str(fd), dest]
    for src, dest in binds or []:
        cmd += ["--ro-bind", src, dest]
    for src, dest in writable_binds or []:
        cmd += ["--bind", src, dest]
    cmd += ["--chdir", WORKDIR, "--remount-ro", "/", "--clearenv", "--setenv", "PATH", SYSTEM_PATH,
            "--setenv", "HOME", WORKDIR, "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
            "--setenv", "PYTHONIOENCODING", "utf-8", "--", *argv]
    return cmd


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)   # bwrap dies; --die-with-parent takes its PID namespace down
    except (ProcessLookupError, PermissionError):
        pass


def _signal_of(code: int | None) -> int | None:
    """bwrap reports a child killed by signal N as exit code 128 + N; we see our own kill as -N."""
    if code is None:
        return None
    number = -code if code < 0 else code - 128 if code > 128 else 0
    return number if number in signal.valid_signals() else None


def _execute(argv: list[str], limits: Limits, *, uid: int, address_space_mb: int | None = None,
             stdin: str | None = None, files: dict[str, str] | None = None,
             binds: list[tuple[str, str]] | None = None,
             writable_binds: list[tuple[str, str]] | None = None) -> RunResult:
    """Run argv in a fresh sandbox; `files` maps a path inside it to the text it starts with."""
    fds: dict[str, int] = {}
    group = None
    try:
        for dest, text in (files or {}).items():
            fds[dest] = os.memfd_create("sandbox-file")
            os.write(fds[dest], text.encode())
            os.lseek(fds[dest], 0, os.SEEK_SET)
        cmd = _sandbox_command(argv, limits, uid=uid, address_space_mb=address_space_mb or limits.memory_mb,
                               files=fds, binds=binds, writable_binds=writable_binds)
        try:
            group = memory_cgroup.create(limits.total_memory_mb)
        except OSError as exc:   # the host has memory cgroups, so this run does not go without one
            raise SandboxUnavailable(f"Running code failed: its memory cgroup could not be made ({exc}).") from exc
        if group:
            cmd = memory_cgroup.enter_command(group, cmd)
        return _supervise(cmd, limits, stdin=stdin, pass_fds=tuple(fds.values()), group=group)
    finally:
        for fd in fds.values():
            os.close(fd)
        if group:
            memory_cgroup.remove(group)


def _supervise(cmd: list[str], limits: Limits, *, stdin: str | None, pass_fds: tuple[int, ...],
               group: Path | None) -> RunResult:
    """Start the sandbox, read its output within the caps and the wall clock, and say how it ended."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={"PATH": SYSTEM_PATH}, close_fds=True, pass_fds=pass_fds,
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
    while sel.get_map() and not reason:
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
    sig = _signal_of(code)
    out_of_memory = group is not None and memory_cgroup.out_of_memory(group)
    if sig and not reason:
        if sig == signal.SIGKILL and out_of_memory:
            reason = "memory_limit"
        elif sig == signal.SIGXCPU or (sig == signal.SIGKILL and duration / 1000 >= limits.cpu_s * 0.8):
            reason = "cpu_limit"
        elif sig == signal.SIGXFSZ:
            reason = "file_size_limit"
        else:
            reason = signal.Signals(sig).name
    result = RunResult(chunks["stdout"].decode("utf-8", "replace"), chunks["stderr"].decode("utf-8", "replace"),
                       code, timed_out=reason == "timeout", killed_reason=reason, duration_ms=round(duration, 1),
                       truncated=truncated, peak_memory_mb=memory_cgroup.peak_mb(group) if group else None)
    note = {"timeout": f"Stopped after {limits.wall_s:g} s (wall-clock limit).",
            "output_limit": f"Output over {limits.output_kb} KB: the run was stopped and the output cut.",
            "cpu_limit": f"Stopped at the CPU-time limit ({limits.cpu_s} s).",
            "file_size_limit": f"Stopped for writing a file over {limits.file_size_mb} MB.",
            "memory_limit": f"Stopped at the memory limit ({limits.total_memory_mb} MB for the whole run)."
            }.get(reason or "")
    if note:
        result.notes.append(note)
    if out_of_memory and reason != "memory_limit":
        result.notes.append(f"A process was stopped at the memory limit ({limits.total_memory_mb} MB for the "
                            "whole run).")
    return result


def user_python() -> tuple[str, list[tuple[str, str]]] | None:
    """The interpreter for user code and what to bind for it: the system's python3 under /usr, else this
    interpreter's installation bound read-only at the same path, if the sandbox uid can reach it (bwrap
    runs as that uid, so a root-only folder such as /root/.pyenv cannot be bound)."""
    system = shutil.which("python3", path="/usr/bin:/usr/local/bin")
    if system:
        return system, []
    prefix = Path(sys.base_prefix).resolve()
    reachable = all(folder.stat().st_mode & 0o005 == 0o005 for folder in [prefix, *prefix.parents])
    if os.geteuid() == 0 and not reachable:
        return None
    return str(prefix / "bin" / "python3"), [(str(prefix), str(prefix))]


def run_code(language: str, code: str, *, limits: Limits | None = None, stdin: str | None = None) -> RunResult:
    """Run `code` and return its output. Never raises for what the code does; raises ValueError for an
    unknown or unavailable language or code over 200 KB, SandboxUnavailable where it cannot be isolated."""
    limits = limits or Limits()
    langs = available_languages()
    if language not in langs:
        raise ValueError(f"Cannot run {LANGUAGES.get(language, language)} here. Available: {', '.join(langs.values())}.")
    if len(code.encode()) > 200_000:
        raise ValueError("The code is over 200 KB.")
    reason = unavailable_reason()
    if reason:
        raise SandboxUnavailable(reason)
    uid = _sandbox_uid()
    if language == "python":
        python, binds = user_python()   # there: available_languages() checked it
        return _execute([python, "-I", "-S", "main.py"], limits, uid=uid, stdin=stdin, binds=binds,
                        files={f"{WORKDIR}/main.py": code})
    if language == "javascript":
        node = shutil.which("node", path=SYSTEM_PATH)
        return _execute([node, f"--max-old-space-size={limits.memory_mb // 2}", "main.js"], limits, uid=uid,
                        address_space_mb=limits.memory_mb + NODE_RESERVED_MB, stdin=stdin,
                        files={f"{WORKDIR}/main.js": code})
    return _compile_and_run_cpp(code, limits, uid=uid, stdin=stdin)


def _compile_and_run_cpp(code: str, limits: Limits, *, uid: int, stdin: str | None) -> RunResult:
    """g++ in one sandbox writes the binary to a host folder only the sandbox uid owns; a second sandbox
    runs it under the normal limits. The folder is deleted afterwards."""
    out = Path(tempfile.mkdtemp(prefix="jx-build-"))
    try:
        os.chmod(out, 0o700)
        if os.geteuid() == 0:
            os.chown(out, uid, uid)
        built = _execute([shutil.which("g++", path=SYSTEM_PATH), "-O1", "-std=c++17", "-o", "/build/main",
                          "main.cpp"], COMPILE_LIMITS, uid=uid, files={f"{WORKDIR}/main.cpp": code},
                         writable_binds=[(str(out), "/build")])
        if not built.ok or not (out / "main").is_file():
            built.phase = "compile"
            built.notes.insert(0, "Compilation failed.")
            return built
        result = _execute(["./main"], limits, uid=uid, stdin=stdin, binds=[(str(out / "main"), f"{WORKDIR}/main")])
        result.duration_ms = round(result.duration_ms + built.duration_ms, 1)
        result.notes.insert(0, f"Compiled in {built.duration_ms / 1000:.1f} s.")
        return result
    finally:
        shutil.rmtree(out, ignore_errors=True)
