"""Two sweeps at the same moment notify once: the claim is a unique row, not a lock.

Needs concurrent transactions with their own connections, so it runs on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from accounts import roles
from cases import services
from cases.models import CaseEvent, SlaNotice
from tests.factories import ContactFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent sweeps need PostgreSQL (SQLite serialises all writers)",
    ),
]


def test_two_sweeps_at_once_send_one_breach_notification():
    StaffFactory(role=roles.SUPPORT_MANAGERS)
    customer = ContactFactory().user
    opened = timezone.now() - timedelta(hours=2)
    case = services.case_open(
        account=customer.contact.account,
        requester=customer,
        subject="All API calls fail",
        description="503 everywhere",
        category="software_bug",
        api_all_failing=True,
        api_failure_cause="server",
        now=opened,
    )
    mail.outbox.clear()
    now = timezone.now()
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        try:
            barrier.wait()
            results.append(services.sla_sweep(now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["first_response_breach"] for r in results) == 1
    assert sum(r["next_update_breach"] for r in results) == 1
    assert SlaNotice.objects.filter(case=case, stage="breach").count() == 2
    assert CaseEvent.objects.filter(case=case, kind="sla_breach").count() == 2
    breaches = [m for m in mail.outbox if "SLA breached" in m.subject]
    assert len(breaches) == 2  # one per deadline kind, not one per sweep
