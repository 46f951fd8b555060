#!/usr/bin/env python3
"""Mirror every claim/source pair of a Claims Tracker into a local SQLite file,
through the change feed (GET /api/evidence/changes/). Standard library + httpx.

    python scripts/sync_example.py --url http://127.0.0.1:8000 --token $TOKEN --db pairs.sqlite3
    python scripts/sync_example.py ... --follow      # keep going, poll every few seconds

Resumable: every page of changes is applied in one SQLite transaction together
with the feed cursor that follows it, so a Ctrl-C (or a crash) loses nothing and
repeats nothing; run it again and it carries on from the last page it applied.
A change may be delivered twice: applying it is idempotent (upsert by id).

docs/API.md, "Sync", explains the feed; this script is its reference client.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

SCHEMA = """
CREATE TABLE IF NOT EXISTS pair (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    stance TEXT NOT NULL,
    exact TEXT NOT NULL,
    anchor_state TEXT NOT NULL,
    updated_at TEXT,
    body TEXT NOT NULL              -- the pair as the API sent it (JSON)
);
CREATE TABLE IF NOT EXISTS sync_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


@dataclass
class Progress:
    pages: int = 0
    upserts: int = 0
    deletes: int = 0
    started: float = 0.0

    def line(self, total: int) -> str:
        rate = (self.upserts + self.deletes) / max(time.monotonic() - self.started, 1e-9)
        return (
            f"\rpages {self.pages} · upserts {self.upserts} · deletes {self.deletes} · "
            f"{total} pairs mirrored · {rate:.0f} changes/s"
        )


def open_mirror(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)  # transactions by hand, below
    db.executescript(SCHEMA)
    return db


def saved_cursor(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT value FROM sync_state WHERE name = 'cursor'").fetchone()
    return row[0] if row else None


def apply_page(db: sqlite3.Connection, results: list[dict], cursor: str) -> tuple[int, int]:
    """Apply one page and remember the cursor after it, atomically."""
    upserts = deletes = 0
    db.execute("BEGIN IMMEDIATE")
    try:
        for change in results:
            if change["op"] == "delete":
                db.execute("DELETE FROM pair WHERE id = ?", (change["id"],))
                deletes += 1
                continue
            pair = change["evidence"]
            db.execute(
                "INSERT INTO pair (id, claim_id, source_id, stance, exact, anchor_state, "
                "updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET claim_id = excluded.claim_id, "
                "source_id = excluded.source_id, stance = excluded.stance, "
                "exact = excluded.exact, anchor_state = excluded.anchor_state, "
                "updated_at = excluded.updated_at, body = excluded.body",
                (
                    pair["id"],
                    pair["claim"]["id"],
                    pair["source"]["id"],
                    pair["stance"],
                    pair["quote"]["exact"],
                    pair["anchor_state"],
                    pair.get("updated_at"),
                    json.dumps(pair, sort_keys=True),
                ),
            )
            upserts += 1
        db.execute(
            "INSERT INTO sync_state (name, value) VALUES ('cursor', ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (cursor,),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return upserts, deletes


def fetch_page(client: httpx.Client, cursor: str | None, limit: int) -> dict:
    """One page of the feed; retries a few times on network errors and 5xx/429."""
    params: dict[str, str | int] = {"limit": limit}
    if cursor:
        params["since"] = cursor
    for attempt in range(6):
        try:
            response = client.get("/api/evidence/changes/", params=params)
        except httpx.TransportError:
            if attempt == 5:
                raise
            time.sleep(0.5 * 2**attempt)
            continue
        if response.status_code == 429 or response.status_code >= 500:
            time.sleep(float(response.headers.get("Retry-After", 0.5 * 2**attempt)))
            continue
        response.raise_for_status()
        return response.json()
    response.raise_for_status()
    return response.json()


def sync(
    client: httpx.Client,
    db: sqlite3.Connection,
    *,
    limit: int = 500,
    on_page: Callable[[Progress], None] | None = None,
    progress: Progress | None = None,
) -> Progress:
    """Apply pages until the feed has nothing more ready (``has_more`` false)."""
    progress = progress or Progress(started=time.monotonic())
    while True:
        page = fetch_page(client, saved_cursor(db), limit)
        upserts, deletes = apply_page(db, page["results"], page["cursor"])
        progress.pages += 1
        progress.upserts += upserts
        progress.deletes += deletes
        if on_page:
            on_page(progress)
        if not page["has_more"]:
            return progress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="The server.")
    parser.add_argument("--token", required=True, help="An API token (your profile page).")
    parser.add_argument("--db", default="pairs.sqlite3", help="The SQLite mirror to keep.")
    parser.add_argument("--limit", type=int, default=500, help="Changes per request (≤ 500).")
    parser.add_argument("--follow", action="store_true", help="Keep polling for changes.")
    parser.add_argument("--interval", type=float, default=5.0, help="Seconds between polls.")
    args = parser.parse_args(argv)

    db = open_mirror(args.db)
    headers = {"Authorization": f"Token {args.token}", "Accept": "application/json"}
    progress = Progress(started=time.monotonic())

    def show(p: Progress) -> None:
        total = db.execute("SELECT count(*) FROM pair").fetchone()[0]
        print(p.line(total), end="", file=sys.stderr, flush=True)

    try:
        with httpx.Client(base_url=args.url, headers=headers, timeout=30.0) as client:
            while True:
                sync(client, db, limit=args.limit, on_page=show, progress=progress)
                if not args.follow:
                    break
                time.sleep(args.interval)
    except KeyboardInterrupt:
        print("\nInterrupted; run again to carry on from the last page applied.", file=sys.stderr)
        return 130
    except httpx.HTTPStatusError as exc:
        print(f"\n{exc.response.status_code}: {exc.response.text[:300]}", file=sys.stderr)
        return 1
    print(file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
