"""Demo data: sending IPs (IPv4 and IPv6) and sending domains on each demo account."""

from accounts.models import Account
from deliverability.models import SendingDomain, SendingIP

F, DKIM, RP, TRACK = (
    SendingDomain.Purpose.FROM,
    SendingDomain.Purpose.DKIM,
    SendingDomain.Purpose.RETURN_PATH,
    SendingDomain.Purpose.TRACKING,
)

ASSETS = {
    "Acme Mail BV": {
        "ips": [
            ("192.0.2.10", "transactional"),
            ("192.0.2.11", "marketing"),
            ("2001:db8:ac::10", "transactional"),
        ],
        "domains": [
            ("acme.example", F),
            ("mail.acme.example", DKIM),
            ("bounces.acme.example", RP),
            ("click.acme.example", TRACK),
        ],
    },
    "Northwind Traders Inc.": {
        "ips": [
            ("198.51.100.20", "bulk pool"),
            ("198.51.100.21", "bulk pool"),
            ("2001:db8:4e::20", "bulk pool"),
        ],
        "domains": [
            ("northwind.example", F),
            ("northwind.example", DKIM),
            ("em.northwind.example", RP),
            ("links.northwind.example", TRACK),
        ],
    },
}


def seed():
    for name, assets in ASSETS.items():
        account = Account.objects.filter(name=name).first()
        if account is None:
            continue
        for address, stream in assets["ips"]:
            SendingIP.objects.get_or_create(
                address=address, defaults={"account": account, "stream": stream}
            )
        for domain, purpose in assets["domains"]:
            SendingDomain.objects.get_or_create(account=account, name=domain, purpose=purpose)
    _seed_programme()
    _seed_first_check_listing()
    return []


def _seed_programme():
    """A warm-up and migration plan with actuals (one day flagged), a remediation request in
    progress, a planning session with next steps and a trends note, on Acme Mail BV."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from deliverability.models import (
        DailyActual,
        MigrationPhase,
        NextStep,
        PlanningSession,
        RemediationRequest,
        RemediationStep,
        TrendNote,
        WarmupPlan,
    )
    from deliverability.programme import migration
    from deliverability.programme.selectors import plan_schedule
    from deliverability.programme.services import remediation_open, remediation_step_record

    account = Account.objects.filter(name="Acme Mail BV").first()
    if account is None:
        return
    tam = account.tam
    today = timezone.localdate()
    plan, created = WarmupPlan.objects.get_or_create(
        account=account,
        name="Acme: new transactional IPs",
        defaults={
            "target_daily_volume": 200_000,
            "start_date": today - timedelta(days=6),
            "created_by": tam,
        },
    )
    if created:
        plan.ips.set(
            SendingIP.objects.filter(account=account, address__in=["192.0.2.10", "192.0.2.11"])
        )
        schedule = plan_schedule(plan, 2)
        for share in (25, 50, 100):
            MigrationPhase.objects.create(
                plan=plan,
                start_date=migration.earliest_start(schedule, Decimal(share)) + timedelta(days=3),
                share_moved=share,
            )
        for day in schedule.days[:6]:
            for provider, planned in day.providers.items():
                sent = planned
                bounces = sent // 100
                complaints = 0
                if day.day == 4 and provider == "microsoft":
                    sent = int(planned * 1.3)  # over plan: the day to hold
                    bounces = sent * 3 // 100
                DailyActual.objects.create(
                    plan=plan,
                    date=day.date,
                    provider=provider,
                    sent=sent,
                    delivered=sent - bounces,
                    bounces=bounces,
                    complaints=complaints,
                )
    requester = User.objects.filter(email="anna@acme.example").first()
    if requester and not RemediationRequest.objects.filter(account=account).exists():
        remediation = remediation_open(
            account=account,
            requester=requester,
            fields={
                "provider": "microsoft",
                "provider_label": "Microsoft",
                "affected_ips": "192.0.2.11",
                "from_domain": "acme.example",
                "dkim_domain": "mail.acme.example",
                "return_path_domain": "bounces.acme.example",
                "bounce_text": (
                    f"{today - timedelta(days=2)} 09:14 UTC 550 5.7.1 Unfortunately, messages "
                    "from [192.0.2.11] weren't sent. Please contact your Internet service "
                    "provider since part of their network is on our block list (S3150)."
                ),
                "sample_headers": (
                    "From: Acme <news@acme.example>\nDKIM-Signature: d=mail.acme.example"
                ),
                "daily_volume": 40_000,
                "ip_type": "dedicated",
                "first_seen": today - timedelta(days=2),
                "authentication_in_place": True,
                "one_click_unsubscribe": True,
                "complaint_rate_ok": True,
                "warmup_followed": True,
            },
            bounce_rule="microsoft-s3150",
        )
        remediation_step_record(
            request=remediation,
            kind=RemediationStep.Kind.SUBMITTED,
            on=today,
            recorded_by=tam,
            channel=RemediationStep.Channel.FORM,
            provider_reference="SRX1234567890ID",
            text="Submitted through the Outlook.com sender support form.",
        )
    session, created = PlanningSession.objects.get_or_create(
        account=account,
        topic=PlanningSession.Topic.MIGRATION,
        held_on=today - timedelta(days=10),
        defaults={
            "attendees": "Tessa (TAM), Anna, Jeroen",
            "notes": "Move the transactional stream to two new dedicated IPs, then marketing.",
            "created_by": tam,
        },
    )
    if created:
        NextStep.objects.create(
            session=session,
            description="Share the list of engaged recipients",
            owner="Anna",
            due_on=today + timedelta(days=2),
        )
        NextStep.objects.create(
            session=session,
            description="Review the first week of the warm-up",
            owner="Tessa",
            due_on=today + timedelta(days=7),
        )
    note, created = TrendNote.objects.get_or_create(
        title="Microsoft now requires SPF, DKIM and DMARC from bulk senders",
        defaults={
            "author": tam,
            "published_on": today - timedelta(days=3),
            "body": (
                "Since 5 May 2025 Outlook.com rejects bulk mail without SPF, DKIM and an "
                "aligned DMARC record with **550 5.7.515**. Your domains pass: keep it so "
                "when you add a new sending domain."
            ),
        },
    )
    if created:
        note.accounts.add(account)


def _seed_first_check_listing():
    """192.0.2.11 of Acme Mail BV was on Barracuda when its monitoring started, two days
    ago: the listing, and the mail its TAM and contacts got about it."""
    from datetime import timedelta

    from django.utils import timezone

    from deliverability.blocklists import alerts
    from deliverability.models import Blocklist, CheckRun, ListingEvent, ListingState

    ip = SendingIP.objects.filter(address="192.0.2.11").first()
    barracuda = Blocklist.objects.filter(zone="b.barracudacentral.org").first()
    if ip is None or barracuda is None or ListingEvent.objects.filter(sending_ip=ip).exists():
        return
    at = timezone.now() - timedelta(days=2)
    run = CheckRun.objects.create(
        trigger=CheckRun.Trigger.SCHEDULE, status=CheckRun.Status.FINISHED, finished_at=at
    )
    CheckRun.objects.filter(pk=run.pk).update(created_at=at, started_at=at)
    reasons = [barracuda.codes.get("127.0.0.2", "")]
    ListingState.objects.create(
        sending_ip=ip,
        blocklist=barracuda,
        state=ListingState.State.LISTED,
        since=at,
        reasons=reasons,
        codes=["127.0.0.2"],
        last_checked_at=at,
        answered_at=at,
        last_run=run,
    )
    ListingEvent.objects.create(
        account=ip.account,
        sending_ip=ip,
        blocklist=barracuda,
        kind=ListingEvent.Kind.LISTED,
        at=at,
        run=run,
        reasons=reasons,
        baseline=True,
    )
    alerts.alert_account(run_id=run.pk, account_id=ip.account_id)
