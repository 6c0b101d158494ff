from django.db import migrations, models


def _earlier_first_check_listings_were_not_to_be_told(apps, schema_editor):
    # Listings found at a first check used to be mailed to no one. Marked reported, so the
    # resume sweep does not mail every old one now that they are.
    ListingEvent = apps.get_model("deliverability", "ListingEvent")
    ListingEvent.objects.filter(baseline=True, notified_at__isnull=True).update(
        notified_at=models.F("at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("deliverability", "0009_text_length_limits"),
    ]

    operations = [
        migrations.CreateModel(
            name="CheckFailureStreak",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "failing_since",
                    models.DateTimeField(blank=True, null=True, verbose_name="failing since"),
                ),
                (
                    "failed_runs",
                    models.PositiveIntegerField(default=0, verbose_name="failed runs"),
                ),
                (
                    "alerted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="staff alerted at"),
                ),
                (
                    "last_success_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="last run that could run"
                    ),
                ),
            ],
            options={
                "verbose_name": "check failure streak",
                "verbose_name_plural": "check failure streaks",
            },
        ),
        migrations.AddField(
            model_name="checkrun",
            name="resolver_failed",
            field=models.BooleanField(default=False, verbose_name="resolver failed"),
        ),
        migrations.RunPython(
            _earlier_first_check_listings_were_not_to_be_told, migrations.RunPython.noop
        ),
        migrations.RemoveIndex(
            model_name="listingevent",
            name="listingevent_unreported",
        ),
        migrations.AddIndex(
            model_name="listingevent",
            index=models.Index(
                condition=models.Q(("notified_at__isnull", True)),
                fields=["run", "account"],
                name="listingevent_unreported",
            ),
        ),
    ]
