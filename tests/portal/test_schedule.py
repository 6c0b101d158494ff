"""Beat's entries are kept in code (portal/schedule.py): `migrate` writes the missing ones
to beat's table, where staff see them and may change their interval or switch them off."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from portal.celery import app as celery_app
from portal.schedule import beat_schedule, sync_beat_schedule

pytestmark = pytest.mark.django_db


def test_after_migrate_every_entry_is_in_beats_table():
    for entry in beat_schedule():
        task = PeriodicTask.objects.get(name=entry.name)
        assert task.task == entry.task and task.enabled
        interval = IntervalSchedule(every=entry.every, period=entry.period)
        assert task.schedule.run_every == interval.schedule.run_every


def test_every_entry_names_a_registered_task():
    celery_app.loader.import_default_modules()
    assert {e.task for e in beat_schedule()} <= set(celery_app.tasks)


def test_the_intervals_of_the_contract_and_the_settings():
    by_task = {
        t.task: t.schedule.run_every
        for t in PeriodicTask.objects.select_related("interval").exclude(interval=None)
    }
    assert by_task["cases.sla_sweep"] == timedelta(minutes=1)
    assert by_task["cases.recompute_deadlines"] == timedelta(minutes=10)
    assert by_task["deliverability.scheduled_blocklist_check"] == timedelta(minutes=60)


def test_migrate_keeps_what_staff_changed_and_puts_back_what_is_gone():
    sweep = PeriodicTask.objects.get(task="cases.sla_sweep")
    sweep.interval = IntervalSchedule.objects.create(every=5, period="minutes")
    sweep.enabled = False
    sweep.save()
    PeriodicTask.objects.filter(task="inbound.poll_mailbox").delete()

    call_command("migrate", verbosity=0)

    sweep.refresh_from_db()
    assert (sweep.interval.every, sweep.enabled) == (5, False)
    poll = PeriodicTask.objects.get(task="inbound.poll_mailbox")
    assert poll.schedule.run_every == timedelta(minutes=1)
    assert sync_beat_schedule() == []
