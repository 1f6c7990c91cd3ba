"""The CPU priority of work started in the background of a serving machine (index builds, occupation
assignment): SCHED_IDLE, so it runs only on CPU time that nothing else wants. Niced by 10 instead, such a
process still took a share of both cores whenever a page ran, and a page took up to 1.2 s (p95) during a
build (bench/cold_start.py)."""
from __future__ import annotations

import os


def lowest() -> None:
    """Give the calling process the lowest CPU priority (a ``subprocess.Popen`` ``preexec_fn``); a system
    without SCHED_IDLE gets the highest niceness instead."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)
