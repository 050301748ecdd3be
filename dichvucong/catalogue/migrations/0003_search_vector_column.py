"""PostgreSQL: store the weighted search vector in a generated column with its own GIN index.

The expression index of 0002 made PostgreSQL rebuild the tsvector of every candidate row for the recheck,
the count and the ranking; a stored column is read instead. SQLite keeps its FTS5 table.
"""

from django.db import migrations

from dichvucong.catalogue import search


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {search.PG_INDEX_NAME}")
    schema_editor.execute(
        f"ALTER TABLE catalogue_procedure ADD COLUMN IF NOT EXISTS {search.PG_VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({search.PG_VECTOR_SQL}) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {search.PG_VECTOR_INDEX_NAME} ON catalogue_procedure "
        f"USING gin ({search.PG_VECTOR_COLUMN})"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {search.PG_VECTOR_INDEX_NAME}")
    schema_editor.execute(f"ALTER TABLE catalogue_procedure DROP COLUMN IF EXISTS {search.PG_VECTOR_COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_search_index_and_levels")]

    operations = [migrations.RunPython(forwards, backwards)]
