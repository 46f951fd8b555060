"""Re-parse throughput: 10,000 synthetic sources re-parsed by one real Celery
worker after a rule change, against the bare extraction loop over the same
raw inputs in the same run; plus how many excerpts were relocated correctly.

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); uses its own database
``<name>_bench_reparse`` and Redis db 14 of ``REDIS_URL``'s server (or
``BENCH_REDIS_URL``), whose queues it purges.

    python -m bench.reparse [--sources 10000]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "the",
    "port",
    "authority",
    "said",
    "inspectors",
    "found",
    "damaged",
    "cranes",
    "near",
    "the",
    "northern",
    "quay",
    "while",
    "officials",
    "denied",
    "any",
    "delay",
    "and",
    "workers",
    "told",
    "reporters",
    "that",
    "shipments",
    "of",
    "grain",
    "would",
    "resume",
    "according",
    "to",
    "the",
    "operator",
    "after",
    "the",
    "strike",
    "ended",
    "on",
    "tuesday",
    "in",
    "the",
    "harbour",
    "district",
]
JUNK = [
    "Advertisement",
    "Share this article",
    "Trending now: ferry fares rise again",
    "Sign up for our newsletter",
]


def _article(rng: random.Random, i: int) -> tuple[str, list[str]]:
    paragraphs = []
    quotes = []
    for p in range(8):
        words = [rng.choice(WORDS) for _ in range(rng.randint(35, 60))]
        sentence = " ".join(words).capitalize() + f", source {i} paragraph {p} said."
        paragraphs.append(sentence)
        if p in (2, 6):
            quotes.append(f"source {i} paragraph {p} said")
        if p % 3 == 1:
            paragraphs.append(rng.choice(JUNK))
        if p == 4:
            paragraphs.append(f"Desk note {i}: filed from the harbour bureau.")
    head = f"Harbour report number {i}\n\nBy Staff Writer\n\n"
    return head + "\n\n".join(paragraphs) + "\n", quotes


def _database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reparse")
    parser.add_argument(
        "--sources", type=int, default=int(os.environ.get("BENCH_REPARSE_SOURCES", "10000"))
    )
    args = parser.parse_args(argv)
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("bench.reparse skipped: needs DATABASE_URL (PostgreSQL) and REDIS_URL")
        return 0
    db_name = urlsplit(base_url).path.strip("/") + "_bench_reparse"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url(base_url, db_name),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL") or _database_url(os.environ["REDIS_URL"], "14"),
        DJANGO_SETTINGS_MODULE="claims_tracker.settings",
        REPARSE_CHUNK_SIZE=os.environ.get("REPARSE_CHUNK_SIZE", "200"),
    )
    subprocess.run(
        [
            "psql",
            _database_url(base_url, "postgres"),
            "-qc",
            f'DROP DATABASE IF EXISTS "{db_name}"',
            "-c",
            f'CREATE DATABASE "{db_name}"',
        ],
        check=True,
        capture_output=True,
    )
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.db import connection, transaction

    from claims_tracker.celery import app
    from sources.models import Excerpt, Outlet, ReparseJob, Source
    from sources.rule_services import rule_create
    from sources.selectors import fingerprint_for
    from sources.text.anchoring import locate_quote
    from sources.text.extraction import decode_bytes, extract

    rng = random.Random(42)
    articles = [_article(rng, i) for i in range(args.sources)]
    raws = [a[0].encode() for a in articles]

    # The bare extraction loop: decode + extract every raw input, no database.
    started = time.perf_counter()
    texts = [extract(decode_bytes(raw), content_type="text/plain").text for raw in raws]
    bare_seconds = time.perf_counter() - started

    outlet = Outlet.objects.create(domain="harbourbench.example", name="Harbour Bench")
    fingerprint = fingerprint_for([])
    import hashlib

    Source.objects.bulk_create(
        [
            Source(
                outlet=outlet,
                raw=raw,
                raw_charset="utf-8",
                content_type="text/plain",
                content_sha256=hashlib.sha256(raw).hexdigest(),
                text=text,
                title=f"Harbour report {i}",
                rules_fingerprint=fingerprint,
            )
            for i, (raw, text) in enumerate(zip(raws, texts, strict=True))
        ],
        batch_size=1000,
    )
    ids = list(Source.objects.order_by("pk").values_list("pk", flat=True))
    excerpts = []
    for source_id, text, (_, quotes) in zip(ids, texts, articles, strict=True):
        for quote in quotes:
            try:
                q = locate_quote(text, quote)
            except Exception:  # noqa: S112 - the quote's paragraph was cleaned away
                continue
            excerpts.append(
                Excerpt(
                    source_id=source_id,
                    exact=q.exact,
                    prefix=q.prefix,
                    suffix=q.suffix,
                    start=q.start,
                    end=q.end,
                )
            )
    Excerpt.objects.bulk_create(excerpts, batch_size=2000)

    app.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "claims_tracker",
            "worker",
            "-Q",
            "default,ingest,reparse",
            "-c",
            "1",
            "-n",
            f"bench-{os.getpid()}@localhost",
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                print("worker did not start")
                return 1
        connection.close()
        started = time.perf_counter()
        with transaction.atomic():
            change = rule_create(
                user=None,
                name="Drop desk notes",
                kind="drop_lines",
                pattern=r"^Desk note \d+:",
                outlet=outlet.domain,
            )
        job_id = change.reparse_job.pk
        while True:
            job = ReparseJob.objects.get(pk=job_id)
            if job.status in {"done", "failed"}:
                break
            time.sleep(0.1)
        reparse_seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    wrong = 0
    checked = 0
    texts_now = dict(Source.objects.values_list("pk", "text"))
    for e in Excerpt.objects.all().iterator(chunk_size=5000):
        checked += 1
        if e.anchor_state == "orphaned" or texts_now[e.source_id][e.start : e.end] != e.exact:
            wrong += 1
    n = args.sources
    bare_rate = n / bare_seconds
    reparse_rate = job.processed / reparse_seconds
    print(f"sources                         {n}")
    print(f"bare extraction loop            {bare_rate:8.1f} sources/s  ({bare_seconds:.1f}s)")
    print(
        f"re-parse, 1 worker (end to end) {reparse_rate:8.1f} sources/s  ({reparse_seconds:.1f}s)"
    )
    print(f"ratio re-parse / bare           {reparse_rate / bare_rate:8.2f}   (goal >= 0.70)")
    print(
        f"job: status={job.status} processed={job.processed} changed={job.changed} "
        f"relocated={job.relocated} orphaned={job.orphaned} failed={job.failed}"
    )
    print(
        f"excerpts relocated correctly    {checked - wrong}/{checked} "
        f"({100 * (checked - wrong) / max(checked, 1):.2f}%, goal >= 99%), orphaned or wrong: {wrong}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
