"""Per-frame cost of the RFC 6465 audio level aiortc computes for every outgoing audio packet (50 a second per
listener, on the event loop every call shares): aiortc's Python loop against engine.meetings.rtc's numpy
version -> artifacts/bench/rtc_audio_level.json.

    .venv/bin/python bench/rtc_audio_level.py [--frames 500]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import av  # noqa: E402
import numpy as np  # noqa: E402
from aiortc import rtp  # noqa: E402

from engine import config  # noqa: E402
from engine.meetings import rtc  # noqa: E402


def frame_20ms_stereo(seed: int):
    data = (np.random.default_rng(seed).uniform(-1, 1, 960 * 2) * 8000).astype(np.int16).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(data, format="s16", layout="stereo")
    frame.sample_rate = 48000
    return frame


def per_frame_ms(fn, frames) -> list[float]:
    out = []
    for f in frames:
        t = time.perf_counter()
        fn(f)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=500)
    args = parser.parse_args()
    original = rtc.aiortc_audio_level_dbov or rtp.compute_audio_level_dbov
    frames = [frame_20ms_stereo(i) for i in range(args.frames)]
    assert all(original(f) == rtc.audio_level_dbov(f) for f in frames[:50])
    result = {}
    for name, fn in (("aiortc", original), ("numpy", rtc.audio_level_dbov)):
        ms = sorted(per_frame_ms(fn, frames))
        result[name] = {"median_ms": round(statistics.median(ms), 4), "p95_ms": round(ms[int(len(ms) * 0.95)], 4)}
    result["speedup_median"] = round(result["aiortc"]["median_ms"] / result["numpy"]["median_ms"], 1)
    result.update(frames=args.frames, frame="20 ms stereo s16 at 48 kHz", load_avg=os.getloadavg()[0])
    folder = config.artifacts_dir() / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rtc_audio_level.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
