"""What Celery beat runs, for every app: the one table of periodic tasks.

Beat reads its entries from django-celery-beat's tables (Periodic tasks in the admin).
After every `migrate` (post_migrate) each entry below that is missing there is created
with the interval given here; an entry that exists keeps the interval and the on/off
switch staff gave it in the admin, and is pointed at the task named here. Tasks are
named by their Celery name, never imported: portal wires the apps, it runs none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone


@dataclass(frozen=True)
class Entry:
    name: str  # shown in the admin, and what identifies the entry
    task: str
    every: int
    period: str  # an IntervalSchedule period: "seconds", "minutes", "hours", "days"


def beat_schedule() -> list[Entry]:
    return [
        Entry("Outbox: send the tasks a broker outage left", "core.drain_outbox", 60, "seconds"),
        Entry("Celery beat: heartbeat (watched by /health/)", "core.beat_heartbeat", 1, "minutes"),
        Entry("Outbox: forget work done over 30 days ago", "core.purge_done_once", 1, "days"),
        Entry(
            "Support cases: SLA sweep (warnings, breaches, outbox)", "cases.sla_sweep", 1, "minutes"
        ),
        Entry(
            "Support cases: recompute first-response deadlines",
            "cases.recompute_deadlines",
            10,
            "minutes",
        ),
        Entry(
            "Inbound mail: poll the support mailbox (IMAP)", "inbound.poll_mailbox", 1, "minutes"
        ),
        Entry(
            "Inbound mail: delete raw messages past retention",
            "inbound.purge_raw_messages",
            1,
            "days",
        ),
        Entry(
            "Blocklist monitoring: check every sending IP and domain",
            "deliverability.scheduled_blocklist_check",
            max(1, settings.BLOCKLIST_CHECK_INTERVAL_MINUTES),
            "minutes",
        ),
        Entry(
            "Availability: run every enabled probe (REST API, SMTP injection)",
            "availability.run_probes",
            1,
            "minutes",
        ),
        Entry(
            "Availability: delete probe results past retention",
            "availability.purge_results",
            1,
            "days",
        ),
        Entry("Webhooks: send the retries that are due", "webhooks.send_due", 1, "minutes"),
        Entry(
            "Webhooks: delete finished deliveries past retention",
            "webhooks.purge_deliveries",
            1,
            "days",
        ),
        Entry(
            "TAM programme: remind TAMs of next steps that come due",
            "deliverability.next_step_reminders",
            1,
            "hours",
        ),
        Entry(
            "REST API: forget expired idempotency keys", "api.purge_idempotency_keys", 1, "hours"
        ),
    ]


def sync_beat_schedule(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Create the entries of the table that are missing; returns their names."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    created = []
    for entry in beat_schedule():
        task = PeriodicTask.objects.using(using).filter(name=entry.name).first()
        if task is None:
            interval, _ = IntervalSchedule.objects.using(using).get_or_create(
                every=entry.every, period=entry.period
            )
            PeriodicTask.objects.using(using).create(
                name=entry.name, task=entry.task, interval=interval
            )
            created.append(entry.name)
        elif task.task != entry.task:
            task.task = entry.task
            task.save(update_fields=["task"])
    if created:
        # Beat notices a changed table by this row's time.
        PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
        PeriodicTasks.objects.using(using).update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )
    return created


def sync_after_migrate(sender, app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate receiver: once per `migrate`, after the last app's signal."""
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if not with_models or app_config.label != with_models[-1].label:
        return
    try:
        apps.get_model("django_celery_beat", "PeriodicTask")
    except LookupError:  # django-celery-beat is not migrated (yet) in this state
        return
    sync_beat_schedule(apps=apps, using=using)
