"""Accent-free public search (``Feedback.public_folded``, filled here for the answers already published, with
a trigram index on PostgreSQL for the ``LIKE '%word%'`` it runs) and the resolve deadline a draft sent back
for revision resumes (``Feedback.resolve_due_at``)."""

from django.db import migrations, models

from dichvucong.feedback.text import public_search_text

PG_INDEX = "feedback_public_folded_trgm"


def fill_public_folded(apps, schema_editor):
    Feedback = apps.get_model("feedback", "Feedback")
    rows = Feedback.objects.filter(status="published").select_related("procedure").order_by("pk")
    batch = []
    for feedback in rows.iterator(chunk_size=500):
        feedback.public_folded = public_search_text(
            code=feedback.code,
            procedure_code=feedback.procedure.code if feedback.procedure_id else "",
            title=feedback.public_title,
            content=feedback.public_content,
        )
        batch.append(feedback)
        if len(batch) == 500:
            Feedback.objects.bulk_update(batch, ["public_folded"])
            batch = []
    Feedback.objects.bulk_update(batch, ["public_folded"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON feedback_feedback "
            "USING gin (public_folded gin_trgm_ops) WHERE status = 'published'"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_publication_alerts_votes"),
        ("catalogue", "0002_search_index_and_levels"),  # pg_trgm
    ]

    operations = [
        migrations.AddField(model_name="feedback", name="public_folded", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="feedback", name="resolve_due_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.RunPython(fill_public_folded, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
