"""Demo data for platform incidents: a REST API outage ten days ago that both demo
accounts filed critical cases about, linked to the incident, a hotline call from each
with its own callback, two updates that were each
case's agreed update, the post-incident summary, and each customer's own answer to the
resolution proposed on their case. Idempotent: nothing is added once the incident is
there."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Account, User
from cases import services
from cases.models import FailureCause, Incident

AGENT = "sam.agent@example.com"
REPRESENTATIVE = "chris.hotline@example.com"
TITLE = "REST API unavailable in every region"
# Minutes from the start to the probes' first success again (the outage's end).
RECOVERED_AFTER = 80
SUBJECTS = {
    "Acme Mail BV": "Every API call returns 503",
    "Northwind Traders Inc.": "API down: all sends fail with 504 Gateway Timeout",
}


def seed() -> list[tuple[str, str, str]]:
    agent = User.objects.filter(email=AGENT).first()
    accounts = list(Account.objects.filter(name__in=SUBJECTS).order_by("name"))
    if agent is None or len(accounts) < 2 or Incident.objects.filter(title=TITLE).exists():
        return []
    start = (timezone.now() - timedelta(days=10)).replace(second=0, microsecond=0)
    cases = []
    for minutes, account in enumerate(accounts, start=2):
        contact = account.contacts.select_related("user").order_by("id").first()
        if contact is None:
            return []
        cases.append(
            services.case_open(
                account=account,
                requester=contact.user,
                subject=SUBJECTS[account.name],
                description="Every API call fails with a server error since the start.",
                category="software_bug",
                api_all_failing=True,
                api_failure_cause=FailureCause.SERVER,
                failing_since=start,
                now=start + timedelta(minutes=minutes),
            )
        )
    incident = services.incident_declare(
        actor=agent,
        scope="api",
        started_at=start,
        title=TITLE,
        title_nl="REST API niet beschikbaar in alle regio's",
        text="API calls fail with 503 and 504 errors. Sending by SMTP works.",
        text_nl="API-aanroepen mislukken met 503- en 504-fouten. Verzenden via SMTP werkt.",
        now=start + timedelta(minutes=6),
    )
    services.incident_link_cases(
        incident=incident, cases=cases, actor=agent, now=start + timedelta(minutes=8)
    )
    representative = User.objects.filter(email=REPRESENTATIVE).first() or agent
    for minutes, case in enumerate(cases, start=10):
        person = case.requester
        at = start + timedelta(minutes=minutes)
        call = services.hotline_record_call(
            recorded_by=representative,
            company_name=case.account.name,
            contact_person=person.full_name or person.email,
            phone=person.phone or "+31 20 555 0100",
            email=person.email,
            description=case.subject,
            case=case,
            incident=incident,
            now=at,
        )
        services.callback_log_attempt(
            call=call,
            agent=agent,
            outcome="reached",
            notes="Confirmed the outage; the incident's updates will follow.",
            at=at + timedelta(minutes=7),
            now=at + timedelta(minutes=7),
        )
    updates = [
        (
            25,
            "A failed database failover stopped the API. We are restoring the primary.",
            "Een mislukte database-failover legde de API stil. We herstellen de primaire database.",
            90,
        ),
        (
            70,
            "The primary database is back; API calls succeed again for most accounts.",
            "De primaire database is terug; API-aanroepen slagen weer voor de meeste accounts.",
            30,
        ),
    ]
    for minutes, text, text_nl, expected in updates:
        at = start + timedelta(minutes=minutes)
        services.incident_post_update(
            incident=incident,
            actor=agent,
            text=text,
            text_nl=text_nl,
            expected_resolution_at=at + timedelta(minutes=expected),
            now=at,
        )
    # The probes saw the API answer again before staff resolved it.
    recovered = start + timedelta(minutes=RECOVERED_AFTER)
    Incident.objects.filter(pk=incident.pk).update(recovered_at=recovered)
    resolved = start + timedelta(minutes=105)
    day, begin, end = f"{start:%Y-%m-%d}", f"{start:%H:%M}", f"{recovered:%H:%M}"
    services.incident_resolve(
        incident=incident,
        actor=agent,
        summary=(
            f"On {day} from {begin} to {end} UTC every API call failed: a database "
            "failover did not complete. We restored the primary and now test every "
            "failover monthly."
        ),
        summary_nl=(
            f"Op {day} van {begin} tot {end} UTC mislukte elke API-aanroep: een "
            "database-failover werd niet voltooid. We herstelden de primaire database en "
            "testen elke failover nu maandelijks."
        ),
        now=resolved,
    )
    acme, northwind = cases
    # Each customer answers on their own case: one in the portal, one by phone.
    services.case_accept_resolution(
        case=acme, customer=acme.requester, now=resolved + timedelta(minutes=40)
    )
    services.case_record_agreement(
        case=northwind,
        actor=agent,
        customer_name=northwind.requester.full_name,
        agreed_at=resolved + timedelta(hours=3),
        method="phone",
        now=resolved + timedelta(hours=3),
    )
    return []
