"""scripts/cluster.sh against a fresh data dir: real processes (PostgreSQL, two Streamlit replicas, the coach,
nginx) started as `make cluster` does, checked over HTTP, then stopped with Ctrl-C. Needs the Debian packages
nginx, postgresql and curl."""
from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "cluster.sh"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("curl")
                       or not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
                       reason="needs nginx, curl and PostgreSQL (Debian packages nginx, curl, postgresql)"),
]


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def get(url: str, cookie: str | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()


def upgrade_answer(port: int, cookie: str) -> str:
    """The status line nginx returns for a websocket handshake to Streamlit's stream endpoint."""
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   f"Cookie: {cookie}\r\n\r\n").encode())
        return s.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"   # a zombie has exited; only its parent's bookkeeping is left


@pytest.fixture
def data():
    """Outside pytest's own temporary folders: as root, PostgreSQL and nginx's workers run as other users
    and must traverse the parents, and pytest makes its base folder 0700 again on every session."""
    path = Path(tempfile.mkdtemp(prefix="jx-cluster-", dir="/tmp"))
    path.chmod(0o755)
    yield path / "data"
    shutil.rmtree(path, ignore_errors=True)


def test_cluster_serves_two_replicas_behind_nginx_with_affinity(data):
    front, r1, r2, coach = free_ports(4)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JOBEXPRESSWAY_DATA_DIR")}
    env.update(CLUSTER_PORT=str(front), REPLICA_PORTS=f"{r1} {r2}", COACH_PORT=str(coach), CLUSTER_WAIT_S="240",
               # the socket file's name only; the server listens on no TCP port
               JOBEXPRESSWAY_PG_PORT=str(56000 + os.getpid() % 1000))
    run = lambda *args, timeout: subprocess.run(["bash", str(SCRIPT), *args, str(data)], cwd=ROOT, env=env,
                                                capture_output=True, text=True, timeout=timeout)
    log_path = data.parent / "cluster-run.log"
    # `run`, as `make cluster` does: in the foreground until Ctrl-C (its own session here, so the signal
    # can be sent to its group as a terminal would)
    with open(log_path, "w") as log:
        # SIGINT as a terminal delivers it: a shell that inherits it ignored (pytest started in the
        # background) could not trap it, and Ctrl-C would do nothing
        cluster = subprocess.Popen(["bash", str(SCRIPT), "run", str(data)], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    pids: dict[str, int] = {}
    try:
        deadline = time.monotonic() + 600
        while "Ctrl-C stops everything" not in log_path.read_text():
            assert cluster.poll() is None, f"cluster.sh ended ({cluster.returncode}): {log_path.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the cluster did not start in 600 s: {log_path.read_text()[-3000:]}"
            time.sleep(1)
        assert f"runs at http://127.0.0.1:{front}" in log_path.read_text()
        pids = {f.stem: int(f.read_text()) for f in (data / "cluster").glob("*.pid")}
        assert set(pids) == {f"streamlit-{r1}", f"streamlit-{r2}", "coach", "nginx"} | ({"worker"} & set(pids))

        # both replicas answer on their own ports
        for port in (r1, r2):
            assert get(f"http://127.0.0.1:{port}/_stcore/health")[2] == b"ok"

        # nginx answers, and gives a browser without the affinity cookie one
        status, headers, body = get(f"http://127.0.0.1:{front}/_stcore/health")
        assert (status, body) == (200, b"ok")
        assert headers["set-cookie"].startswith("jx_replica=")
        cookie = headers["set-cookie"].split(";", 1)[0]
        first = headers["x-jobexpressway-replica"]
        assert first in (f"127.0.0.1:{r1}", f"127.0.0.1:{r2}")

        # with the cookie, every request lands on the replica that answered the first one (the websocket too),
        # and the cookie is not handed out again
        for _ in range(10):
            _, headers, _ = get(f"http://127.0.0.1:{front}/_stcore/health", cookie)
            assert headers["x-jobexpressway-replica"] == first
            assert "set-cookie" not in headers or "jx_replica" not in headers["set-cookie"]
        assert upgrade_answer(front, cookie) == "HTTP/1.1 101 Switching Protocols"

        # different browsers are spread over both replicas (all 40 on one: a chance of 2 in 2**40)
        seen = {get(f"http://127.0.0.1:{front}/_stcore/health", f"jx_replica=browser{i}")[1]["x-jobexpressway-replica"]
                for i in range(40)}
        assert seen == {f"127.0.0.1:{r1}", f"127.0.0.1:{r2}"}

        # the coach is served under /coach/ and knows it (its links point there)
        status, _, body = get(f"http://127.0.0.1:{front}/coach/config")
        assert status == 200 and f'"root":"http://127.0.0.1:{front}/coach"'.encode() in body

        status_run = run("status", timeout=60)
        assert status_run.returncode == 0, status_run.stdout
        assert "answers" in status_run.stdout

        os.killpg(cluster.pid, signal.SIGINT)   # Ctrl-C
        assert cluster.wait(timeout=180) == 130
    finally:
        if cluster.poll() is None:   # a failed check above: stop everything all the same
            os.killpg(cluster.pid, signal.SIGINT)
            cluster.wait(timeout=180)
        leftover = run("stop", timeout=180)
    assert leftover.returncode == 0, leftover.stderr
    assert "stopped" in log_path.read_text()
    assert not list((data / "cluster").glob("*.pid"))
    assert not [name for name, pid in pids.items() if running(pid)], "Ctrl-C leaves no process behind"
    assert run("status", timeout=60).returncode == 1
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", front), timeout=1).close()
        except OSError:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"nginx still listens on {front} after Ctrl-C")
    assert not (data / "postgres" / "cluster" / "postmaster.pid").exists(), "PostgreSQL still runs after Ctrl-C"
