"""The support mailbox is polled every minute and raw messages past retention are
deleted daily (both editable in the admin); agents and managers see and act on the
quarantine."""

from django.db import migrations

from accounts import roles
from accounts.roles import role_sync

POLL = "Inbound mail: poll the support mailbox (IMAP)"
PURGE = "Inbound mail: delete raw messages past retention"

PERMISSIONS = {
    roles.SUPPORT_AGENTS: ["inbound.view_inboundmessage", "inbound.change_inboundmessage"],
    roles.SUPPORT_MANAGERS: [
        "inbound.view_inboundmessage",
        "inbound.change_inboundmessage",
        "inbound.view_accessreply",
        "inbound.view_mailboxstatus",
    ],
    roles.TECHNICAL_ACCOUNT_MANAGERS: ["inbound.view_inboundmessage"],
}


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    day, _ = IntervalSchedule.objects.get_or_create(every=1, period="days")
    PeriodicTask.objects.get_or_create(
        name=POLL, defaults={"task": "inbound.poll_mailbox", "interval": minute}
    )
    PeriodicTask.objects.get_or_create(
        name=PURGE, defaults={"task": "inbound.purge_raw_messages", "interval": day}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[POLL, PURGE]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inbound", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("accounts", "0002_staff_roles"),
    ]
    operations = [
        migrations.RunPython(create, remove),
        migrations.RunPython(role_sync(PERMISSIONS), migrations.RunPython.noop),
    ]
