"""The code runner against hostile code in each language, and a normal run per available language.

Against the old runner (no filesystem view of its own) these programs read the data dir's database, listed
the host's processes, left files in /tmp, /dev/shm and /var/tmp, wrote 8 MB files, and node allocated
600 MiB; the others (network, CPU, wall clock, fork bomb) pin down limits that held already. Limits are
judge0's: 5 s CPU, 10 s wall, 256 MB, 60 processes, 1 MB files, no network.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from engine import store
from engine.meetings import memory_cgroup, sandbox
from engine.meetings.sandbox import Limits, SandboxUnavailable, available_languages, run_code

LANGS = ["python", "javascript", "cpp"]


def per_language(programs: dict[str, str]):
    """Parametrize a test over the languages, skipping those not installed here."""
    return pytest.mark.parametrize("language,code", [
        pytest.param(lang, programs[lang], id=lang,
                     marks=pytest.mark.skipif(lang not in available_languages(), reason=f"{lang} not installed"))
        for lang in LANGS])


@pytest.fixture(autouse=True)
def isolation_needed():
    reason = sandbox.unavailable_reason()
    if reason:   # the product refuses to run code here (tested below); these tests have nothing to run
        pytest.skip(reason)


def sandbox_processes() -> int:
    """Live processes of the sandbox uids (61000-64999) on the host."""
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            uid = os.stat(f"/proc/{pid}").st_uid
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, IndexError):
            continue
        count += 61000 <= uid < 65000 and state != "Z"
    return count


def no_sandbox_process_left() -> bool:
    deadline = time.monotonic() + 5   # the kernel reaps a killed namespace's processes asynchronously
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    return sandbox_processes() == 0


def js(body: str) -> str:
    return "const fs = require('fs');\n" + body


def cpp(body: str) -> str:
    head = ("#include <cstdio>\n#include <cstdlib>\n#include <cstring>\n#include <dirent.h>\n#include <unistd.h>\n"
            "#include <sys/wait.h>\n#include <arpa/inet.h>\n#include <sys/socket.h>\n#include <string>\n")
    return head + "int main(){\n" + body + "\n}"


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


def test_stdin_error_output_and_exit_code():
    result = run_code("python", "import sys\nprint(input().upper())\nprint('to err', file=sys.stderr)\n"
                                "raise SystemExit(3)", stdin="hello\n")
    assert result.stdout == "HELLO\n" and "to err" in result.stderr
    assert result.exit_code == 3 and not result.killed_reason


READ_DB = {
    "python": "try:\n    print(open(PATH, 'rb').read(16))\nexcept OSError as e:\n    print('refused', e.strerror)",
    "javascript": js("try { console.log(fs.readFileSync(PATH).subarray(0, 16).toString()); }"
                     " catch (e) { console.log('refused', e.code); }"),
    "cpp": cpp("FILE* f = fopen(PATH, \"rb\"); if (!f) { perror(\"refused\"); return 0; }"
               " char b[17] = {0}; fread(b, 1, 16, f); puts(b);"),
}


@pytest.mark.sqlite_only   # the database as a file in the data dir; PostgreSQL's files are on its own server
@per_language(READ_DB)
def test_database_of_the_data_dir_is_not_visible(language, code, data_dir):
    db = store.connect(data_dir)
    db["secrets"].insert({"hash": "admin-password-hash"})
    path = store.db_path(data_dir)
    assert path.read_bytes().startswith(b"SQLite format 3")
    result = run_code(language, code.replace("PATH", f'"{path}"'))
    assert "SQLite" not in result.stdout + result.stderr
    assert "refused" in result.stdout + result.stderr
    assert "No such file" in result.stdout + result.stderr or "ENOENT" in result.stdout


LIST_PROC = {
    "python": "import os\nprint(' '.join(sorted(p for p in os.listdir('/proc') if p.isdigit())))",
    "javascript": js("console.log(fs.readdirSync('/proc').filter(p => /^\\d+$/.test(p)).join(' '))"),
    "cpp": cpp("DIR* d = opendir(\"/proc\"); struct dirent* e; std::string out;"
               " while ((e = readdir(d))) if (e->d_name[0] >= '0' && e->d_name[0] <= '9') { out += e->d_name; out += ' '; }"
               " puts(out.c_str());"),
}


@per_language(LIST_PROC)
def test_proc_shows_only_the_sandbox_processes(language, code):
    host = [p for p in os.listdir("/proc") if p.isdigit()]
    result = run_code(language, code)
    assert result.ok, result
    seen = result.stdout.split()
    assert seen and len(seen) <= 3 < len(host)     # bwrap's init, the program, at most one helper
    assert all(int(pid) <= 3 for pid in seen)       # a PID namespace of its own


LEAVE_FILES = {
    "python": ("import os\nfor d in ['/tmp', '/dev/shm', '/var/tmp', '.']:\n    try:\n"
               "        open(os.path.join(d, 'TOKEN'), 'w').write('x'); print('wrote', d)\n"
               "    except OSError as e:\n        print('refused', d, e.strerror)\n"
               "total = 0\nfor i in range(200):\n    try:\n"
               "        open(f'/tmp/TOKEN-{i}', 'wb').write(b'x' * 1000000); total += 1000000\n"
               "    except OSError:\n        break\nprint('flood', total)"),
    "javascript": js("for (const d of ['/tmp', '/dev/shm', '/var/tmp', '.']) {"
                     " try { fs.writeFileSync(d + '/TOKEN', 'x'); console.log('wrote', d); }"
                     " catch (e) { console.log('refused', d, e.code); } }\n"
                     "let total = 0; const mb = Buffer.alloc(1000000, 120);\n"
                     "for (let i = 0; i < 200; i++) { try { fs.writeFileSync('/tmp/TOKEN-' + i, mb); total += 1000000; }"
                     " catch (e) { break; } }\nconsole.log('flood', total);"),
    "cpp": cpp("const char* dirs[] = {\"/tmp\", \"/dev/shm\", \"/var/tmp\", \".\"};"
               " for (auto d : dirs) { std::string p = std::string(d) + \"/TOKEN\"; FILE* f = fopen(p.c_str(), \"w\");"
               " if (f) { fputs(\"x\", f); fclose(f); printf(\"wrote %s\\n\", d); } else printf(\"refused %s\\n\", d); }"
               " static char mb[1000000]; long total = 0;"
               " for (int i = 0; i < 200; i++) { std::string p = \"/tmp/TOKEN-\" + std::to_string(i);"
               " FILE* f = fopen(p.c_str(), \"wb\"); if (!f) break; size_t n = fwrite(mb, 1, sizeof mb, f);"
               " if (fclose(f) != 0 || n != sizeof mb) break; total += n; }"
               " printf(\"flood %ld\\n\", total);"),
}


@per_language(LEAVE_FILES)
def test_files_written_anywhere_do_not_outlive_the_run(language, code):
    token = f"jx-sandbox-{secrets.token_hex(6)}"
    result = run_code(language, code.replace("TOKEN", token))
    assert "wrote /tmp" in result.stdout and "wrote /dev/shm" in result.stdout, result   # private, writable
    flood = int(result.stdout.split("flood ")[1].split()[0])
    assert 0 < flood <= Limits().scratch_mb * 1024 * 1024                               # size-capped tmpfs
    for folder in ("/tmp", "/dev/shm", "/var/tmp", str(Path.cwd())):
        left = [name for name in os.listdir(folder) if token in name] if os.path.isdir(folder) else []
        assert left == [], f"{left} outlived the run in {folder}"


BIG_FILE = {
    "python": "data = b'x' * (2 * 1024 * 1024)\ntry:\n    open('big', 'wb').write(data)\nexcept OSError as e:\n"
              "    print('refused', e.strerror)\nimport os\nprint('size', os.path.getsize('big'))",
    "javascript": js("fs.writeFileSync('big', Buffer.alloc(2 * 1024 * 1024, 120));"
                     " console.log('size', fs.statSync('big').size);"),
    "cpp": cpp("static char b[2 * 1024 * 1024]; FILE* f = fopen(\"big\", \"wb\"); fwrite(b, 1, sizeof b, f); fclose(f);"
               " FILE* g = fopen(\"big\", \"rb\"); fseek(g, 0, SEEK_END); printf(\"size %ld\\n\", ftell(g));"),
}


@per_language(BIG_FILE)
def test_file_over_one_megabyte_is_refused(language, code):
    result = run_code(language, code)
    assert f"size {2 * 1024 * 1024}" not in result.stdout
    refused = "file too large" in (result.stdout + result.stderr).lower()   # EFBIG where SIGXFSZ is ignored
    assert result.killed_reason == "file_size_limit" or refused, result
    if result.killed_reason:
        assert any("over 1 MB" in note for note in result.notes)


ALLOCATE = {
    "python": "small = bytearray(64 * 2**20)\nprint('64 MiB ok', flush=True)\n"
              "big = bytearray(600 * 2**20)\nprint('allocated')",
    "javascript": "const small = Buffer.alloc(64 * 2**20); console.log('64 MiB ok');\n"
                  "const big = Buffer.alloc(600 * 2**20); console.log('allocated');",
    "cpp": cpp("char* small = (char*) malloc(64 << 20); memset(small, 1, 64 << 20); puts(\"64 MiB ok\");"
               " fflush(stdout); char* big = (char*) malloc(600 << 20); if (!big) { puts(\"refused\"); return 1; }"
               " memset(big, 1, 600 << 20); puts(\"allocated\");"),
}


@per_language(ALLOCATE)
def test_allocating_600_mib_fails(language, code):
    result = run_code(language, code)
    assert "64 MiB ok" in result.stdout, result      # memory is capped, not missing
    assert "allocated" not in result.stdout and not result.ok


def test_memory_of_all_processes_together_is_capped():
    """Four processes of 200 MB each stay under the per-process limit; the run's memory cgroup stops them.
    Each holds its block for 5 s, so on a loaded machine the first has not exited before the last allocates.
    The OOM killer may stop a process that already holds its block (and said so), letting a later one
    allocate: what cannot happen is all four holding their block to the end."""
    if memory_cgroup.parent() is None:
        pytest.skip("this host gives the server no memory cgroup to create (per-process limits only)")
    code = ("import os, time\nkids = []\nfor i in range(4):\n    pid = os.fork()\n    if pid == 0:\n"
            "        block = b'x' * (200 << 20)\n        print('held', flush=True)\n        time.sleep(5)\n"
            "        print('done', flush=True)\n        os._exit(0)\n    kids.append(pid)\nfor pid in kids:\n    os.waitpid(pid, 0)")
    result = run_code("python", code)
    assert "held" in result.stdout and result.stdout.count("done") < 4, result
    assert any("memory limit (512 MB" in note for note in result.notes)
    assert not list(memory_cgroup.parent().glob(memory_cgroup.PREFIX + "*"))   # the run's cgroup is gone


FORK_BOMB = {
    "python": "import os, time\nn = 0\nfor _ in range(200):\n    try:\n        if os.fork() == 0:\n"
              "            time.sleep(5)\n            os._exit(0)\n        n += 1\n    except OSError:\n        break\n"
              "print('forked', n, flush=True)\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
    "javascript": "const cp = require('child_process'); let n = 0;\n"
                  "for (let i = 0; i < 200; i++) { const c = cp.spawn('/bin/sleep', ['5']); c.on('error', () => {});"
                  " if (c.pid === undefined) break; n++; }\nconsole.log('forked', n);\nwhile (true) {}",
    "cpp": cpp("int n = 0; for (int i = 0; i < 200; i++) { pid_t p = fork(); if (p == 0) { sleep(5); _exit(0); }"
               " if (p < 0) break; n++; } printf(\"forked %d\\n\", n); fflush(stdout);"
               " for (;;) fork();"),
}


@per_language(FORK_BOMB)
def test_fork_bomb_is_capped_and_cleaned_up(language, code):
    result = run_code(language, code, limits=Limits(cpu_s=1))   # the default wall: room to fork on a busy machine
    assert result.killed_reason in ("timeout", "cpu_limit"), result
    assert "forked " in result.stdout, result
    assert 0 < int(result.stdout.split("forked ")[1].split()[0]) < Limits().processes
    assert no_sandbox_process_left(), "processes of the sandbox outlived it"


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


CONNECT = {
    "python": "import socket\ns = socket.create_connection(('127.0.0.1', PORT), timeout=2)\nprint('connected')",
    "javascript": "const s = require('net').connect(PORT, '127.0.0.1', () => console.log('connected'));\n"
                  "s.on('error', e => { console.log('refused', e.code); process.exit(1); });",
    "cpp": cpp("int s = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in a; memset(&a, 0, sizeof a);"
               " a.sin_family = AF_INET; a.sin_port = htons(PORT); inet_pton(AF_INET, \"127.0.0.1\", &a.sin_addr);"
               " if (connect(s, (sockaddr*)&a, sizeof a) == 0) { puts(\"connected\"); return 0; }"
               " perror(\"connect\"); return 1;"),
}


@per_language(CONNECT)
def test_network_connection_to_localhost_fails(language, code, listener):
    port, accepted = listener
    result = run_code(language, code.replace("PORT", str(port)))
    assert "connected" not in result.stdout and result.exit_code != 0, result
    assert accepted == []


BUSY = {"python": "while True:\n    pass", "javascript": "while (true) {}", "cpp": cpp("volatile long i = 0; for (;;) i++;")}
SLEEP = {"python": "import time\nprint('start', flush=True)\ntime.sleep(60)",
         "javascript": "console.log('start'); setTimeout(() => {}, 60000);",
         "cpp": cpp("puts(\"start\"); fflush(stdout); sleep(60);")}


@per_language(BUSY)
def test_busy_loop_is_stopped_at_the_cpu_limit(language, code):
    result = run_code(language, code, limits=Limits(cpu_s=1, wall_s=30))   # wall: room for a loaded machine
    assert result.killed_reason == "cpu_limit", result                        # SIGXCPU, not the wall clock
    assert any("CPU-time limit (1 s)" in note for note in result.notes)


@per_language(SLEEP)
def test_sleeping_code_is_stopped_by_wall_clock(language, code):
    result = run_code(language, code, limits=Limits(wall_s=1.5))
    assert result.timed_out and result.killed_reason == "timeout" and result.stdout == "start\n", result
    assert no_sandbox_process_left(), "processes of the sandbox outlived it"


def test_root_owned_file_is_unreadable_even_when_bound_in():
    """The sandbox uid has no host-root file access: bwrap's own --uid as root would still read this."""
    if os.geteuid() != 0:
        pytest.skip("the uid drop applies to a server running as root")
    folder = Path(tempfile.mkdtemp(prefix="jx-secret-", dir="/tmp"))   # reachable by any uid (pytest's is not)
    try:
        folder.chmod(0o755)
        secret = folder / "secret"
        secret.write_text("root only")
        secret.chmod(0o600)
        python, binds = sandbox.user_python()
        result = sandbox._execute([python, "-c", "print(open('/secret').read())"], Limits(),
                                  uid=sandbox._sandbox_uid(), binds=[*binds, (str(secret), "/secret")])
    finally:
        shutil.rmtree(folder)
    assert "root only" not in result.stdout, result
    assert "PermissionError" in result.stderr, result     # the bind worked; opening it did not


def test_server_not_root_with_many_threads_still_gets_its_process_allowance():
    """RLIMIT_NPROC counts the server uid's own threads too; a busy non-root server must not starve runs."""
    root = Path(__file__).resolve().parent.parent
    readable = all(folder.stat().st_mode & 0o005 == 0o005 for folder in [root, *root.parents])
    if os.geteuid() != 0 or not Path("/usr/bin/python3").exists() or not readable:
        pytest.skip("needs root to start a non-root server process (uid nobody) that can read the project")
    server = ("import threading\nwait = threading.Event()\nfor _ in range(80):\n"
              "    threading.Thread(target=wait.wait, daemon=True).start()\n"
              "from engine.meetings.sandbox import run_code\nprint(run_code('python', CODE).stdout)")
    fork = ("import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            time.sleep(2)\n"
            "            os._exit(0)\n        n += 1\nexcept OSError:\n    print('forked', n)")
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "/usr/bin/python3", "-c",
                           server.replace("CODE", repr(fork))], capture_output=True, text=True, timeout=60,
                          cwd="/tmp", env={"PYTHONPATH": str(root), "PATH": os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    assert 40 < int(done.stdout.split("forked ")[1].split()[0]) < Limits().processes


def test_output_flood_is_capped():
    result = run_code("python", "while True:\n    print('x' * 1000)", limits=Limits(output_kb=32))
    assert result.truncated and result.killed_reason == "output_limit"
    assert len(result.stdout) + len(result.stderr) <= 32 * 1024


def test_environment_is_stripped(monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "do-not-leak")
    result = run_code("python", "import os\nprint(sorted(os.environ))")
    assert "SECRET_TOKEN" not in result.stdout and "do-not-leak" not in result.stdout


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="Cannot run"):
        run_code("cobol", "DISPLAY 'HI'.")


@pytest.mark.parametrize("isolation_needed", [None])   # this test makes the host unfit on purpose
def test_without_bubblewrap_nothing_runs(isolation_needed, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))   # a host where bwrap is not installed
    reason = sandbox.unavailable_reason()
    assert reason and "bubblewrap is not installed" in reason
    with pytest.raises(SandboxUnavailable, match="bubblewrap"):
        run_code("python", "print('ran anyway')")
