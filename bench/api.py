"""Benchmark of the REST API on PostgreSQL.

    DATABASE_URL=postgres://... python -m bench.api [--rows N] [--requests N]

Creates (or reuses) a separate database ``<name>_bench_api`` next to the one
in ``DATABASE_URL`` (``<name>`` being that database's), migrates it, fills it with N evidence rows (default
100,000) by ``bulk_create``, and starts gunicorn on 127.0.0.1 with the app
plus a baseline route (``bench.settings_api``). Then, in the same run:

* list latency p50/p99 of ``GET /api/evidence/?page_size=100`` (token auth)
  against a plain Django ``JsonResponse`` view over the same 100 rows, under
  8 concurrent clients (httpx in threads, a bounded number of requests),
  the two taking turns in a few rounds so that drifting load hits both;
* ``?format=csv`` and ``?format=ndjson`` exports of every row: rows/s and the
  peak RSS of the gunicorn workers while streaming (VmHWM, reset before).

Goals: list p50 within 1.3x of the baseline, p99 within 1.6x; exports > 20,000 rows/s with
flat memory.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
ROUNDS = 10  # the API and the baseline take turns, this many rounds each


def _bench_name(database_url: str) -> str:
    """The benchmark's own database, named after ``DATABASE_URL``'s: engineers
    and CI sharing one server never share a benchmark database."""
    return urlsplit(database_url).path.strip("/") + "_bench_api"


def _bench_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{_bench_name(database_url)}"))


def _ensure_database(database_url: str, name: str | None = None) -> None:
    """Create the database ``name`` (default: this benchmark's) on the server
    of ``database_url`` if it is missing."""
    import psycopg

    name = name or _bench_name(database_url)
    admin = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _env(bench_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=bench_url,
        DJANGO_SETTINGS_MODULE="bench.settings_api",
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)  # nothing here needs a broker
    return env


def _seed(rows: int, bench_url: str) -> str:
    """Fill the bench database (in this process); returns an editor's token."""
    import django

    django.setup()
    from django.db import connection

    serving = connection.settings_dict["NAME"]
    if serving != urlsplit(bench_url).path.strip("/"):
        # Django was set up earlier in this process on another database: the
        # token would be created where gunicorn never looks (every request 401).
        raise RuntimeError(f"bench.api: Django is already set up on {serving!r}")
    from django.contrib.auth.models import Group, User

    from claims.models import Claim, Evidence
    from claims_tracker.common.tokens import api_token_create
    from sources.models import Excerpt, Outlet, Source

    user, _ = User.objects.get_or_create(username="bench")
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    _, key = api_token_create(user=user, name=f"bench {time.time():.0f}")

    have = Evidence.objects.count()
    if have >= rows:
        print(f"reusing {have:,} evidence rows in {serving}")
        return key
    started = time.perf_counter()
    Evidence.objects.all().delete()
    Excerpt.objects.all().delete()
    Claim.objects.all().delete()
    Source.objects.all().delete()
    Outlet.objects.all().delete()
    text = (
        "The minister said that taxes will rise next year, according to the budget. "
        "The opposition leader said that taxes will not rise at all. " * 4
    )
    n_sources = max(rows // 100, 1)
    n_claims = max(rows // 100, 1)
    outlets = Outlet.objects.bulk_create(
        [Outlet(name=f"Outlet {i}", domain=f"outlet{i}.example") for i in range(20)]
    )
    sources = Source.objects.bulk_create(
        [
            Source(
                outlet=outlets[i % len(outlets)],
                url=f"https://outlet{i % 20}.example/a/{i}",
                raw=text.encode(),
                content_type="text/plain",
                content_sha256=f"{i:064x}",
                title=f"Article {i}",
                text=text,
                authors=["A. Writer"],
            )
            for i in range(n_sources)
        ],
        batch_size=2000,
    )
    claims = Claim.objects.bulk_create(
        [
            Claim(text=f"Claim number {i}: taxes will rise", created_by=user)
            for i in range(n_claims)
        ],
        batch_size=2000,
    )
    start = text.index("taxes will rise")
    batch = 10_000
    stances = ("asserts", "disputes", "mentions")
    for offset in range(0, rows, batch):
        size = min(batch, rows - offset)
        excerpts = Excerpt.objects.bulk_create(
            [
                Excerpt(
                    source=sources[(offset + i) % n_sources],
                    exact="taxes will rise",
                    prefix=text[max(0, start - 32) : start],
                    suffix=text[start + 15 : start + 47],
                    start=start,
                    end=start + 15,
                )
                for i in range(size)
            ]
        )
        Evidence.objects.bulk_create(
            [
                Evidence(
                    claim=claims[(offset + i) % n_claims],
                    excerpt=excerpt,
                    stance=stances[(offset + i) % 3],
                    attributed_to="The minister",
                    note="bench",
                    created_by=user,
                )
                for i, excerpt in enumerate(excerpts)
            ]
        )
    from claims.figures import claims_figures_refresh_all

    claims_figures_refresh_all()  # bulk_create skips the services that keep them
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"created {rows:,} evidence rows in {time.perf_counter() - started:.1f}s")
    return key


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(env: dict[str, str], port: int, workers: int = 2) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "claims_tracker.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def _workers(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak(pids: Sequence[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):  # resets VmHWM to the current RSS
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def _latencies(url: str, headers: dict[str, str], total: int, warm: bool = True) -> list[float]:
    import httpx

    results: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        with httpx.Client(headers=headers, timeout=60) as http:
            for _ in range(3 if warm else 0):  # warm-up, not counted
                http.get(url).raise_for_status()
            while True:
                with lock:
                    if next(counter, None) is None:
                        return
                began = time.perf_counter()
                http.get(url).raise_for_status()
                elapsed = time.perf_counter() - began
                with lock:
                    results.append(elapsed)

    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            client()
        except BaseException as exc:  # a failed client fails the benchmark
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _export(
    url: str, headers: dict[str, str], workers: Sequence[int]
) -> tuple[int, float, int, int]:
    """Rows, seconds, worker RSS before (KiB), peak RSS during (KiB)."""
    import httpx

    before = max(_status_kb(pid, "VmRSS") for pid in workers)
    _reset_peak(workers)
    lines = 0
    began = time.perf_counter()
    with httpx.stream("GET", url, headers=headers, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - began
    peak = max(_status_kb(pid, "VmHWM") for pid in workers)
    return lines, elapsed, before, peak


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_API_ROWS", 100_000)))
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("BENCH_API_REQUESTS", 400))
    )
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("bench.api: skipped (needs DATABASE_URL pointing at PostgreSQL)")
        return 0

    bench_url = _bench_url(database_url)
    _ensure_database(database_url)
    env = _env(bench_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    key = _seed(args.rows, bench_url)

    port = _free_port()
    server = _start_gunicorn(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Token {key}"}
        # Interleaved rounds: a machine whose load drifts during the run
        # (others' jobs) weighs on both lists alike, not on whichever ran second.
        api: list[float] = []
        baseline: list[float] = []
        rounds = max(1, min(ROUNDS, args.requests // CLIENTS))
        for i in range(rounds):
            share = args.requests // rounds + (i < args.requests % rounds)
            api += _latencies(f"{base}/api/evidence/?page_size=100", auth, share, warm=i == 0)
            baseline += _latencies(f"{base}/baseline/evidence/", {}, share, warm=i == 0)
        workers = _workers(server.pid)
        csv_rows, csv_s, csv_before, csv_peak = _export(
            f"{base}/api/evidence/?format=csv", auth, workers
        )
        nd_rows, nd_s, nd_before, nd_peak = _export(
            f"{base}/api/evidence/?format=ndjson", auth, workers
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    api_p50, api_p99 = _pct(api, 0.5) * 1000, _pct(api, 0.99) * 1000
    base_p50, base_p99 = _pct(baseline, 0.5) * 1000, _pct(baseline, 0.99) * 1000
    ratio = api_p50 / base_p50
    print()
    print(
        f"GET list, page_size=100, {CLIENTS} clients, {args.requests} requests per endpoint "
        f"(in {rounds} alternating rounds)"
    )
    print(f"{'':28} {'p50 ms':>9} {'p99 ms':>9} {'mean ms':>9}")
    print(
        f"{'/api/evidence/ (DRF)':28} {api_p50:9.1f} {api_p99:9.1f} {statistics.mean(api) * 1000:9.1f}"
    )
    print(
        f"{'baseline JsonResponse':28} {base_p50:9.1f} {base_p99:9.1f} {statistics.mean(baseline) * 1000:9.1f}"
    )
    print(f"ratio p50 {ratio:.2f}x (goal <= 1.3x)  p99 {api_p99 / base_p99:.2f}x (goal <= 1.6x)")
    print()
    print(f"exports of {args.rows:,} rows")
    print(f"{'':10} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'RSS before':>11} {'peak RSS':>9}")
    for name, rows, secs, before, peak in (
        ("csv", csv_rows - 1, csv_s, csv_before, csv_peak),  # minus the header line
        ("ndjson", nd_rows, nd_s, nd_before, nd_peak),
    ):
        print(
            f"{name:10} {rows:9,} {secs:8.2f} {rows / secs:9,.0f} {before / 1024:9.0f}MB {peak / 1024:7.0f}MB"
        )
    print("goal: > 20,000 rows/s, peak RSS close to RSS before (flat memory)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
