"""The two documented ways to sync (docs/API.md, "Sync"), as a client would
run them over HTTP: the change feed (through scripts/sync_example.py, the
reference client) and the ``updated_since`` + ``/deleted/`` procedure."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from dataclasses import dataclass, field

import httpx

from tests.support.services import ROOT


def load_sync_example():
    """scripts/sync_example.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location(
        "sync_example", ROOT / "scripts" / "sync_example.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def mirror_of(path) -> dict[int, dict]:
    """The pairs a sync_example.py mirror holds, as the API sent them."""
    db = sqlite3.connect(path)
    try:
        return {pk: json.loads(body) for pk, body in db.execute("SELECT id, body FROM pair")}
    finally:
        db.close()


@dataclass
class UpdatedSinceClient:
    """docs/API.md's procedure: each round reads every page of
    ``/api/evidence/?updated_since=SINCE`` and of ``/deleted/?since=SINCE``,
    applies upserts then deletions, and takes the first page's ``next_since``
    as the next SINCE."""

    http: httpx.Client
    since: str = "1970-01-01T00:00:00Z"
    mirror: dict[int, dict] = field(default_factory=dict)
    rounds: int = 0
    requests: int = 0

    def _pages(self, path: str, params: dict) -> tuple[list[dict], dict]:
        results: list[dict] = []
        first: dict = {}
        url: str | None = path
        while url:
            response = self.http.get(url, params=params if url == path else None)
            self.requests += 1
            response.raise_for_status()
            body = response.json()
            first = first or body
            results += body["results"]
            url = body["next"]
        return results, first

    def round(self) -> None:
        upserts, first = self._pages(
            "/api/evidence/", {"updated_since": self.since, "page_size": 500}
        )
        deletions, _ = self._pages(
            "/api/evidence/deleted/", {"since": self.since, "page_size": 500}
        )
        for pair in upserts:
            self.mirror[pair["id"]] = pair
        for gone in deletions:
            self.mirror.pop(gone["id"], None)
        self.since = first["next_since"]
        self.rounds += 1


def compare(mirror: dict[int, dict], server: dict[int, dict]) -> dict[str, list[int]]:
    """What a mirror gets wrong: pairs it lacks, pairs it keeps that the
    server deleted, and pairs whose fields differ."""
    return {
        "missing": sorted(set(server) - set(mirror)),
        "ghosts": sorted(set(mirror) - set(server)),
        "stale": sorted(pk for pk in set(server) & set(mirror) if server[pk] != mirror[pk]),
    }
