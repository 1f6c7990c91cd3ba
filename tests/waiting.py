"""One bounded wait for the tests: poll a condition until it holds or its deadline passes."""
from __future__ import annotations

import time

import pytest


def wait_for(predicate, timeout_s: float, what: str, step: float = 0.1):
    """The predicate's first truthy result; fails the test after ``timeout_s`` with ``what`` and the last
    result seen."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(step)
    pytest.fail(f"timed out after {timeout_s:g} s waiting for {what} (last: {last!r})")
