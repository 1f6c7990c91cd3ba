"""scripts/cluster.sh against a fresh data dir: real processes (PostgreSQL, two Streamlit replicas, the coach,
nginx) started as `make cluster` does, checked over HTTP, then stopped with Ctrl-C. Needs the Debian packages
nginx, postgresql and curl."""
from __future__ import annotations

import base64
import os
import socket

import pytest

from cluster_helpers import MISSING, MISSING_REASON, assert_stopped, cluster_env, cluster_run, free_ports, get

pytestmark = [pytest.mark.slow, pytest.mark.skipif(MISSING, reason=MISSING_REASON)]


def upgrade_answer(port: int, cookie: str) -> str:
    """The status line nginx returns for a websocket handshake to Streamlit's stream endpoint."""
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   f"Cookie: {cookie}\r\n\r\n").encode())
        return s.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_cluster_serves_two_replicas_behind_nginx_with_affinity(cluster_data):
    front, r1, r2, coach = free_ports(4)
    # `run`, as `make cluster` does: in the foreground until Ctrl-C
    with cluster_run(cluster_data, cluster_env(front, [r1, r2], coach)) as cluster:
        assert f"runs at http://127.0.0.1:{front}" in cluster.log
        pids = cluster.pids()
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

        status_run = cluster.script("status", timeout=60)
        assert status_run.returncode == 0, status_run.stdout
        assert "answers" in status_run.stdout

        assert cluster.interrupt() == 130   # Ctrl-C
    assert cluster.leftover.returncode == 0, cluster.leftover.stderr
    assert_stopped(cluster, pids, front)
