"""Full-text search over title and text.

On PostgreSQL: a stored generated ``tsvector`` column with a GIN index (kept
up to date by the database itself). Other databases have no such column; the
selectors fall back to ``icontains`` there.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE sources_source ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'B')
    ) STORED;
CREATE INDEX source_search_vector_gin ON sources_source USING GIN (search_vector);
"""
BACKWARD = """
DROP INDEX IF EXISTS source_search_vector_gin;
ALTER TABLE sources_source DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("sources", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
