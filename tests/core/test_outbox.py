"""The transactional outbox: a task is written with the change that needs it, sent once
after the commit, and a task left behind by a crash or an outage is sent by the drain."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction

from core import outbox
from core.models import OutboxTask
from core.tasks import drain_outbox_task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TASK = "accounts.tasks.deliver_alert"


@pytest.fixture
def sent(monkeypatch):
    """What the outbox hands on, in order, instead of running it."""
    handed_on = []
    monkeypatch.setattr(
        outbox, "publish", lambda name, args, kwargs: handed_on.append((name, args, kwargs))
    )
    return handed_on


def test_a_task_is_sent_after_the_commit_and_its_row_deleted(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue(TASK, {"title": "down"}, "email")
            assert OutboxTask.objects.get().task_name == TASK
            assert sent == []
    assert sent == [(TASK, [{"title": "down"}, "email"], {})]
    assert not OutboxTask.objects.exists()


def test_a_rolled_back_change_queues_nothing(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue(TASK, {"title": "down"}, "email")
            raise RuntimeError("the change failed")
    assert sent == []
    assert not OutboxTask.objects.exists()


def test_a_crash_between_the_commit_and_the_send_leaves_the_row_and_the_drain_sends_it_once(
    sent, django_capture_on_commit_callbacks
):
    # The process dies after the commit: its on-commit send never runs.
    with django_capture_on_commit_callbacks(execute=False):
        outbox.enqueue(TASK, {"title": "down"}, "email")
        outbox.enqueue("cases.recompute_deadlines", severity="critical")
    assert OutboxTask.objects.count() == 2
    assert outbox.drain() == 2
    assert sent == [
        (TASK, [{"title": "down"}, "email"], {}),
        ("cases.recompute_deadlines", [], {"severity": "critical"}),
    ]
    assert not OutboxTask.objects.exists()
    assert outbox.drain() == 0
    assert len(sent) == 2


def test_a_task_whose_row_was_already_sent_is_not_sent_twice(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox.enqueue(TASK, {"title": "down"}, "email")
    (fast_path,) = callbacks
    # The drain got there first; the on-commit send that runs late finds nothing.
    assert outbox.drain() == 1
    fast_path()
    assert len(sent) == 1
    # And the other way round: a second run of the fast path, or a drain, sends nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox.enqueue(TASK, {"title": "up"}, "email")
    (fast_path,) = callbacks
    assert fast_path() is True
    assert fast_path() is False
    assert outbox.drain() == 0
    assert [args[0]["title"] for _, args, _ in sent] == ["down", "up"]


def test_while_the_broker_is_down_rows_wait_with_the_error_and_are_sent_in_order_after(
    broker, django_capture_on_commit_callbacks
):
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(TASK, {"title": "first"}, "email")
        outbox.enqueue("cases.recompute_deadlines", "critical")
    rows = list(OutboxTask.objects.order_by("pk"))
    assert [row.attempts for row in rows] == [1, 1]
    assert all(row.error for row in rows)
    # A drain stops at the first refusal rather than trying every row against a dead broker.
    assert outbox.drain() == 0
    assert list(OutboxTask.objects.order_by("pk").values_list("attempts", flat=True)) == [2, 1]

    broker.up()
    assert drain_outbox_task.apply().get() == 2
    assert broker.queued() == sorted([TASK, "cases.recompute_deadlines"])
    assert not OutboxTask.objects.exists()


def test_an_unknown_task_name_is_refused_at_once():
    with pytest.raises(LookupError, match="'cases.tasks.no_such_task'"):
        outbox.enqueue("cases.tasks.no_such_task", 1)
    assert not OutboxTask.objects.exists()


def test_in_this_suite_a_task_runs_in_the_process_with_its_errors_raised(
    django_capture_on_commit_callbacks,
):
    with pytest.raises(KeyError, match="recipients"):
        with django_capture_on_commit_callbacks(execute=True):
            outbox.enqueue(TASK, {"title": "an alert without recipients"}, "email")
    # As with a refused send, the row stays for the drain.
    assert OutboxTask.objects.count() == 1


def test_beat_drains_the_outbox_every_minute():
    from django_celery_beat.models import PeriodicTask

    # Written to beat's table by `migrate` from the schedule kept in code.
    entry = PeriodicTask.objects.get(task="core.drain_outbox")
    assert entry.enabled
    assert entry.schedule.run_every == timedelta(minutes=1)


def test_every_app_queues_its_background_work_through_the_outbox():
    """No app hands a task to Celery itself: a task queued after the commit is lost if the
    process dies in between."""
    direct = re.compile(r"\.(delay|apply_async|send_task)\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in ("core", "accounts", "cases", "deliverability", "portal")
        for path in sorted((ROOT / app).rglob("*.py"))
        if path != ROOT / "core" / "outbox.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if direct.search(line)
    ]
    assert offenders == []
