"""Fixtures of the probe tests: a region, endpoints on loopback, probes of them, and the
beat's minute tick at a given time."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from accounts.models import Region
from availability.models import Probe
from cases.models import Incident
from tests.probe_servers import HttpEndpoint, SmtpEndpoint

T0 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
CREDENTIAL = ("probe-eu", "s3cret-probe-password")


def minute(n: int) -> datetime:
    return T0 + n * MINUTE


@pytest.fixture
def eu_west(db):
    return Region.objects.create(code="eu-west", name="EU-West", name_nl="EU-West")


@pytest.fixture
def http_endpoint():
    with HttpEndpoint("200", hang_seconds=3) as endpoint:
        yield endpoint


@pytest.fixture
def smtp_endpoint():
    with SmtpEndpoint("accept", credential=CREDENTIAL) as endpoint:
        yield endpoint


@pytest.fixture
def api_probe(eu_west, http_endpoint):
    return Probe.objects.create(
        name="API EU-West",
        component="api",
        region=eu_west,
        url=http_endpoint.url,
        timeout_seconds=1,
    )


@pytest.fixture
def smtp_probe(eu_west, smtp_endpoint):
    return Probe.objects.create(
        name="SMTP EU-West",
        component="smtp",
        region=eu_west,
        host="127.0.0.1",
        port=smtp_endpoint.port,
        starttls=False,
        username=CREDENTIAL[0],
        password=CREDENTIAL[1],
        mail_from="probe@platform.example",
        rcpt_to="sink@platform.example",
        timeout_seconds=2,
    )


@pytest.fixture
def beat(django_capture_on_commit_callbacks):
    """beat(n): Celery beat's tick of minute n (a few seconds into it), with every task
    it queues run as a worker would, after the commit that queued it."""
    from availability.tasks import run_probes_task

    def tick(n: int, *, seconds: int = 2):
        with time_machine.travel(minute(n) + timedelta(seconds=seconds), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return run_probes_task.apply().get()

    return tick


def make_incident(**fields) -> Incident:
    """An incident as staff declare it or the probes open it; `fields` override."""
    values = {
        "scope": "api",
        "region": None,
        "title": "REST API unavailable",
        "title_nl": "REST API niet beschikbaar",
        "text": "We are on it.",
        "text_nl": "We zijn ermee bezig.",
        "started_at": T0,
    }
    return Incident.objects.create(**{**values, **fields})
