"""How long the PostgreSQL test run's per-test database takes to make, with the server's files on disk and in
memory (/dev/shm), side by side -> artifacts/bench/test-database-copy.json.

    .venv/bin/python bench/test_database_copy.py [--copies 200] [--rounds 2]

Each copy is what tests/conftest.py does for every test: CREATE DATABASE ... TEMPLATE a migrated database,
then DROP DATABASE ... WITH (FORCE). Servers come from scripts/postgres.sh with fsync off, as in
`make test`, each in a fresh folder; the two places take turns, so both see the same machine load.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from engine import config, store  # noqa: E402

PORT = "55441"
PLACES = {"disk": Path(tempfile.gettempdir()), "memory": Path("/dev/shm")}


def _server(folder: Path, cmd: str) -> str:
    env = {**os.environ, "JOBEXPRESSWAY_PG_PORT": PORT, "JOBEXPRESSWAY_PG_FSYNC": "off"}
    return subprocess.run([str(ROOT / "scripts/postgres.sh"), cmd, str(folder)], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def copy_times(folder: Path, copies: int, bar) -> list[float]:
    import psycopg

    _server(folder, "start")
    admin_url = _server(folder, "admin-url")
    url = lambda name: urlunsplit(urlsplit(admin_url)._replace(path="/" + name))  # noqa: E731
    try:
        with psycopg.connect(url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench_template")
            os.environ["DATABASE_URL"] = url("bench_template")
            store.connect().close()            # migrated, as the tests' template is
            del os.environ["DATABASE_URL"]
            times = []
            for _ in range(copies):
                name = "t_" + uuid.uuid4().hex[:16]
                start = time.perf_counter()
                admin.execute(f"CREATE DATABASE {name} TEMPLATE bench_template")
                admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
                times.append(time.perf_counter() - start)
                bar.update()
            return times
    finally:
        _server(folder, "stop")
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=200, help="databases made and dropped per server")
    ap.add_argument("--rounds", type=int, default=2, help="servers per place, alternating")
    args = ap.parse_args()
    if not list(Path("/usr/lib/postgresql").glob("*/bin")):
        print("PostgreSQL is not installed (Debian package postgresql): nothing to measure")
        return 0
    places = {k: v for k, v in PLACES.items() if os.access(v, os.W_OK)}
    times: dict[str, list[float]] = {k: [] for k in places}
    load_before = os.getloadavg()[0]
    with tqdm(total=args.copies * args.rounds * len(places), desc="database copies") as bar:
        for _ in range(args.rounds):
            for place, parent in places.items():
                times[place] += copy_times(parent / f"jx-bench-pg-{uuid.uuid4().hex[:8]}", args.copies, bar)
    result = {
        "what": "CREATE DATABASE from a migrated template + DROP DATABASE, seconds per test database",
        "copies_per_server": args.copies, "servers_per_place": args.rounds,
        "median_s": {k: round(statistics.median(v), 4) for k, v in times.items()},
        "p95_s": {k: round(sorted(v)[int(0.95 * len(v))], 4) for k, v in times.items()},
        "load_average": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    if {"disk", "memory"} <= times.keys():
        result["disk_over_memory"] = round(result["median_s"]["disk"] / result["median_s"]["memory"], 1)
    out = config.artifacts_dir() / "bench" / "test-database-copy.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
