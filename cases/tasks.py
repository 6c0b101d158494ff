"""Celery tasks of the cases app: thin wrappers over the services, ids in."""

from datetime import datetime

from celery import shared_task

from core import heartbeats

from . import deadlines, incident_mailing, mailing, services


@shared_task(
    name="cases.tasks.send_case_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=8
)
def send_case_mail(event_id: int) -> int:
    return mailing.send_event_mail(event_id)


@shared_task(
    name="cases.tasks.send_incident_mail",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_incident_mail(kind: str, source_id: int) -> int:
    """One mail per contact of an incident's update or resolution; a second run sends
    nothing again."""
    return incident_mailing.send_incident_mail(kind, source_id)


@shared_task(name="cases.recompute_deadlines")
def recompute_deadlines_task(severity: str | None = None) -> int:
    """Deadlines follow calendar and policy changes (beat runs this periodically; saving
    an SLA policy runs it at once)."""
    return deadlines.recompute_open_deadlines(severity=severity)


@shared_task(name="cases.sla_sweep")
def sla_sweep_task(now: str | None = None) -> dict:
    """Beat runs this every minute; concurrent or repeated runs notify once. `now` (ISO
    8601) sweeps as of another moment: a catch-up after an outage, or simulated time."""
    result = dict(services.sla_sweep(now=datetime.fromisoformat(now) if now else None))
    heartbeats.record("cases.sla_sweep")
    return result
