from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_message_kind_delayed_combined"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="sealed",
            field=models.TextField(blank=True, default="", editable=False),
        ),
    ]
