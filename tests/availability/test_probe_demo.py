"""Demo data of the probes: regions with the demo accounts in them, disabled probes of
reserved example hosts, one outage of about 40 minutes last month, and a second run that
changes nothing."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from accounts.models import Account, Region
from availability.models import Outage, Probe, ProbeResult
from demo import accounts as accounts_demo
from demo import availability as demo

from .probe_fixtures import make_incident


def counts():
    return [m.objects.count() for m in (Region, Probe, Outage, ProbeResult)]


def test_the_demo_has_two_regions_four_disabled_probes_and_one_outage_and_runs_once(db):
    accounts_demo.seed()
    demo.seed()
    first = counts()
    demo.seed()
    assert counts() == first
    assert dict(Account.objects.values_list("name", "region__code")) == {
        "Acme Mail BV": "eu-west",
        "Northwind Traders Inc.": "us-east",
    }
    assert Region.objects.get(code="us-east").name_nl == "VS-Oost"
    assert Probe.objects.count() == 4 and not Probe.objects.filter(enabled=True).exists()
    for probe in Probe.objects.all():
        assert (urlsplit(probe.url).hostname or probe.host).endswith(".platform.example")
    outage = Outage.objects.get()
    assert outage.ended_at - outage.started_at == timedelta(minutes=40)
    assert outage.started_at.month != timezone.now().month
    failing = ProbeResult.objects.filter(ok=False)
    assert failing.count() == 40 and all(r.server_side for r in failing)
    assert ProbeResult.objects.count() < 3000


def test_the_outage_joins_the_demos_past_incident_at_its_times(db):
    accounts_demo.seed()
    region = Region.objects.create(code="eu-west", name="EU-West", name_nl="EU-West")
    started = (timezone.now() - timedelta(days=20)).replace(second=0, microsecond=0)
    incident = make_incident(
        region=region,
        status="resolved",
        started_at=started,
        recovered_at=started + timedelta(minutes=38),
        resolved_at=started + timedelta(hours=1),
    )
    demo.seed()
    outage = Outage.objects.get()
    assert (outage.component, outage.region, outage.incident) == ("api", region, incident)
    assert (outage.started_at, outage.ended_at) == (started, started + timedelta(minutes=38))


def test_an_incident_of_every_region_has_its_outage_in_each_region(db):
    accounts_demo.seed()
    started = (timezone.now() - timedelta(days=10)).replace(second=0, microsecond=0)
    incident = make_incident(
        region=None,
        status="resolved",
        started_at=started,
        recovered_at=started + timedelta(minutes=80),
        resolved_at=started + timedelta(minutes=105),
    )
    demo.seed()
    outages = Outage.objects.order_by("region__code")
    assert [(o.region.code, o.component, o.incident) for o in outages] == [
        ("eu-west", "api", incident),
        ("us-east", "api", incident),
    ]
    for outage in outages:
        assert (outage.started_at, outage.ended_at) == (started, started + timedelta(minutes=80))
