from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0020_callback_attempts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(
                condition=models.Q(("kind__in", ["sla_fulfilled", "sla_breach"])),
                fields=["at"],
                name="case_event_sla_time",
            ),
        ),
    ]
