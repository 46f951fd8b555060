"""Every page at newsroom scale: 100,000 and 1,000,000 evidence rows.

    DATABASE_URL=postgres://... python -m bench.scale [--sizes 100000,1000000]
        [--requests 120] [--refill]

For each size, a database of its own next to ``DATABASE_URL``'s
(``<name>_bench_scale_100k``, ``<name>_bench_scale_1m``) is migrated and
filled with ``COPY``: the evidence rows over sources, claims and outlets in the
proportions of a year of a newsroom (1,000,000 evidence rows, 200,000 sources,
20,000 claims, 50 outlets; a tenth of the sources and claims at 100,000), one
claim carrying 5,000 evidence rows. A filled database is reused by the next
run (``--refill`` fills it again). Then gunicorn serves it on 127.0.0.1 and 8
clients (httpx, threads) request each page, signed in as an editor (session
cookie for pages, token for the API): p50/p99 per page, and the ratio of the
1,000,000-row p50 to the 100,000-row one.

Goals: every page p50 <= 150 ms and p99 <= 400 ms, API lists p50 <= 80 ms,
search p50 <= 100 ms, no page more than 1.5x slower at 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.api import CLIENTS, _free_port, _latencies, _pct, _start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
OUTLETS = 50
BIG_CLAIM_ROWS = 5_000
EXCERPTS_PER_SOURCE = 5

WORDS = [
    *[
        "council",
        "budget",
        "ferry",
        "harbour",
        "minister",
        "hospital",
        "school",
        "bridge",
        "police",
        "court",
        "judge",
        "vote",
    ],
    *[
        "mayor",
        "agency",
        "funding",
        "contract",
        "river",
        "election",
        "tax",
        "fares",
        "timetable",
        "strike",
        "port",
        "grain",
    ],
    *[
        "library",
        "museum",
        "railway",
        "tunnel",
        "airport",
        "housing",
        "rent",
        "wages",
        "pension",
        "energy",
        "water",
        "flood",
    ],
    *[
        "storm",
        "drought",
        "farm",
        "fishery",
        "quota",
        "tariff",
        "export",
        "import",
        "factory",
        "mine",
        "forest",
        "park",
    ],
]
SPEAKERS = [f"{first} {last}" for first in ("Ana", "Ben", "Chen", "Dara", "Eli", "Femi") for last in ("Moreau", "Okafor", "Lindqvist", "Greer", "Tanaka")]  # fmt: skip
# Place names, one per sentence: each is in about 0.3% of the sources, as a
# searched-for name is (a word of ``WORDS`` is in most of them).
PLACES = [
    a + b + c
    for a in ("Kel", "Mar", "Tor", "Vin", "Ash", "Bel", "Cor", "Dun", "Elm", "Fen")
    for b in ("so", "by", "ton", "wi", "fo", "me", "ga", "ho", "le", "stu")
    for c in ("rk", "ne", "th", "ll", "dge", "mp", "ssa", "ro", "vik", "nd",
              "lt", "rn", "sk", "ft", "ck", "wn", "x", "z", "ly", "ry")
]  # fmt: skip
SEARCH_WORD = PLACES[777]
FILL_VERSION = 2  # bump when the generated rows change


def _label(rows: int) -> str:
    return f"{rows // 1_000_000}m" if rows % 1_000_000 == 0 else f"{rows // 1000}k"


def _database_url(base: str, name: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


# --- filling (runs in a child process set up on the size's database) ---------------


def _sentence(rng: random.Random, i: int, k: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14)))
    return (
        f"The {rng.choice(WORDS)} report {i}.{k} from {rng.choice(PLACES)} says {words} this week."
    )


def _columns(cursor, table: str) -> list[tuple[str, str, bool]]:
    """(name, type, needs a value) for the columns COPY may write."""
    cursor.execute(
        """SELECT column_name, data_type, is_nullable = 'NO' AND column_default IS NULL
               AND is_identity = 'NO'
           FROM information_schema.columns
           WHERE table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position""",
        [table],
    )
    return cursor.fetchall()


def _filler(data_type: str, now: dt.datetime):
    """A neutral value for a required column this benchmark does not know (a
    column someone added later): the fill keeps working as the schema grows."""
    if "timestamp" in data_type:
        return now
    if data_type in ("integer", "bigint", "smallint", "double precision", "real", "numeric"):
        return 0
    if data_type == "boolean":
        return False
    if data_type == "jsonb":
        return "{}"
    if data_type == "bytea":
        return b""
    return ""


def _copy(cursor, table: str, given: list[str], rows) -> None:
    now = dt.datetime.now(dt.UTC)
    extra = [
        (name, _filler(kind, now))
        for name, kind, required in _columns(cursor, table)
        if required and name not in given
    ]
    names = given + [name for name, _ in extra]
    tail = tuple(value for _, value in extra)
    quoted = ", ".join(f'"{n}"' for n in names)
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row + tail)


def _fill(rows: int) -> None:
    from django.db import connection

    from sources.selectors import fingerprint_for

    n_sources = rows // EXCERPTS_PER_SOURCE
    n_claims = rows // 50
    rng = random.Random(15)
    now = dt.datetime.now(dt.UTC)
    fingerprint = fingerprint_for([])
    started = time.perf_counter()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own, for COPY
        cursor.execute(
            "TRUNCATE claims_evidence, sources_excerpt, claims_claim_tags, claims_claim, "
            "sources_source, sources_outlet RESTART IDENTITY CASCADE"
        )
        _copy(
            cursor,
            "sources_outlet",
            ["id", "name", "domain", "created_at"],
            ((o, f"Outlet {o}", f"outlet{o}.example", now) for o in range(1, OUTLETS + 1)),
        )
        source_columns = [
            "id", "outlet_id", "url", "raw", "raw_charset", "content_type", "content_sha256",
            "title", "authors", "published_at", "language", "text", "overrides", "status",
            "parse_error", "rules_fingerprint", "ingested_at", "updated_at",
        ]  # fmt: skip
        excerpt_columns = [
            "id", "source_id", "exact", "prefix", "suffix", "start", "end", "anchor_state",
            "anchor_score", "created_at", "updated_at",
        ]  # fmt: skip
        chunk = 5000
        for first in range(1, n_sources + 1, chunk):
            sources, excerpts = [], []
            for i in range(first, min(first + chunk, n_sources + 1)):
                sentences = [_sentence(rng, i, k) for k in range(EXCERPTS_PER_SOURCE + 1)]
                text = "\n\n".join(sentences)
                raw = text.encode()
                outlet = 1 + i % OUTLETS
                when = now - dt.timedelta(minutes=(n_sources - i) * 3)
                sources.append(
                    (
                        i, outlet, f"https://outlet{outlet}.example/news/{i}", raw, "utf-8",
                        "text/plain", hashlib.sha256(raw).hexdigest(),
                        f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} report {i}",
                        '["Staff Writer"]', when, "en", text, "{}", "parsed", "", fingerprint,
                        when, when,
                    )
                )  # fmt: skip
                offset = 0
                for k, sentence in enumerate(sentences[:EXCERPTS_PER_SOURCE]):
                    start, end = offset, offset + len(sentence)
                    excerpts.append(
                        (
                            (i - 1) * EXCERPTS_PER_SOURCE + k + 1, i, sentence,
                            text[max(0, start - 32) : start], text[end : end + 32], start, end,
                            "anchored", 1.0, when, when,
                        )
                    )  # fmt: skip
                    offset = end + 2
            _copy(cursor, "sources_source", source_columns, sources)
            _copy(cursor, "sources_excerpt", excerpt_columns, excerpts)
        print(f"  {n_sources:,} sources in {time.perf_counter() - started:.0f}s", flush=True)

        _copy(
            cursor,
            "claims_claim",
            ["id", "text", "verdict", "verdict_rationale", "version", "created_at", "updated_at"],
            (
                (
                    c,
                    f"Claim {c}: the {rng.choice(WORDS)} {rng.choice(WORDS)} will "
                    f"{rng.choice(('rise', 'fall', 'close', 'open', 'stall'))} "
                    f"({rng.choice(WORDS)})",
                    "unreviewed",
                    "",
                    1,
                    now - dt.timedelta(minutes=n_claims - c),
                    now - dt.timedelta(minutes=n_claims - c),
                )
                for c in range(1, n_claims + 1)
            ),
        )
        stances = ("asserts", "disputes", "mentions")
        print(f"  {rows:,} excerpts in {time.perf_counter() - started:.0f}s", flush=True)

        def evidence():
            for index in range(rows):
                claim = 1 if index < BIG_CLAIM_ROWS else 2 + index % (n_claims - 1)
                when = now - dt.timedelta(seconds=rows - index)
                yield (
                    index + 1,
                    claim,
                    index + 1,
                    stances[rng.randrange(3)],
                    SPEAKERS[rng.randrange(len(SPEAKERS))],
                    "",
                    when,
                    when,
                )

        _copy(
            cursor,
            "claims_evidence",
            ["id", "claim_id", "excerpt_id", "stance", "attributed_to", "note", "created_at", "updated_at"],
            evidence(),
        )  # fmt: skip
        for table in ("sources_outlet", "sources_source", "claims_claim", "sources_excerpt", "claims_evidence"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - our table names
            )
        cursor.execute("UPDATE claims_claim SET evidence_changed_at = updated_at")
    from claims.figures import claims_figures_refresh_all

    claims_figures_refresh_all()  # COPY skips the services that keep them
    print(f"  claims' figures counted in {time.perf_counter() - started:.0f}s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  filled {rows:,} evidence rows in {time.perf_counter() - started:.0f}s", flush=True)


def _prepare(rows: int, refill: bool) -> dict:
    """Fill (unless already filled) and hand back what the clients need."""
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from claims.models import Evidence
    from claims_tracker.common.tokens import api_token_create

    with connection.cursor() as cursor:
        # What filled this database: rows are reused only when they are ours.
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale_fill (version int, rows bigint)")
        cursor.execute("SELECT version, rows FROM bench_scale_fill")
        filled = cursor.fetchone()
    have = Evidence.objects.count()
    if refill or have != rows or filled != (FILL_VERSION, rows):
        print(f"  filling (found {have:,} evidence rows, want {rows:,})", flush=True)
        _fill(rows)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bench_scale_fill")
            cursor.execute("INSERT INTO bench_scale_fill VALUES (%s, %s)", [FILL_VERSION, rows])
    else:
        print(f"  reusing {have:,} evidence rows", flush=True)
    user, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": False})
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    _, key = api_token_create(user=user, name=f"bench scale {time.time():.0f}")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    reader = (
        Evidence.objects.filter(claim_id__gt=1).values_list("excerpt__source_id", flat=True).first()
    )
    return {"token": key, "session": session.session_key, "reader": reader, "big_claim": 1}


# --- measuring -----------------------------------------------------------------------


PAGES = [
    ("/", "page", "/"),
    ("/sources/", "page", "/sources/"),
    ("/sources/?q=", "search", f"/sources/?q={SEARCH_WORD}"),
    ("reader /sources/<id>/", "page", "/sources/{reader}/"),
    ("/claims/", "page", "/claims/"),
    ("claim page (5,000 rows)", "page", "/claims/{big_claim}/"),
    ("/review/", "page", "/review/"),
    ("/api/evidence/?page_size=100", "api", "/api/evidence/?page_size=100"),
    ("/api/evidence/changes/", "api", "/api/evidence/changes/?limit=100"),
    ("/api/claims/?q=", "search", "/api/claims/?q=ferry"),
]
GOALS = {"page": (150, 400), "search": (100, 400), "api": (80, 400)}


def _measure(env: dict[str, str], info: dict, requests: int) -> dict[str, tuple[float, float]]:
    import httpx

    port = _free_port()
    server = _start_gunicorn(env, port)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, tuple[float, float]] = {}
    try:
        for name, kind, path in PAGES:
            url = base + path.format(**info)
            headers = (
                {"Authorization": f"Token {info['token']}"}
                if kind == "api" or path.startswith("/api/")
                else {"Cookie": f"sessionid={info['session']}"}
            )
            probe = httpx.get(url, headers=headers, timeout=120)
            if probe.status_code == 404 and "changes" in path:
                continue  # the change feed is not there (yet)
            probe.raise_for_status()
            times = _latencies(url, headers, requests)
            results[name] = (_pct(times, 0.5) * 1000, _pct(times, 0.99) * 1000)
            print(
                f"  {name:32} p50 {results[name][0]:7.1f} ms  p99 {results[name][1]:7.1f} ms",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SCALE_SIZES", "100000,1000000"))
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("BENCH_SCALE_REQUESTS", 120))
    )
    parser.add_argument("--refill", action="store_true")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args(argv)

    if args.prepare:
        print("PREPARED " + json.dumps(_prepare(args.prepare, args.refill)), flush=True)
        return 0

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        print("bench.scale: skipped (needs DATABASE_URL pointing at PostgreSQL)")
        return 0
    import psycopg

    from bench.api import _env

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    admin = _database_url(base_url, "postgres")
    figures: dict[int, dict[str, tuple[float, float]]] = {}
    for rows in sizes:
        name = f"{urlsplit(base_url).path.strip('/')}_bench_scale_{_label(rows)}"
        print(f"\n{rows:,} evidence rows ({name})", flush=True)
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        env = _env(_database_url(base_url, name))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        command = [sys.executable, "-m", "bench.scale", "--prepare", str(rows)]
        if args.refill:
            command.append("--refill")
        out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        print(
            "\n".join(line for line in out.stdout.splitlines() if not line.startswith("PREPARED "))
        )
        info = json.loads(
            next(line for line in out.stdout.splitlines() if line.startswith("PREPARED "))[9:]
        )
        figures[rows] = _measure(env, info, args.requests)

    print(f"\nPer page, {CLIENTS} clients, {args.requests} requests each, gunicorn 2 workers")
    header = "".join(f"{_label(r) + ' p50':>10}{_label(r) + ' p99':>10}" for r in sizes)
    print(f"{'page':32}{header}{'ratio':>8}  goal p50/p99")
    for name, kind, _ in PAGES:
        if not all(name in figures[r] for r in sizes):
            continue
        cells = "".join(f"{figures[r][name][0]:10.1f}{figures[r][name][1]:10.1f}" for r in sizes)
        ratio = figures[sizes[-1]][name][0] / figures[sizes[0]][name][0] if len(sizes) > 1 else 1.0
        goal = GOALS[kind]
        print(f"{name:32}{cells}{ratio:7.2f}x  {goal[0]}/{goal[1]} ms")
    print("ratio: p50 at the largest size / p50 at the smallest (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
