"""Two workers run the same delivery's task at the same moment, on PostgreSQL: the
receiver gets the event once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from webhooks import services
from webhooks.models import Delivery

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one writer at a time; the race needs PostgreSQL",
    ),
]


def test_two_workers_at_once_send_a_delivery_once(endpoint_for, receiver):
    endpoint = endpoint_for(["case.filed"])
    # Due, its task handed to two workers at once.
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event_id="e1",
        event_type="ping",
        body='{"type":"ping"}',
        next_attempt_at=timezone.now(),
    )
    start = threading.Barrier(4)

    def worker(_):
        start.wait()
        try:
            return services.delivery_attempt(delivery_pk=delivery.pk)
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(worker, range(4)))
    assert sum(r is not None for r in results) == 1
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
