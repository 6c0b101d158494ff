"""Probe results are kept for their retention, then deleted by the daily task; the
outages, and so the monthly figures, stay, and so does each probe's first result: the
figures count from it."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings

from availability.models import Outage, ProbeResult
from availability.tasks import purge_results_task

from .probe_fixtures import T0

pytestmark = pytest.mark.django_db


@override_settings(AVAILABILITY_RESULT_RETENTION_DAYS=90)
def test_results_past_retention_are_deleted_but_each_probes_first_and_outages_kept(api_probe):
    def result(days_ago: int) -> ProbeResult:
        return ProbeResult.objects.create(
            probe=api_probe, at=T0 - timedelta(days=days_ago), ok=False, server_side=True
        )

    first, old, edge, recent = result(200), result(91), result(89), result(1)
    outage = Outage.objects.create(
        component="api",
        region=api_probe.region,
        started_at=old.at,
        ended_at=old.at + timedelta(minutes=5),
    )
    with time_machine.travel(T0, tick=False):
        assert purge_results_task.apply().get() == 1
        assert purge_results_task.apply().get() == 0  # a second run finds nothing
    assert set(ProbeResult.objects.values_list("pk", flat=True)) == {first.pk, edge.pk, recent.pk}
    assert Outage.objects.filter(pk=outage.pk).exists()
