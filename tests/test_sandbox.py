"""The code runner against hostile code, and a normal run per available language."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from engine.meetings.sandbox import Limits, available_languages, run_code

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="uid switch and namespaces need root")


def sandbox_uids_running() -> int:
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            uid = os.stat(f"/proc/{pid}").st_uid
        except FileNotFoundError:
            continue
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, IndexError):
            continue
        count += 61000 <= uid < 65000 and state != 'Z'
    return count


@pytest.mark.parametrize("language,code,expected", [
    ("python", "import sys\nprint(sum(range(10)), sys.argv[0])", "45 main.py"),
    ("javascript", "console.log([1,2,3].map(x => x * 2).join(','))", "2,4,6"),
    ("cpp", "#include <iostream>\nint main(){ std::cout << 6 * 7 << std::endl; }", "42"),
])
def test_normal_run_per_language(language, code, expected):
    if language not in available_languages():
        pytest.skip(f"{language} is not installed")
    result = run_code(language, code)
    assert result.ok, result
    assert result.stdout.strip() == expected


def test_error_output_and_exit_code():
    result = run_code("python", "import sys\nprint('to err', file=sys.stderr)\nraise SystemExit(3)")
    assert result.exit_code == 3 and "to err" in result.stderr and not result.killed_reason


def test_infinite_loop_is_stopped_by_cpu_limit():
    result = run_code("python", "while True:\n    pass", limits=Limits(cpu_s=1, wall_s=10))
    assert result.killed_reason == "cpu_limit" and result.duration_ms < 5000


def test_sleeping_code_is_stopped_by_wall_clock():
    result = run_code("python", "import time\nprint('start', flush=True)\ntime.sleep(60)", limits=Limits(wall_s=1.5))
    assert result.timed_out and result.killed_reason == "timeout" and result.stdout == "start\n"
    assert result.duration_ms < 4000


@needs_root
def test_fork_bomb_is_contained_and_cleaned_up():
    code = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    result = run_code("python", code, limits=Limits(cpu_s=2, wall_s=3, processes=8))
    assert result.killed_reason in ("timeout", "cpu_limit", "output_limit")
    deadline = time.monotonic() + 5   # the kernel reaps the namespace's processes asynchronously
    while sandbox_uids_running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sandbox_uids_running() == 0   # the PID namespace took every child down with it


def test_memory_hog_fails():
    result = run_code("python", "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 1024 * 1024))",
                      limits=Limits(memory_mb=200))
    assert not result.ok and "MemoryError" in result.stderr


def test_output_flood_is_capped():
    result = run_code("python", "while True:\n    print('x' * 1000)", limits=Limits(output_kb=32))
    assert result.truncated and result.killed_reason == "output_limit"
    assert len(result.stdout) + len(result.stderr) <= 32 * 1024


@needs_root
def test_write_outside_own_folder_is_denied(tmp_path):
    target = Path(__file__).resolve().parent.parent / "sandbox_escape.txt"
    code = f"open({str(target)!r}, 'w').write('x')"
    result = run_code("python", code)
    assert "Permission denied" in result.stderr and not target.exists()
    inside = run_code("python", "open('note.txt', 'w').write('ok')\nprint(open('note.txt').read())")
    assert inside.stdout.strip() == "ok"


@pytest.fixture
def listener():
    """A server on 127.0.0.1 that counts connections (the only address these tests ever try)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    accepted = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                accepted.append(conn)
            except (socket.timeout, OSError):
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    server.close()


def test_network_connection_is_refused_python(listener):
    port, accepted = listener
    result = run_code("python", f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
                                "print('connected')")
    assert "connected" not in result.stdout and result.exit_code != 0
    assert accepted == []


@needs_root
@pytest.mark.skipif(shutil.which("g++") is None, reason="no g++")
def test_network_connection_is_refused_native_code(listener):
    """Native code bypasses Python's audit hook; the network namespace still holds."""
    port, accepted = listener
    code = ("#include <arpa/inet.h>\n#include <sys/socket.h>\n#include <cstdio>\n#include <cstring>\n"
            "int main(){ int s = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in a; memset(&a, 0, sizeof a);"
            f" a.sin_family = AF_INET; a.sin_port = htons({port}); inet_pton(AF_INET, \"127.0.0.1\", &a.sin_addr);"
            " if (connect(s, (sockaddr*)&a, sizeof a) == 0) { puts(\"connected\"); return 0; }"
            " perror(\"connect\"); return 1; }")
    result = run_code("cpp", code)
    assert result.exit_code == 1 and "connected" not in result.stdout and "connect" in result.stderr
    assert accepted == []


def test_environment_is_stripped(monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "do-not-leak")
    result = run_code("python", "import os\nprint(sorted(os.environ))")
    assert "SECRET_TOKEN" not in result.stdout and "do-not-leak" not in result.stdout


def test_working_folder_is_thrown_away():
    first = run_code("python", "import os\nopen('left.txt', 'w').write('x')\nprint(os.getcwd())")
    folder = first.stdout.strip()
    assert folder and not os.path.exists(folder)


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="Cannot run"):
        run_code("cobol", "DISPLAY 'HI'.")
