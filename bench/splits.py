"""A fixed split of a page directory into a tuning part and a held-out part.

Rules are tuned by looking at the errors of the tuning part only
(``python -m bench.extraction_errors``); the held-out part is scored but never
listed, so its figure says how the rules do on pages no one looked at. The
split hashes each page's name, so it does not depend on the order or number of
pages and stays the same from run to run.
"""

from __future__ import annotations

import hashlib

TUNE = "tune"
HELD_OUT = "held-out"
HELD_OUT_SHARE = 3  # one page in three is held out


def part_of(name: str) -> str:
    digest = hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()
    return HELD_OUT if int(digest, 16) % HELD_OUT_SHARE == 0 else TUNE
