"""Celery tasks: thin wrappers over services (ids in, idempotent)."""

from celery import shared_task

from core import heartbeats

from .blocklists import alerts, services
from .models import CheckRun
from .programme import services as programme_services

# DNS is external I/O: a run that fails for a lost worker or a flaky network is retried.
_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 3}


@shared_task(name="deliverability.scheduled_blocklist_check")
def scheduled_check_task():
    """Started by Celery beat: every asset of every account."""
    services.runs_resume()
    run = services.run_start(trigger=CheckRun.Trigger.SCHEDULE)
    heartbeats.record("deliverability.scheduled_blocklist_check")
    return run.pk


@shared_task(name="deliverability.run_execute", **_RETRY)
def run_execute_task(run_id: int):
    services.run_execute(run_id=run_id)


@shared_task(name="deliverability.chunk_execute", **_RETRY)
def chunk_execute_task(chunk_id: int):
    services.chunk_execute(chunk_id=chunk_id)


@shared_task(name="deliverability.alert_account", **_RETRY)
def alert_account_task(run_id: int, account_id: int):
    alerts.alert_account(run_id=run_id, account_id=account_id)


@shared_task(name="deliverability.next_step_reminders")
def next_step_reminders_task():
    """Started by Celery beat: remind TAMs of planning sessions' next steps that come due."""
    return programme_services.next_step_reminders()


@shared_task(name="deliverability.next_step_remind", **_RETRY)
def next_step_remind_task(step_id: int):
    """One step's reminder; SMTP errors are OSErrors, so a refused send is retried."""
    return programme_services.next_step_remind(step_id=step_id)


@shared_task(name="deliverability.remediation_step_mail", **_RETRY)
def remediation_step_mail_task(step_id: int):
    """A remediation step mailed to the account's contacts; a refused send is retried."""
    return programme_services.remediation_step_mail(step_id=step_id)
