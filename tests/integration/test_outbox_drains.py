"""Two drains of the outbox at once, on PostgreSQL: each task is sent once."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from core import outbox
from core.models import OutboxTask

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one writer at a time; the race needs PostgreSQL",
    ),
]


def test_two_drains_at_once_send_each_task_once(monkeypatch):
    OutboxTask.objects.bulk_create(
        OutboxTask(task_name="core.drain_outbox", args=[n], created_at=timezone.now())
        for n in range(40)
    )
    sent, lock = [], threading.Lock()

    def slow_broker(task_name, args, kwargs):
        time.sleep(0.005)
        with lock:
            sent.append(args[0])

    monkeypatch.setattr(outbox, "publish", slow_broker)
    start = threading.Barrier(2)

    def drain(_):
        start.wait()
        try:
            return outbox.drain()
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        counts = list(pool.map(drain, range(2)))
    assert sum(counts) == 40
    assert sorted(sent) == list(range(40))
    assert not OutboxTask.objects.exists()
