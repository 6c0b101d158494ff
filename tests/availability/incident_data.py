"""Incidents, their updates and outages for the status tests, written as rows: the
services that change them are tested with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Region
from availability.models import Outage, Probe, ProbeResult
from cases.models import Incident, IncidentScope, IncidentStatus, IncidentUpdate

# A Wednesday in the middle of a month, 10:00 UTC.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


@pytest.fixture
def commit_callbacks_run_at_once(monkeypatch):
    """Tests run inside one transaction that never commits: run on-commit work (the
    incident cache's new generation) at once."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


def region(code: str, name: str, name_nl: str = "") -> Region:
    return Region.objects.create(code=code, name=name, name_nl=name_nl)


def incident(**fields) -> Incident:
    values = {
        "scope": IncidentScope.API,
        "status": IncidentStatus.ACTIVE,
        "title": "REST API calls fail",
        "title_nl": "REST API-aanroepen mislukken",
        "text": "All API calls return 503.",
        "text_nl": "Alle API-aanroepen geven 503.",
        "started_at": NOW - timedelta(hours=1),
    }
    values.update(fields)
    if values["status"] == IncidentStatus.RESOLVED:
        values.setdefault("resolved_at", values["started_at"] + timedelta(hours=2))
    return Incident.objects.create(**values)


def update(incident: Incident, posted_by, **fields) -> IncidentUpdate:
    values = {
        "text": "We found the cause.",
        "text_nl": "We hebben de oorzaak gevonden.",
        "posted_at": NOW - timedelta(minutes=30),
        "posted_by": posted_by,
    }
    values.update(fields)
    return IncidentUpdate.objects.create(incident=incident, **values)


def outage(
    component: str, started_at: datetime, ended_at: datetime | None, region=None, incident=None
):
    return Outage.objects.create(
        component=component,
        region=region,
        started_at=started_at,
        ended_at=ended_at,
        incident=incident,
    )


# Before the six months the status page and the SLA report chart show.
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def measured(component: str, region=None, since: datetime = LONG_AGO) -> Probe:
    """A probe of `component` in `region` (None: the platform as a whole) whose first
    result was at `since`: availability is measured from then."""
    probe = Probe.objects.create(
        name=f"{component} {region or 'platform'} {since:%Y-%m-%d %H:%M}",
        component=component,
        region=region,
        url="https://api.platform.example/health",
        host="smtp.platform.example",
    )
    ProbeResult.objects.create(probe=probe, at=since, ok=True)
    return probe
