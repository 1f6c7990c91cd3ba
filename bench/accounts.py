"""Sign-in timing at the production bcrypt cost: a right password, a wrong one and an unknown email should
take about the same time (so answers do not reveal which emails exist), and a session lookup (done on every
page run) should be cheap. Then the throttle: how many of 20 parallel wrong guesses reach bcrypt, whether the
owner gets in from another client meanwhile, and how many guesses an attacker who retries the moment each
delay ends gets in an hour and a day (the real throttle on a real database, with a simulated clock).
Writes artifacts/bench/accounts.json.

    python bench/accounts.py [--repeat 15]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import accounts, config, sign_in_throttle, store  # noqa: E402
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


def sign_in(db, email: str, password: str):
    """One sign-in with the throttle emptied first: these rows time the check itself, not the throttle."""
    db.execute("DELETE FROM sign_in_throttle")
    return accounts.authenticate(db, email, password)


def parallel_guesses(data_dir: str, n: int = 20) -> dict:
    """n threads, each with its own connection, guess one account's password at the same moment."""
    checks, real_check = [], accounts.check_password
    accounts.check_password = lambda *a: checks.append(1) or real_check(*a)
    start, refused = threading.Barrier(n), []

    def guess(i: int) -> None:
        conn = store.connect(data_dir)
        start.wait(timeout=60)
        try:
            accounts.authenticate(conn, "bench@example.com", f"wrong-guess-{i}", client="203.0.113.9")
        except sign_in_throttle.TooManyAttempts:
            refused.append(i)
        except AccessDenied:
            pass

    began = time.perf_counter()
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    accounts.check_password = real_check
    return {"guesses": n, "checked_by_bcrypt": len(checks), "refused_by_throttle": len(refused),
            "wall_ms": round((time.perf_counter() - began) * 1000, 1)}


def guesses_within(db, horizon_s: float, *, emails, clients) -> int:
    """Attempts that pass the throttle within horizon_s when the attacker retries the moment each wait ends,
    cycling through ``emails`` x ``clients`` (all wrong: nothing is given back)."""
    now, passed, i = 0.0, 0, 0
    targets = [(e, c) for c in clients for e in emails]
    while now < horizon_s:
        email, client = targets[i % len(targets)]
        try:
            sign_in_throttle.begin_attempt(db, email, client, now=now)
            passed += 1
            i += 1
        except sign_in_throttle.TooManyAttempts as exc:
            now += exc.wait_seconds + 0.001
    return passed


def throttle_capacity() -> dict:
    out = {}
    for name, emails, clients in (("one_client_one_account", ["a@x.org"], ["c1"]),
                                  ("one_client_spraying_1000_accounts", [f"u{i}@x.org" for i in range(1000)], ["c1"]),
                                  ("100_clients_one_account", ["a@x.org"], [f"10.0.0.{i}" for i in range(100)])):
        row = {}
        for label, horizon in (("per_hour", 3600.0), ("per_day", 86400.0)):
            with tempfile.TemporaryDirectory() as tmp:
                row[label] = guesses_within(store.connect(tmp), horizon, emails=emails, clients=clients)
        out[name] = row
    return out


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
            "authenticate_right": timed(lambda: sign_in(db, "bench@example.com", "bench-pass-1"), args.repeat),
            "authenticate_wrong_password": timed(lambda: sign_in(db, "bench@example.com", "nope-1234"), args.repeat),
            "authenticate_unknown_email": timed(lambda: sign_in(db, "ghost@example.com", "nope-1234"), args.repeat),
            "actor_for_session": timed(lambda: accounts.actor_for_session(db, token), 200),
        }
        db.execute("DELETE FROM sign_in_throttle")
        result["throttle_parallel_guesses"] = parallel_guesses(tmp)
        began = time.perf_counter()
        owner_ok = accounts.authenticate(db, "bench@example.com", "bench-pass-1", client="198.51.100.7") == actor
        result["throttle_owner_from_other_client"] = {"signed_in": owner_ok,
                                                      "ms": round((time.perf_counter() - began) * 1000, 1)}
    result["throttle_free_attempts"] = sign_in_throttle.FREE_ATTEMPTS
    result["throttle_guesses_when_retrying_at_once"] = throttle_capacity()
    out = config.artifacts_dir() / "bench" / "accounts.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
