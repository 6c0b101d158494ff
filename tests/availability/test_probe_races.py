"""Two workers at once record one result, open one outage and alert once: the claims are
unique rows and a conditional update, not locks held across the probe.

Needs concurrent transactions with their own connections, so it runs on PostgreSQL."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from accounts import roles
from accounts.models import Region
from availability import services
from availability.models import Outage, Probe, ProbeResult
from availability.rule import Outcome
from cases.models import Incident, IncidentEvent
from tests.factories import StaffFactory

from .probe_fixtures import minute

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent workers need PostgreSQL (SQLite serialises all writers)",
    ),
]


def at_once(work, n=2):
    barrier = threading.Barrier(n)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(work())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def probe():
    region = Region.objects.create(code="eu-west", name="EU-West")
    return Probe.objects.create(
        name="API", component="api", region=region, url="https://a.example/"
    )


def test_two_workers_recording_the_same_minute_store_one_result(probe):
    failed = Outcome(ok=False, server_side=True, code=503)
    results = at_once(lambda: services.result_record(probe=probe, at=minute(0), outcome=failed))
    assert sorted(r is None for r in results) == [False, True]
    assert ProbeResult.objects.count() == 1


def test_two_evaluations_at_once_open_one_outage_and_alert_once(probe):
    StaffFactory(role=roles.SUPPORT_AGENTS)
    ProbeResult.objects.bulk_create(
        ProbeResult(probe=probe, at=minute(i), ok=False, server_side=True) for i in range(3)
    )
    mail.outbox.clear()
    found = at_once(
        lambda: services.evaluate(component="api", region_id=probe.region_id, now=minute(2)), n=3
    )
    assert sorted(found, key=str) == [None, None, "unavailable"]
    assert Outage.objects.count() == Incident.objects.count() == 1
    assert IncidentEvent.objects.count() == 1
    assert len([m for m in mail.outbox if "unavailable in" in m.subject]) == 1


def test_two_evaluations_of_the_recovery_end_it_once(probe):
    StaffFactory(role=roles.SUPPORT_AGENTS)
    ProbeResult.objects.bulk_create(
        ProbeResult(probe=probe, at=minute(i), ok=i == 3, server_side=i < 3) for i in range(4)
    )
    services.evaluate(component="api", region_id=probe.region_id, now=minute(2))
    mail.outbox.clear()
    found = at_once(
        lambda: services.evaluate(component="api", region_id=probe.region_id, now=minute(3))
    )
    assert sorted(found, key=str) == [None, "recovered"]
    assert Outage.objects.get().ended_at == minute(3)
    assert len([m for m in mail.outbox if "propose resolution" in m.subject]) == 1
