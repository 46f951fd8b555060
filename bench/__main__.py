"""`make bench`: run every benchmark and print its figures.

    python -m bench                 # all
    python -m bench extraction api  # some

Each benchmark is a module ``bench.<name>`` with ``main(argv) -> int``, run
here in a process of its own (``python -m bench.<name>``): a benchmark sets
Django up on its own database, and Django is set up once per process, so two
benchmarks sharing a process would share the first one's database.
Benchmarks that need PostgreSQL/Redis print a line saying so and are skipped
when ``DATABASE_URL``/``REDIS_URL`` are not set.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCHMARKS = ("extraction", "anchoring", "reparse", "api", "speakers", "copying", "load", "scale")


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    status = 0
    for name in names:
        print(f"\n=== bench.{name} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT).returncode
        print(f"(bench.{name} took {time.perf_counter() - started:.1f}s)", flush=True)
        status = status or code
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
