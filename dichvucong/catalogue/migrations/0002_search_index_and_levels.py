"""Search index per database vendor (FTS5 on SQLite, GIN tsvector + trigram on PostgreSQL) and level rows."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations

from dichvucong.catalogue import search


def create_search_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for statement in search.SQLITE_CREATE:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        Procedure = apps.get_model("catalogue", "Procedure")
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.add_index(Procedure, GinIndex(search.pg_search_vector(), name=search.PG_INDEX_NAME))
        schema_editor.add_index(
            Procedure,
            GinIndex(OpClass("name_folded", name="gin_trgm_ops"), name=search.PG_TRGM_INDEX_NAME),
        )


def drop_search_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for statement in search.SQLITE_DROP:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {search.PG_INDEX_NAME}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {search.PG_TRGM_INDEX_NAME}")


def create_levels(apps, schema_editor):
    ImplementationLevel = apps.get_model("catalogue", "ImplementationLevel")
    for code, name in (("bo", "Cấp bộ"), ("tinh", "Cấp tỉnh"), ("xa", "Cấp xã")):
        ImplementationLevel.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(create_levels, migrations.RunPython.noop),
    ]
