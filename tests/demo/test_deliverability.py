"""Demo data: sending IPs (IPv4 and IPv6) and domains on each demo account."""

from deliverability.models import SendingDomain, SendingIP
from demo import accounts as accounts_demo
from demo import deliverability as demo


def test_each_demo_account_gets_ipv4_ipv6_and_domains_and_a_second_run_changes_nothing(db):
    accounts_demo.seed()
    demo.seed()
    counts = (SendingIP.objects.count(), SendingDomain.objects.count())
    demo.seed()
    assert (SendingIP.objects.count(), SendingDomain.objects.count()) == counts
    for name in demo.ASSETS:
        versions = {ip.version for ip in SendingIP.objects.filter(account__name=name)}
        assert versions == {4, 6}
        assert SendingDomain.objects.filter(account__name=name).count() == 4


def test_the_demo_programme_has_a_plan_with_one_flagged_day_and_runs_once(db):
    from deliverability.models import (
        DailyActual,
        NextStep,
        RemediationRequest,
        RemediationStep,
        TrendNote,
        WarmupPlan,
    )
    from deliverability.programme.selectors import plan_progress

    accounts_demo.seed()
    demo.seed()
    demo.seed()
    plan = WarmupPlan.objects.get()
    progress = plan_progress(plan)
    assert progress.error is None and progress.migration_error is None
    assert len(progress.migration.phases) == 3
    assert len(progress.flagged) == 1
    assert DailyActual.objects.count() == 30
    assert RemediationRequest.objects.get().status == "submitted"
    assert RemediationStep.objects.count() == 1
    assert NextStep.objects.count() == 2 and TrendNote.objects.count() == 1


def test_the_demo_shows_a_listing_found_at_the_first_check_mailed_once(db):
    from django.core import mail

    from deliverability.models import ListingEvent, ListingState

    accounts_demo.seed()
    demo.seed()
    demo.seed()
    event = ListingEvent.objects.get()
    assert event.baseline and event.notified_at is not None
    assert str(event.asset) == "192.0.2.11" and event.blocklist.name == "Barracuda"
    assert ListingState.objects.get().state == ListingState.State.LISTED
    subjects = {m.subject for m in mail.outbox}
    assert subjects == {
        "Acme Mail BV: 1 blocklist listing found when monitoring started",
        "Acme Mail BV: 1 vermelding op een blocklist bij de start van de monitoring",
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [c.user.email for c in event.account.contacts.all()] + [event.account.tam.email]
    )
