"""Finding and starting the real services the suite talks to."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


@cache
def services_missing_reason() -> str:
    """Why the real-service tests cannot run here, or '' when they can."""
    from django.conf import settings

    if not settings.IS_POSTGRES:
        return "DATABASE_URL is not set to PostgreSQL (tests run on SQLite)"
    if not settings.REDIS_URL:
        return "REDIS_URL is not set (Celery runs eagerly)"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    except Exception as exc:
        return f"Redis at REDIS_URL does not answer ({exc.__class__.__name__}: {exc})"
    return ""


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@cache
def browser_missing_reason() -> str:
    if chromium_path() is None:
        return "Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return ""


class CeleryWorker:
    """A real ``celery worker`` process on the test database and Redis."""

    _purged = False

    def __init__(
        self,
        *,
        database_name: str,
        queues: str = "default,ingest,reparse",
        concurrency: int = 1,
        name: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.extra_env = env or {}
        self.database_name = database_name
        self.queues = queues
        self.concurrency = concurrency
        self.name = name or f"test-{os.getpid()}-{time.monotonic_ns()}@localhost"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = ROOT / ".pytest-worker.log"

    def environment(self) -> dict[str, str]:
        from django.conf import settings

        db = settings.DATABASES["default"]
        url = (
            f"postgres://{db.get('USER') or 'postgres'}:{db.get('PASSWORD') or ''}"
            f"@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{self.database_name}"
        )
        env = dict(os.environ)
        env.update({"DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL, "DEBUG": "1"})
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 30.0) -> None:
        from claims_tracker.celery import app

        if not CeleryWorker._purged:
            # Tasks left in the queues by an earlier, interrupted run would act
            # on rows that no longer exist: start from empty queues.
            app.control.purge()
            CeleryWorker._purged = True
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "claims_tracker",
                "worker",
                "-Q",
                self.queues,
                "-c",
                str(self.concurrency),
                "-n",
                self.name,
                "--pool",
                "prefork",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited early; see {self.log_path}")
            replies = app.control.ping(destination=[self.name], timeout=0.5) or []
            if replies:
                return
        self.stop()
        raise RuntimeError(f"Celery worker did not answer within {timeout}s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its pool children)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_process_group(self.process)


def stop_process_group(process: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM a process group this suite started, then SIGKILL if it lingers."""
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class Gunicorn:
    """A real gunicorn (several worker processes) serving the app on a free
    127.0.0.1 port, on the test database and Redis, for tests that need
    more than one process. Started like the benchmarks start it."""

    def __init__(self, *, database_name: str, workers: int = 3, env: dict[str, str] | None = None):
        self.database_name = database_name
        self.workers = workers
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        from bench.api import _free_port, _start_gunicorn

        env = CeleryWorker(database_name=self.database_name).environment()
        env.update(self.extra_env)
        port = _free_port()
        self.process = _start_gunicorn(env, port, workers=self.workers)
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        stop_process_group(self.process)
