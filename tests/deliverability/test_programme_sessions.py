"""Planning sessions on record, and reminders to the TAM of next steps that come due."""

from datetime import UTC, datetime

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from deliverability.models import NextStep
from deliverability.programme.services import next_step_remind, next_step_reminders
from deliverability.tasks import next_step_reminders_task

from ..html import page, select, text, texts

pytestmark = pytest.mark.django_db
DUE = datetime(2027, 1, 20, 8, tzinfo=UTC)


def test_the_customer_sees_the_session_and_its_next_steps(client_a, session_a):
    tree = page(client_a.get(reverse("deliverability:session", args=[session_a.pk])))
    assert "Capacity growth" in text(tree, "h1")
    assert "Black Friday volume doubles." in text(tree, "main")
    assert [texts(tr, "td")[0] for tr in select(tree, "#next-steps tbody tr")] == ["Add two IPs"]


def test_the_tam_is_reminded_of_a_step_that_came_due_exactly_once(
    session_a, tam_a, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert next_step_reminders(now=datetime(2027, 1, 19, tzinfo=UTC)) == 0
        assert next_step_reminders(now=DUE) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert next_step_reminders(now=DUE) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tam_a.email] and "Add two IPs" in mail.outbox[0].subject
    # Reminded when the task ran, not at the sweep's due date.
    assert before <= NextStep.objects.get().reminded_at <= timezone.now()


def test_a_reminder_task_that_runs_twice_mails_once(session_a):
    step = NextStep.objects.get()
    assert next_step_remind(step_id=step.pk) is True
    assert next_step_remind(step_id=step.pk) is False
    assert len(mail.outbox) == 1


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_a_failed_send_keeps_the_step_unreminded_and_a_later_sweep_mails_it_once(
    session_a, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    with pytest.raises((ConnectionRefusedError, Retry)):  # the task is retried later
        with django_capture_on_commit_callbacks(execute=True):
            assert next_step_reminders(now=DUE) == 1
    assert NextStep.objects.get().reminded_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert next_step_reminders(now=DUE) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert next_step_reminders(now=DUE) == 0
    assert len(mail.outbox) == 1
    assert before <= NextStep.objects.get().reminded_at <= timezone.now()


def test_a_step_already_claimed_by_another_worker_is_not_mailed(session_a):
    NextStep.objects.update(reminded_at=DUE)
    assert next_step_reminders(now=DUE) == 0


def test_a_done_step_is_not_reminded(session_a):
    NextStep.objects.update(done=True)
    assert next_step_reminders(now=DUE) == 0


def test_beat_runs_the_reminders(session_a, time_machine):
    time_machine.move_to(DUE)
    task = PeriodicTask.objects.get(task="deliverability.next_step_reminders")
    assert task.enabled
    assert next_step_reminders_task.delay().get() == 1
