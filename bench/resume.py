"""Resume rendering speed: median/p95 PDF render time for a one-page and a three-page resume in each design
(target: under 200 ms), the first-page thumbnail (PDF -> PNG), and the same renders with the untrimmed
system fonts for comparison. Writes artifacts/bench/resume.json.

    nice -n 10 .venv/bin/python bench/resume.py [--repeat 15]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import config  # noqa: E402
from engine.resume import fonts  # noqa: E402
from engine.resume.render import render_pdf  # noqa: E402
from engine.resume.samples import long_resume, sample_resume  # noqa: E402
from engine.resume.templates import TEMPLATES  # noqa: E402
from engine.resume.thumbnails import page_count, page_png, thumbnail  # noqa: E402


def timed(fn, repeat: int) -> dict:
    """Wall time (what a user waits) and CPU time of this process (what it costs; on a shared, busy machine
    the wall time includes waiting for a core, the CPU time does not)."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    wall.sort()
    cpu.sort()
    p95 = min(repeat - 1, int(0.95 * repeat))
    return {"median_ms": round(statistics.median(wall), 1), "p95_ms": round(wall[p95], 1),
            "cpu_median_ms": round(statistics.median(cpu), 1), "cpu_p95_ms": round(cpu[p95], 1), "runs": repeat}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    os.environ.setdefault("JOBEXPRESSWAY_DATA_DIR", tempfile.mkdtemp(prefix="bench-resume-"))
    one, three = sample_resume(), long_resume(5, 6)
    results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, load avg at start {os.getloadavg()[0]:.1f}",
                     "target_ms": 200, "renders": {}, "thumbnail": {}}
    for name in TEMPLATES:
        render_pdf(one, name)   # warm-up: makes the trimmed fonts on a fresh machine
        pages = {"one_page": page_count(render_pdf(one, name)), "three_page": page_count(render_pdf(three, name))}
        results["renders"][name] = {
            "pages": pages,
            "one_page": timed(lambda: render_pdf(one, name), args.repeat),
            "three_page": timed(lambda: render_pdf(three, name), args.repeat),
        }
        print(name, results["renders"][name], flush=True)
    pdf = render_pdf(one, "modern")
    results["thumbnail"]["rasterise_first_page_360px"] = timed(lambda: page_png(pdf, 0, 360), args.repeat)
    counter = iter(range(10**6))

    def uncached():   # a new document each time, so the disk cache never answers
        r = sample_resume()
        r.summary += f" #{next(counter)}"
        thumbnail(r, "modern", 360)
    results["thumbnail"]["render_and_rasterise_uncached"] = timed(uncached, args.repeat)
    results["thumbnail"]["cached"] = timed(lambda: thumbnail(one, "modern", 360), args.repeat)
    print("thumbnail", results["thumbnail"], flush=True)
    # baseline: the full system fonts (what fpdf2 would load without the trimmed copies)
    original = fonts.font_path
    fonts.font_path = lambda filename, cut="latin": fonts.SYSTEM_DIR / filename
    try:
        results["baseline_system_fonts"] = {
            n: {"one_page": timed(lambda: render_pdf(one, n), max(5, args.repeat // 3))} for n in TEMPLATES}
    finally:
        fonts.font_path = original
    print("baseline", results["baseline_system_fonts"], flush=True)
    results["speedup_trimmed_vs_system_fonts_cpu"] = {
        n: round(results["baseline_system_fonts"][n]["one_page"]["cpu_median_ms"]
                 / results["renders"][n]["one_page"]["cpu_median_ms"], 1) for n in TEMPLATES}
    results["load_avg_at_end"] = round(os.getloadavg()[0], 1)
    out = config.artifacts_dir() / "bench" / "resume.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
