"""The code sandbox: start-to-result time of a trivial run, and the limits a hostile program actually meets
-> artifacts/bench/sandbox.json.

    .venv/bin/python bench/sandbox.py [--runs 30]

Start time is run_code() end to end (prlimit, setpriv, bwrap's namespaces and mounts, interpreter start,
output read) for `print(1)` in Python, and for JavaScript and C++ (compile + run) where installed. Limits
are measured with the default Limits() by programs that push each one until it stops them.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import config  # noqa: E402
from engine.meetings import memory_cgroup  # noqa: E402
from engine.meetings.sandbox import Limits, available_languages, run_code, unavailable_reason  # noqa: E402

PROGRAMS = {
    "python": "print(1)",
    "javascript": "console.log(1)",
    "cpp": "#include <cstdio>\nint main(){ puts(\"1\"); }",
}
# Each prints a running count; the last number printed is what the limit allowed.
GROW_MEMORY = {  # MiB held, in touched 16 MiB blocks
    "python": "blocks = []\nwhile True:\n    blocks.append(b'x' * (16 << 20))\n    print(16 * len(blocks), flush=True)",
    "javascript": "const blocks = [];\nwhile (true) { blocks.push(Buffer.alloc(16 << 20, 1));"
                  " require('fs').writeSync(1, 16 * blocks.length + '\\n'); }",
    "cpp": "#include <cstdio>\n#include <cstdlib>\n#include <cstring>\nint main(){ for (int n = 1;; n++) {"
           " char* b = (char*) malloc(16 << 20); if (!b) return 1; memset(b, 1, 16 << 20);"
           " printf(\"%d\\n\", 16 * n); fflush(stdout); } }",
}
PYTHON_PROBES = {
    "processes": "import os, time\nn = 1\nwhile True:\n    try:\n        if os.fork() == 0:\n"
                 "            time.sleep(5)\n            os._exit(0)\n    except OSError:\n        break\n"
                 "    n += 1\n    print(n, flush=True)",
    "largest_file_bytes": "f = open('big', 'wb', buffering=0)\nn = 0\ntry:\n    while True:\n"
                          "        f.write(b'x' * 4096)\n        n += 4096\nexcept OSError:\n    print(n)",
    "tmp_bytes": "total = 0\nfor i in range(1000):\n    try:\n        open(f'/tmp/f{i}', 'wb').write(b'x' * 1000000)\n"
                 "    except OSError:\n        break\n    total += 1000000\n    print(total, flush=True)",
}


# Eight processes of 128 MiB, each under the per-process limit: the run's memory cgroup peak says how much
# they held at once.
MANY_PROCESSES = ("import os, time\nfor i in range(8):\n    if os.fork() == 0:\n        block = b'x' * (128 << 20)\n"
                  "        time.sleep(3)\n        os._exit(0)\n    time.sleep(0.3)\nwhile True:\n    try:\n"
                  "        os.wait()\n    except ChildProcessError:\n        break")


def last_number(text: str) -> int | None:
    numbers = [int(line) for line in text.split() if line.isdigit()]
    return numbers[-1] if numbers else None


def measure_start(language: str, runs: int) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = run_code(language, PROGRAMS[language])
        times.append((time.perf_counter() - start) * 1000)
        assert result.stdout.strip() == "1", result
    times.sort()
    return {"runs": runs, "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
            "min_ms": round(times[0], 1), "max_ms": round(times[-1], 1)}


def measure_limits(languages) -> dict:
    out = {"defaults": Limits().__dict__, "memory_mib_held": {}}
    for language in languages:
        result = run_code(language, GROW_MEMORY[language])
        out["memory_mib_held"][language] = last_number(result.stdout)
    for name, code in PYTHON_PROBES.items():
        out[name] = last_number(run_code("python", code).stdout)
    out["eight_processes_peak_mib"] = run_code("python", MANY_PROCESSES).peak_memory_mb
    busy = run_code("python", "while True:\n    pass", limits=Limits(wall_s=60))   # the CPU limit, not the wall
    out["busy_loop"] = {"stopped_by": busy.killed_reason, "after_s": round(busy.duration_ms / 1000, 2)}
    sleeper = run_code("python", "import time\ntime.sleep(60)")
    out["sleep"] = {"stopped_by": sleeper.killed_reason, "after_s": round(sleeper.duration_ms / 1000, 2)}
    net = run_code("python", "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=2)")
    out["connect_127_0_0_1"] = net.stderr.strip().splitlines()[-1] if net.stderr.strip() else net.stdout.strip()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    reason = unavailable_reason()
    if reason:
        sys.exit(reason)
    results = {}
    for language in available_languages():
        runs = args.runs if language != "cpp" else max(5, args.runs // 6)
        results[language] = measure_start(language, runs)
        print(f"{language:>10}: median {results[language]['median_ms']} ms, p95 {results[language]['p95_ms']} ms "
              f"over {runs} runs")
    limits = measure_limits(available_languages())
    print(json.dumps(limits, indent=2))
    target = 300.0
    out = {"what": "run_code() start-to-result for a trivial program; what hostile programs reach",
           "target_python_median_ms": target, "python_meets_target": results["python"]["median_ms"] < target,
           "results": results, "limits_measured": limits, "memory_cgroup_per_run": memory_cgroup.parent() is not None,
           "root": os.geteuid() == 0, "cpus": os.cpu_count(),
           "load_average": round(os.getloadavg()[0], 1), "python": platform.python_version()}
    path = config.artifacts_dir() / "bench" / "sandbox.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
