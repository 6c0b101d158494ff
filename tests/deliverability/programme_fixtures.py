"""Objects of the TAM's programme on account A, for the programme's tests."""

from datetime import date

import pytest

from deliverability.models import (
    DailyActual,
    ListingState,
    MigrationPhase,
    NextStep,
    PlanningSession,
    RemediationRequest,
    TrendNote,
    WarmupPlan,
)
from deliverability.programme.services import remediation_open

START = date(2027, 1, 4)
S3150 = (
    "550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact your "
    "Internet service provider since part of their network is on our block list (S3150). "
    "You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. "
    "[AM4PEPF00027A6C.eurprd04.prod.outlook.com]"
)


def make_plan(account, ips, **kwargs):
    plan = WarmupPlan.objects.create(
        account=account,
        name=kwargs.pop("name", "New IPs"),
        target_daily_volume=kwargs.pop("target_daily_volume", 50_000),
        start_date=kwargs.pop("start_date", START),
        **kwargs,
    )
    plan.ips.set(ips)
    return plan


def make_actual(plan, day, provider="gmail", *, sent=40, bounces=0, complaints=0):
    """One day's actuals of a plan, all delivered but the bounces."""
    return DailyActual.objects.create(
        plan=plan,
        date=day,
        provider=provider,
        sent=sent,
        delivered=sent - bounces,
        bounces=bounces,
        complaints=complaints,
    )


@pytest.fixture
def plan_a(account_a, ip_a):
    plan = make_plan(account_a, [ip_a])
    MigrationPhase.objects.create(plan=plan, start_date=date(2027, 2, 1), share_moved=50)
    return plan


@pytest.fixture
def actual_over_plan(plan_a):
    """Day 2 to Microsoft: far more than planned."""
    return DailyActual.objects.create(
        plan=plan_a,
        date=date(2027, 1, 5),
        provider="microsoft",
        sent=5_000,
        delivered=4_990,
        bounces=10,
        complaints=0,
    )


REMEDIATION_FIELDS = {
    "provider": "microsoft",
    "provider_label": "Microsoft",
    "affected_ips": "192.0.2.10",
    "from_domain": "news.alpha.example",
    "dkim_domain": "news.alpha.example",
    "return_path_domain": "bounces.alpha.example",
    "bounce_text": S3150,
    "sample_headers": "",
    "daily_volume": 20_000,
    "ip_type": "dedicated",
    "first_seen": date(2027, 1, 10),
    "authentication_in_place": True,
    "one_click_unsubscribe": True,
    "complaint_rate_ok": True,
    "warmup_followed": True,
}


@pytest.fixture
def remediation_a(account_a, customer_a, ip_a, domain_a) -> RemediationRequest:
    return remediation_open(
        account=account_a, requester=customer_a, fields=dict(REMEDIATION_FIELDS)
    )


@pytest.fixture
def session_a(account_a, tam_a):
    session = PlanningSession.objects.create(
        account=account_a,
        topic=PlanningSession.Topic.CAPACITY,
        held_on=date(2027, 1, 2),
        attendees="Tam, Alice",
        notes="Black Friday volume doubles.",
        created_by=tam_a,
    )
    NextStep.objects.create(
        session=session, description="Add two IPs", owner="Tam", due_on=date(2027, 1, 20)
    )
    return session


@pytest.fixture
def note_a(account_a, tam_a):
    note = TrendNote.objects.create(
        author=tam_a, title="Gmail spam rate", body="Keep it **under 0.1%**.", published_on=START
    )
    note.accounts.add(account_a)
    return note


@pytest.fixture
def listing_a(ip_a):
    from deliverability.models import Blocklist

    blocklist = Blocklist.objects.filter(kind="ip").first()
    return ListingState.objects.create(
        sending_ip=ip_a, blocklist=blocklist, state=ListingState.State.LISTED, reasons=["spam"]
    )
