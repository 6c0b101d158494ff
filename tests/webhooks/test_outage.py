"""A broker outage delays deliveries but loses and duplicates none: the delivery row and
its task are written with the change that emitted the event, the outbox's drain hands the
task on once the broker is back, and however often the worker then runs it (a task
handed on twice, the retry sweep queueing it again) the receiver gets the event once."""

import json

import pytest

from core import outbox
from core.models import OutboxTask
from webhooks import services, tasks
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db


def test_an_event_during_a_broker_outage_is_delivered_once_after_it_returns(
    broker, endpoint_for, receiver, client_a, django_capture_on_commit_callbacks
):
    endpoint_for(["case.filed"])
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            "/cases/new/",
            {
                "subject": "Deferred at Outlook",
                "need": "information",
                "api_all_failing": "no",
                "smtp_all_failing": "no",
                "description": "Since this morning.",
            },
        )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    held = OutboxTask.objects.filter(task_name="webhooks.deliver").get()
    assert held.args == [delivery.pk] and held.attempts == 1  # the broker refused it once
    assert receiver.received == []

    broker.up()
    outbox.drain()
    assert not OutboxTask.objects.exists()
    assert broker.queued().count("webhooks.deliver") == 1
    assert outbox.drain() == 0

    # The worker runs the task; a second copy of it, and the sweep, change nothing.
    assert tasks.deliver_task.apply(args=[delivery.pk]).result is True
    assert tasks.deliver_task.apply(args=[delivery.pk]).result is False
    assert services.deliveries_send_due() == 0
    (got,) = receiver.received
    assert got.signed is True
    assert json.loads(got.body)["data"]["case"]["subject"] == "Deferred at Outlook"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)


def test_a_task_lost_before_it_ran_is_queued_again_by_the_sweep(
    endpoint_for, receiver, customer_a, django_capture_on_commit_callbacks, time_machine
):
    """A worker took the task and died before running it: the delivery is still due, so
    beat's sweep queues it again."""
    endpoint = endpoint_for(["case.filed"])
    time_machine.move_to("2026-12-01T09:00Z", tick=False)
    with django_capture_on_commit_callbacks(execute=False):
        services.endpoint_send_test(endpoint=endpoint, actor=customer_a)
    OutboxTask.objects.all().delete()  # handed to a worker that was lost with it
    assert receiver.received == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_send_due() == 1
    assert len(receiver.received) == 1
    assert Delivery.objects.get().status == "succeeded"
