"""The catalogue, the schedule, and database constraints that mirror the choices."""

import pytest
from django.db import IntegrityError
from django_celery_beat.models import PeriodicTask

from deliverability.models import (
    Blocklist,
    CheckChunk,
    CheckRun,
    ListingEvent,
    ListingState,
    SendingDomain,
)


def test_the_catalogue_holds_the_major_lists_and_retires_dead_ones(db):
    active = set(Blocklist.objects.filter(retired=False).values_list("zone", flat=True))
    assert active == {
        "zen.spamhaus.org",
        "b.barracudacentral.org",
        "bl.spamcop.net",
        "dnsbl-1.uceprotect.net",
        "bl.mailspike.net",
        "psbl.surriel.com",
        "dbl.spamhaus.org",
        "multi.surbl.org",
        "multi.uribl.com",
    }
    assert Blocklist.objects.get(zone="dnsbl.sorbs.net").retired
    zen = Blocklist.objects.get(zone="zen.spamhaus.org")
    assert zen.error_codes["127.255.255.254"] == "refused"
    assert zen.major and zen.delisting_url


def test_the_scheduled_check_runs_hourly_by_default(db):
    task = PeriodicTask.objects.get(task="deliverability.scheduled_blocklist_check")
    assert (task.interval.every, task.interval.period) == (60, "minutes")
    assert task.enabled


def test_the_scheduled_task_starts_a_run_of_every_account(db, ip_a, ip_b):
    from deliverability.tasks import scheduled_check_task

    run = CheckRun.objects.get(pk=scheduled_check_task.apply().get())
    assert run.account is None and run.chunks_total == 1


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (SendingDomain, "purpose"),
        (Blocklist, "kind"),
        (CheckRun, "status"),
        (CheckRun, "trigger"),
        (CheckChunk, "status"),
        (ListingState, "state"),
        (ListingEvent, "kind"),
    ],
)
def test_each_choice_check_constraint_lists_exactly_the_choices(model, field):
    choices = {value for value, _label in model._meta.get_field(field).choices}
    constraints = [
        c for c in model._meta.constraints if getattr(c, "condition", None) and field in str(c)
    ]
    in_constraint = set()
    for c in constraints:
        for child in c.condition.children:
            if isinstance(child, tuple) and child[0] == f"{field}__in":
                in_constraint |= set(child[1])
    assert in_constraint == choices


def test_a_listing_state_belongs_to_exactly_one_asset(db):
    with pytest.raises(IntegrityError):
        ListingState.objects.create(blocklist=Blocklist.objects.first())
