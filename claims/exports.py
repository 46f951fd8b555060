"""Streaming exports of evidence (CSV, NDJSON), in constant memory: rows come
from a server-side cursor in chunks and are written as they arrive."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.db.models import QuerySet

from .evidence_rows import EVIDENCE_ROW
from .models import Evidence

# The exported columns, in output order (names and lookups: ``EVIDENCE_ROW``).
COLUMNS = [
    "id",
    "claim_id",
    "claim_text",
    "claim_verdict",
    "source_id",
    "source_url",
    "source_title",
    "outlet_domain",
    "published_at",
    "stance",
    "selected",
    "exact",
    "prefix",
    "suffix",
    "start",
    "end",
    "anchor_state",
    "attributed_to",
    "note",
    "created_by",
    "created_at",
    "updated_at",
]
CHUNK = 2000
#: A cell beginning with one of these is run as a formula by spreadsheet
#: programs (OWASP "CSV injection"): such cells get a leading apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text, never runs: strings that
    begin with a formula trigger are prefixed with ``'``. Numbers and dates
    are left alone (a negative number is not text)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _rows(qs: QuerySet[Evidence]) -> Iterator[list]:
    for row in (
        qs.order_by("id")
        .values_list(*(EVIDENCE_ROW[c] for c in COLUMNS))
        .iterator(chunk_size=CHUNK)
    ):
        yield [value.isoformat() if hasattr(value, "isoformat") else value for value in row]


class _Line:
    """A file-like sink for csv.writer that hands back what was written."""

    def write(self, value: str) -> str:
        return value


def csv_stream(qs: QuerySet[Evidence]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for row in _rows(qs):
        yield writer.writerow(["" if v is None else neutralise_cell(v) for v in row])


def ndjson_stream(qs: QuerySet[Evidence]) -> Iterator[str]:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for row in _rows(qs):
        yield dumps(dict(zip(COLUMNS, row, strict=True))) + "\n"
