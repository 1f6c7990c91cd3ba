"""Start-to-result time of a trivial run in the code sandbox -> artifacts/bench/sandbox.json.

    .venv/bin/python bench/sandbox.py [--runs 30]

Measures run_code() end to end (temp folder, launcher, namespaces, uid switch, interpreter start, output
read, clean-up) for `print(1)` in Python, and for JavaScript and C++ (compile + run) where installed.
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
from engine.meetings.sandbox import available_languages, run_code  # noqa: E402

PROGRAMS = {
    "python": "print(1)",
    "javascript": "console.log(1)",
    "cpp": "#include <cstdio>\nint main(){ puts(\"1\"); }",
}


def measure(language: str, runs: int) -> dict:
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    results = {}
    for language in available_languages():
        runs = args.runs if language != "cpp" else max(5, args.runs // 6)
        results[language] = measure(language, runs)
        print(f"{language:>10}: median {results[language]['median_ms']} ms, p95 {results[language]['p95_ms']} ms "
              f"over {runs} runs")
    target = 300.0
    out = {"what": "run_code() start-to-result for a trivial program", "target_python_median_ms": target,
           "python_meets_target": results["python"]["median_ms"] < target, "results": results,
           "root": os.geteuid() == 0, "cpus": os.cpu_count(), "python": platform.python_version()}
    path = config.artifacts_dir() / "bench" / "sandbox.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
