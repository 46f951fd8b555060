"""Load run: gunicorn + PostgreSQL under 32 concurrent clients for 60 s.

    DATABASE_URL=postgres://... python -m bench load [--clients 32] [--seconds 60]

Uses its own database (``<DATABASE_URL's name>_bench_load``), migrated and
filled by ``bench.api``'s seeding (10,000 pairs: 100 sources and 100 claims
with 100 pairs each), starts gunicorn (``--workers``, default 4) on
127.0.0.1 with production settings (DEBUG off, collected static files, the
CSP, axes and the rest of the middleware), then ``--clients`` threads each loop over the three hot
paths until the time is up:

* ``GET /api/evidence/?page_size=50`` (token auth): the evidence list;
* ``GET /sources/<id>/``: the reader page, with its highlights (session);
* ``GET /claims/<id>/``: the claim page, evidence grouped by stance (session).

Prints requests, p50/p99 latency and errors (non-200 answers and failed
requests) per path. Traffic goes only to 127.0.0.1. Goal: 0 errors.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from bench.api import ROOT, _ensure_database, _env, _free_port, _pct, _seed, _start_gunicorn

ROWS = 10_000


def _load_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "claims"
    return urlunsplit(parts._replace(path=f"/{name}_bench_load"))


def _session_and_targets() -> tuple[str, int, int]:
    """A signed-in session for the bench user, and a source and a claim with pairs."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from claims.models import Claim
    from sources.models import Source

    user = User.objects.get(username="bench")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    source = Source.objects.order_by("id").first()
    claim = Claim.objects.order_by("id").first()
    return session.session_key, source.pk, claim.pk


def _run(
    targets: list[tuple[str, str, dict[str, str]]], clients: int, seconds: float
) -> dict[str, dict[str, list]]:
    import httpx

    stats: dict[str, dict[str, list]] = defaultdict(lambda: {"ok": [], "errors": []})
    lock = threading.Lock()
    start = threading.Barrier(clients)
    deadline: list[float] = []

    def client(offset: int) -> None:
        order = itertools.cycle(targets[offset % len(targets) :] + targets[: offset % len(targets)])
        with httpx.Client(timeout=60) as http:
            start.wait()
            if not deadline:
                deadline.append(time.monotonic() + seconds)
            while time.monotonic() < deadline[0]:
                name, url, headers = next(order)
                began = time.perf_counter()
                try:
                    response = http.get(url, headers=headers)
                    failed = response.status_code != 200
                    outcome = f"HTTP {response.status_code}" if failed else ""
                except httpx.HTTPError as exc:
                    failed, outcome = True, exc.__class__.__name__
                elapsed = time.perf_counter() - began
                with lock:
                    if failed:
                        stats[name]["errors"].append(outcome)
                    else:
                        stats[name]["ok"].append(elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("bench.load: skipped (needs DATABASE_URL pointing at PostgreSQL)")
        return 0
    load_url = _load_url(database_url)
    _ensure_database(database_url, urlsplit(load_url).path.lstrip("/"))
    env = _env(load_url)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings_api"
    for command in (["migrate"], ["collectstatic", "--clear"]):  # pages need the manifest
        subprocess.run(
            [sys.executable, "manage.py", *command, "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    os.environ.update(env)
    key = _seed(ROWS, load_url)
    session_key, source_id, claim_id = _session_and_targets()

    port = _free_port()
    server = _start_gunicorn(env, port, workers=args.workers)
    base = f"http://127.0.0.1:{port}"
    cookie = {"Cookie": f"sessionid={session_key}"}
    targets = [
        ("evidence list", f"{base}/api/evidence/?page_size=50", {"Authorization": f"Token {key}"}),
        ("reader page", f"{base}/sources/{source_id}/", cookie),
        ("claim page", f"{base}/claims/{claim_id}/", cookie),
    ]
    try:
        stats = _run(targets, args.clients, args.seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print()
    print(
        f"load: {args.clients} clients, {args.seconds:g} s, gunicorn {args.workers} sync workers, "
        f"PostgreSQL; {ROWS:,} pairs (the pages show 100 pairs each)"
    )
    print(f"{'':16} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    total_errors = 0
    for name, _url, _headers in targets:
        ok, errors = stats[name]["ok"], stats[name]["errors"]
        total_errors += len(errors)
        p50 = _pct(ok, 0.5) * 1000 if ok else float("nan")
        p99 = _pct(ok, 0.99) * 1000 if ok else float("nan")
        count = len(ok) + len(errors)
        print(
            f"{name:16} {count:9,} {count / args.seconds:7.1f} {p50:8.0f} {p99:8.0f} {len(errors):7}"
        )
        if errors:
            print(f"{'':16} first errors: {sorted(set(errors))[:5]}")
    print(f"errors in all: {total_errors} (goal: 0)")
    return 1 if total_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
