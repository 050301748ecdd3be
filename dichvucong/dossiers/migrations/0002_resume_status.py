from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="dossier", old_name="status_before_supplement", new_name="resume_status"),
    ]
