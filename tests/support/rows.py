"""Row counts of every table: a refused write changes none of them."""

from __future__ import annotations

from django.apps import apps
from django.db import connection


def row_counts() -> dict[str, int]:
    """``{table: rows}`` for every model's table (history tables included)."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
    )
    existing = set(connection.introspection.table_names())
    tables = [t for t in tables if t in existing]
    quote = connection.ops.quote_name
    # Table names come from the models, not from input.
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {quote(t)}" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after.get(t)) for t in before if before[t] != after.get(t)}
