"""Re-parse throughput: the same synthetic sources re-parsed after a rule
change by real Celery worker processes, one and then two, against the bare
extraction loop (the same raw inputs, the same rules, no database) in the same
run; plus how many excerpts were relocated correctly.

The sources are made twice, under two outlets (identical raw inputs, texts
and excerpts): the rule change of the first outlet is re-parsed by a worker
with one process, that of the second by a worker with two (``-c 2``), so both
runs do the same work. The workers consume only the ``reparse`` queue. Copy
detection, which each committed chunk enqueues on the ``ingest`` queue
(``sources.copies_update``), is not part of the re-parse: its tasks are
discarded, and it is timed on its own, in this process, over a sample of the
re-parsed sources.

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); uses its own database
``<name>_bench_reparse`` and Redis db 14 of ``REDIS_URL``'s server (or
``BENCH_REDIS_URL``), whose queues it purges.

    python -m bench.reparse [--sources 10000] [--copies-sample 400]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
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


def _start_worker(env: dict[str, str], processes: int) -> tuple[subprocess.Popen, str]:
    name = f"bench-{os.getpid()}-c{processes}@localhost"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "claims_tracker",
            "worker",
            "-Q",
            "reparse",  # copy detection (queue "ingest") is timed apart
            "-c",
            str(processes),
            "-n",
            name,
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
    return worker, name


def _purge(app) -> int:
    """Empty the app's queues (``app.control.purge`` knows only the queues this
    process has sent to; the workers send copy detection to ``ingest``)."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        return sum(channel.queue_purge(q) or 0 for q in ("default", "ingest", "reparse"))


def _cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by the worker's pool processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    total = 0.0
    for pid in children.read_text().split() if children.exists() else []:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, 9)
        worker.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reparse")
    parser.add_argument(
        "--sources", type=int, default=int(os.environ.get("BENCH_REPARSE_SOURCES", "10000"))
    )
    parser.add_argument(
        "--copies-sample",
        type=int,
        default=int(os.environ.get("BENCH_REPARSE_COPIES_SAMPLE", "400")),
        help="re-parsed sources whose copy detection is timed (0: none)",
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
    from sources.copies import sources_copies_update
    from sources.models import Excerpt, Outlet, ReparseJob, Source
    from sources.rule_services import rule_create
    from sources.selectors import fingerprint_for, rule_specs
    from sources.text.anchoring import locate_quote
    from sources.text.extraction import decode_bytes, extract

    rng = random.Random(42)
    articles = [_article(rng, i) for i in range(args.sources)]
    raws = [a[0].encode() for a in articles]
    texts = [extract(decode_bytes(raw), content_type="text/plain").text for raw in raws]

    fingerprint = fingerprint_for([])
    outlets = []
    for label in ("one", "two"):
        outlet = Outlet.objects.create(
            domain=f"harbour-{label}.example", name=f"Harbour Bench ({label})"
        )
        outlets.append(outlet)
        Source.objects.bulk_create(
            [
                Source(
                    outlet=outlet,
                    raw=raw,
                    raw_charset="utf-8",
                    content_type="text/plain",
                    content_sha256=hashlib.sha256(raw + label.encode()).hexdigest(),
                    text=text,
                    title=f"Harbour report {i}",
                    rules_fingerprint=fingerprint,
                )
                for i, (raw, text) in enumerate(zip(raws, texts, strict=True))
            ],
            batch_size=1000,
        )
        ids = list(Source.objects.filter(outlet=outlet).order_by("pk").values_list("pk", flat=True))
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    rule = {"name": "Drop desk notes", "kind": "drop_lines", "pattern": r"^Desk note \d+:"}

    # The bare extraction loop: decode + extract every raw input under the
    # rule the re-parse applies, no database, in this one process.
    specs = rule_specs([SimpleNamespace(replacement="", field="", **rule)])
    started, cpu_started = time.perf_counter(), time.process_time()
    for raw in raws:
        extract(decode_bytes(raw), content_type="text/plain", rules=specs)
    bare_seconds = time.perf_counter() - started
    bare_cores = (time.process_time() - cpu_started) / bare_seconds or float("nan")

    runs = []
    for processes, outlet in zip((1, 2), outlets, strict=True):
        _purge(app)
        worker, name = _start_worker(env, processes)
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[name], timeout=0.5):
                if time.monotonic() > deadline:
                    print("worker did not start")
                    return 1
            connection.close()
            cpu_before = _cpu_seconds(worker.pid)
            started = time.perf_counter()
            with transaction.atomic():
                change = rule_create(user=None, outlet=outlet.domain, **rule)
            job_id = change.reparse_job.pk
            while True:
                job = ReparseJob.objects.get(pk=job_id)
                if job.status in {"done", "failed"}:
                    break
                time.sleep(0.1)
            seconds = time.perf_counter() - started
            cores = (_cpu_seconds(worker.pid) - cpu_before) / seconds
            stats = app.control.inspect(destination=[name], timeout=5).stats() or {}
            writes = stats.get(name, {}).get("pool", {}).get("writes", {})
            split = writes.get("raw") or "?"
        finally:
            _stop(worker)
        in_workers = (job.finished_at - job.started_at).total_seconds()
        runs.append((processes, job, seconds, in_workers, split, cores))
    _purge(app)  # the copies tasks the chunks enqueued: timed below instead

    copies_line = "copy detection                  not timed (--copies-sample 0)"
    if args.copies_sample:
        sample = list(
            Source.objects.filter(outlet=outlets[0])
            .order_by("pk")
            .values_list("pk", flat=True)[: args.copies_sample]
        )
        started = time.perf_counter()
        sources_copies_update(source_ids=sample)
        copies_seconds = time.perf_counter() - started
        copies_line = (
            f"copy detection (own task)       {len(sample) / copies_seconds:8.1f} sources/s  "
            f"({len(sample)} of the re-parsed sources, in this process; not in the figures above)"
        )

    wrong = 0
    checked = 0
    texts_now = dict(Source.objects.values_list("pk", "text"))
    for e in Excerpt.objects.all().iterator(chunk_size=5000):
        checked += 1
        if e.anchor_state == "orphaned" or texts_now[e.source_id][e.start : e.end] != e.exact:
            wrong += 1
    n = args.sources
    bare_rate = n / bare_seconds
    print(f"sources                         {n} per run (chunks of {env['REPARSE_CHUNK_SIZE']})")
    print(
        f"bare extraction loop            {bare_rate:8.1f} sources/s  ({bare_seconds:.1f}s; "
        f"it used {bare_cores:.2f} cores)"
    )
    one_rate = one_per_cpu = one_cores = None
    for processes, job, seconds, in_workers, split, cores in runs:
        rate = job.processed / seconds
        label = "re-parse, 1 worker process" if processes == 1 else "re-parse, 2 worker processes"
        print(
            f"{label:31} {rate:8.1f} sources/s  ({seconds:.1f}s; "
            f"{job.processed / in_workers:.1f}/s from planned to done; "
            f"tasks per process: {split}; the processes used {cores:.2f} cores)"
        )
        per_cpu = rate / cores if cores else float("nan")
        if processes == 1:
            one_rate, one_per_cpu, one_cores = rate, per_cpu, cores
            print(f"ratio 1 process / bare          {rate / bare_rate:8.2f}   (goal >= 0.85)")
            print(
                f"  per CPU-second: {per_cpu:.1f} sources against the bare loop's "
                f"{bare_rate / bare_cores:.1f} (ratio {per_cpu * bare_cores / bare_rate:.2f}; "
                "the database's CPU is not counted)"
            )
        else:
            print(f"ratio 2 processes / 1 process   {rate / one_rate:8.2f}   (goal >= 1.7)")
            print(
                f"  per CPU-second: {per_cpu:.1f} sources, {per_cpu / one_per_cpu:.2f}x one "
                f"process's; the processes got {cores / one_cores:.2f}x the CPU one got"
                if one_cores
                else ""
            )
        print(
            f"  job: status={job.status} processed={job.processed} changed={job.changed} "
            f"relocated={job.relocated} orphaned={job.orphaned} failed={job.failed}"
        )
    print(copies_line)
    print(
        f"excerpts relocated correctly    {checked - wrong}/{checked} "
        f"({100 * (checked - wrong) / max(checked, 1):.2f}%, goal >= 99%), orphaned or wrong: {wrong}"
    )
    print(f"(cores: {os.cpu_count()}; load average at the end: {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
