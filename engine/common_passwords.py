"""The passwords attackers try first, refused at sign-up and on every password change.

The list is zxcvbn's (pinned in requirements.txt): the 30,000 most frequent passwords of a corpus of ten
million leaked ones, kept by the zxcvbn port that Dropbox's estimator lives on. A password counts as common
when, lowercased and without the symbols people tack on at the end ("Password1!"), it is on that list.
"""
from __future__ import annotations

import functools


@functools.cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # ~30 ms, once per process

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    lowered = (password or "").lower()
    return lowered in _common() or lowered.rstrip("!@#$%^&*()_+-=.,;:?~ ") in _common()
