"""Seed the search synonyms from catalogue/data/synonyms.json (the administrator edits them afterwards)."""

import json
import unicodedata
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.json"


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("catalogue", "SearchSynonym")
    for item in json.loads(DATA_FILE.read_text(encoding="utf-8")):
        SearchSynonym.objects.get_or_create(
            phrase=unicodedata.normalize("NFC", item["phrase"]).strip(),
            defaults={"replacement": unicodedata.normalize("NFC", item["replacement"]).strip()},
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0006_forms_eform_synonyms")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
