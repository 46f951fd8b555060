"""Counts of the reliability suite's hostile cases, printed at the end of the
run (``pytest_terminal_summary`` in ``tests/conftest.py``): how many were
tried, how many got a 4xx or a 5xx, and how many refused writes changed a row.
"""

from __future__ import annotations

from collections import Counter

TALLY: Counter[str] = Counter()


def record(kind: str, status: int, *, refused_write: bool = False, rows_changed: int = 0) -> None:
    """One case of ``kind`` ("generated" or "hand-written") answered ``status``."""
    TALLY[f"{kind} cases"] += 1
    if 400 <= status < 500:
        TALLY[f"{kind} 4xx"] += 1
    if status >= 500:
        TALLY[f"{kind} 5xx"] += 1
    if refused_write:
        TALLY[f"{kind} refused writes"] += 1
        TALLY[f"{kind} rows changed"] += rows_changed


def summary() -> list[str]:
    lines = []
    for kind in ("generated", "hand-written"):
        if TALLY[f"{kind} cases"]:
            lines.append(
                f"{kind}: {TALLY[f'{kind} cases']} cases, {TALLY[f'{kind} 4xx']} 4xx, "
                f"{TALLY[f'{kind} 5xx']} 5xx, {TALLY[f'{kind} refused writes']} refused writes, "
                f"{TALLY[f'{kind} rows changed']} rows changed"
            )
    return lines
