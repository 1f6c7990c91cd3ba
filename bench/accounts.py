"""Sign-in timing at the production bcrypt cost: a right password, a wrong one and an unknown email should
take about the same time (so answers do not reveal which emails exist), and a session lookup (done on every
page run) should be cheap. Writes artifacts/bench/accounts.json.

    python bench/accounts.py [--repeat 15]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import accounts, config, store  # noqa: E402
from engine.authz import AccessDenied  # noqa: E402


def timed(fn, repeat: int) -> dict:
    samples = []
    for i in range(repeat + 1):  # the first call is a warm-up (e.g. the one-time dummy hash), not counted
        start = time.perf_counter()
        try:
            fn()
        except AccessDenied:
            pass
        if i:
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 2), "n": repeat}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(tmp)
        actor = accounts.sign_up_candidate(db, name="Bench", email="bench@example.com", password="bench-pass-1",
                                           location="Berlin")
        token = accounts.create_session(db, actor.user_id)
        result = {
            "bcrypt_rounds": accounts._rounds(),
            "authenticate_right": timed(lambda: accounts.authenticate(db, "bench@example.com", "bench-pass-1"), args.repeat),
            "authenticate_wrong_password": timed(lambda: accounts.authenticate(db, "bench@example.com", "nope-1234"), args.repeat),
            "authenticate_unknown_email": timed(lambda: accounts.authenticate(db, "ghost@example.com", "nope-1234"), args.repeat),
            "actor_for_session": timed(lambda: accounts.actor_for_session(db, token), 200),
        }
    out = config.artifacts_dir() / "bench" / "accounts.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
