"""`make bench` runs every benchmark from a fresh machine and exits 0.

Regression: the re-parse benchmark set Django up on its own database; the API
benchmark, run after it in the same process, then created its token in that
database while gunicorn served another, and every request got 401.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.services]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of our own, so the benchmark's queue purge touches nobody else."""
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bench_database_url(django_db_blocker):
    """A database URL whose name the benchmarks derive theirs from; dropped after."""
    from django.db import connection

    with django_db_blocker.unblock():
        name = f"{connection.settings_dict['NAME']}_benchrun"
    base = os.environ["DATABASE_URL"]
    url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    yield url
    import psycopg

    admin = urlunsplit(urlsplit(base)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        for suffix in ("_bench_api", "_bench_reparse"):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}{suffix}" WITH (FORCE)')


def test_bench_runs_reparse_then_api_and_exits_zero(private_redis, bench_database_url):
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DATABASE_URL=bench_database_url,
        REDIS_URL=private_redis,
        BENCH_REPARSE_SOURCES="40",
        BENCH_API_ROWS="300",
        BENCH_API_REQUESTS="16",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench", "reparse", "api"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "re-parse, 1 worker" in result.stdout
    assert "/api/evidence/ (DRF)" in result.stdout
    assert "401" not in result.stdout
