"""The CPU priority of work started in the background of a serving machine (index builds, occupation
assignment): SCHED_IDLE, so it runs only on CPU time that nothing else wants; a niced process still takes
a share of the cores whenever the page server wants them."""
from __future__ import annotations

import os


def lowest() -> None:
    """Give the calling process the lowest CPU priority (a ``subprocess.Popen`` ``preexec_fn``); a system
    without SCHED_IDLE gets the highest niceness instead."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)
