"""scripts/cluster.sh as `make cluster` runs it, for the tests: in the foreground in a session of its own,
ready once it says so, stopped with Ctrl-C. Needs the Debian packages nginx, curl and postgresql."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "cluster.sh"
MISSING = (not shutil.which("nginx") or not shutil.which("curl")
           or not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))
MISSING_REASON = "needs nginx, curl and PostgreSQL (Debian packages nginx, curl, postgresql)"


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


def cluster_env(front: int, replicas: list[int], coach: int, **settings: str) -> dict:
    """The test's environment for cluster.sh: its own ports, its own PostgreSQL (no DATABASE_URL), the data
    dir given on the command line."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JOBEXPRESSWAY_DATA_DIR")}
    env.update(CLUSTER_PORT=str(front), REPLICA_PORTS=" ".join(map(str, replicas)), COACH_PORT=str(coach),
               CLUSTER_WAIT_S="240",
               # the socket file's name only; the server listens on no TCP port
               JOBEXPRESSWAY_PG_PORT=str(56000 + os.getpid() % 1000), **settings)
    return env


class Cluster:
    def __init__(self, data: Path, env: dict):
        self.data, self.env = data, env
        self.log_path = data.parent / "cluster-run.log"
        self.proc: subprocess.Popen | None = None
        self.leftover: subprocess.CompletedProcess | None = None

    def script(self, *args: str, timeout: float) -> subprocess.CompletedProcess:
        """scripts/cluster.sh ARGS DATA_DIR, to its end."""
        return subprocess.run(["bash", str(SCRIPT), *args, str(self.data)], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def database_url(self) -> str:
        """The URL of the cluster's own PostgreSQL (scripts/postgres.sh url of DATA_DIR/postgres)."""
        return subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "url", str(self.data / "postgres")],
                              cwd=ROOT, env=self.env, capture_output=True, text=True, check=True).stdout.strip()

    def pids(self) -> dict[str, int]:
        return {f.stem: int(f.read_text()) for f in (self.data / "cluster").glob("*.pid")}

    def interrupt(self, timeout: float = 180) -> int:
        """Ctrl-C, as a terminal sends it to the foreground group; cluster.sh's exit code."""
        os.killpg(self.proc.pid, signal.SIGINT)
        return self.proc.wait(timeout=timeout)


@contextmanager
def cluster_run(data: Path, env: dict, start_s: float = 600):
    """`scripts/cluster.sh run DATA_DIR` (what `make cluster` runs), yielded once it says "Ctrl-C stops
    everything"; afterwards Ctrl-C if it still runs, then `cluster.sh stop` (its result in ``leftover``)
    for anything a failure left behind."""
    cluster = Cluster(data, env)
    data.parent.mkdir(parents=True, exist_ok=True)
    # Its own session, so the signal can be sent to its group as a terminal would; SIGINT as a terminal
    # delivers it: a shell that inherits it ignored (pytest started in the background) could not trap it.
    with open(cluster.log_path, "w") as log:
        cluster.proc = subprocess.Popen(["bash", str(SCRIPT), "run", str(data)], cwd=ROOT, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + start_s
        while "Ctrl-C stops everything" not in cluster.log:
            assert cluster.proc.poll() is None, f"cluster.sh ended ({cluster.proc.returncode}): {cluster.log[-3000:]}"
            assert time.monotonic() < deadline, f"the cluster did not start in {start_s:g} s: {cluster.log[-3000:]}"
            time.sleep(1)
        yield cluster
    finally:
        if cluster.proc.poll() is None:   # a failed check: stop everything all the same
            cluster.interrupt()
        cluster.leftover = cluster.script("stop", timeout=180)


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"   # a zombie has exited; only its parent's bookkeeping is left


def assert_stopped(cluster, pids: dict[str, int], front: int) -> None:
    """After Ctrl-C: it said so, no pid file, no process, no listener on nginx's port, no PostgreSQL."""
    data = cluster.data
    assert "stopped" in cluster.log
    assert not list((data / "cluster").glob("*.pid"))
    assert not [name for name, pid in pids.items() if running(pid)], "Ctrl-C leaves no process behind"
    assert cluster.script("status", timeout=60).returncode == 1
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
