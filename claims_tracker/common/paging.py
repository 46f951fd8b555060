"""Pages of a list without ``COUNT(*)``: one row more than a page is fetched
to know whether there is a next page, and the size of a whole table comes
from the planner's estimate. At a million rows a count costs more than the
page itself."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet

MAX_PAGE = 10_000  # deeper offsets are refused: filter or search instead


@dataclass
class Page:
    items: Sequence[Any]
    number: int
    has_next: bool
    estimated_total: int | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def page_of(
    qs: QuerySet, *, number: str | None, size: int, estimated_total: int | None = None
) -> Page:
    """Page ``number`` (1-based; junk means 1) of ``qs``, which must be ordered."""
    n = page_number(number)
    rows = list(qs[(n - 1) * size : n * size + 1])
    return Page(
        items=rows[:size], number=n, has_next=len(rows) > size, estimated_total=estimated_total
    )


BOUNDED_COUNT = 10_000


def _bounded_count(model: type[Model]) -> int:
    """An exact count up to ``BOUNDED_COUNT`` rows (a count that stops early)."""
    return model._default_manager.all()[:BOUNDED_COUNT].count()


def table_estimate(model: type[Model]) -> int:
    """PostgreSQL's estimate of the model's row count (kept by autovacuum and
    ANALYZE); -1 for a table never analysed yet."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else -1


def estimated_count(model: type[Model]) -> int:
    """About how many rows the model's table has: PostgreSQL's statistics;
    elsewhere, or for a table never analysed yet, a count that stops at
    ``BOUNDED_COUNT``."""
    estimate = table_estimate(model) if connection.vendor == "postgresql" else -1
    return _bounded_count(model) if estimate < 0 else estimate
