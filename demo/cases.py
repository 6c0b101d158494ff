"""Demo data for support cases: cases of both severities in several states on each
demo account. Idempotent: a case is only created when its subject is missing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Account, User
from cases import services
from cases.models import Case, Category, FailureCause

AGENT = "sam.agent@example.com"


def _story(account, requester, agent, spec, now) -> Case | None:
    """File the story's case and play its steps; None when it was filed already."""
    subject, category, answers, steps, age = spec
    if Case.objects.filter(account=account, subject=subject).exists():
        return None
    t = now - age
    case = services.case_open(
        account=account,
        requester=requester,
        subject=subject,
        category=category,
        description=answers.pop("description"),
        now=t,
        **answers,
    )
    for step in steps:
        t += timedelta(minutes=step[1])
        kind = step[0]
        if kind == "reply":
            services.case_reply(case=case, author=agent, body=step[2], now=t)
        elif kind == "customer":
            services.case_customer_reply(case=case, author=requester, body=step[2], now=t)
        elif kind == "note":
            services.case_add_note(case=case, author=agent, body=step[2], now=t)
        elif kind == "wait":
            services.case_set_status(case=case, status="waiting_on_customer", actor=agent, now=t)
        elif kind == "workaround":
            services.case_provide_workaround(case=case, actor=agent, body=step[2], now=t)
        elif kind == "propose":
            services.case_propose_resolution(case=case, actor=agent, summary=step[2], now=t)
        elif kind == "accept":
            services.case_accept_resolution(case=case, customer=requester, now=t)
        elif kind == "phone":
            services.case_record_agreement(
                case=case,
                actor=agent,
                customer_name=requester.full_name,
                agreed_at=t,
                method="phone",
                now=t,
            )
        elif kind == "close":
            services.case_close(case=case, actor=agent, now=t)
        elif kind == "escalate":
            services.case_escalate(case=case, customer=requester, reason=step[2], now=t)
    return case


def _bug(description, *, api=False, smtp=False, cause=FailureCause.SERVER, samples=""):
    return {
        "description": description,
        "api_all_failing": api,
        "api_failure_cause": cause if api else "",
        "smtp_all_failing": smtp,
        "smtp_failure_cause": cause if smtp else "",
        "error_samples": samples,
    }


def _plain(description):
    return {"description": description}


# The demo's missed callback, retried until the customer was reached.
RETRIED_SUBJECT = "All API calls return 503 Service Unavailable"

STORIES = {
    "Acme Mail BV": [
        (
            "All API calls return 503 Service Unavailable",
            Category.SOFTWARE_BUG,
            _bug(
                "Since 09:40 every call to `/v1/messages` answers **503**. Our newsletter "
                "run is blocked.",
                api=True,
                samples="req_7f3a9c21 503 upstream timeout\nreq_7f3a9c88 503 upstream timeout",
            ),
            [
                ("reply", 6, "We are on it: one API node pool is failing its health checks."),
                ("note", 3, "Pool eu-2 drained; waiting on the platform team."),
                (
                    "workaround",
                    20,
                    "Workaround: send through `api-eu1.example.net` until the pool is back.",
                ),
            ],
            timedelta(hours=3),
        ),
        (
            "Bounce webhooks arrive twice",
            Category.SOFTWARE_BUG,
            _bug("Each hard bounce reaches our webhook twice, a few seconds apart."),
            [],
            timedelta(minutes=40),
        ),
        (
            "Add a second sending domain for invoices",
            Category.CONFIGURATION,
            _plain("Please add `invoices.acme.example` as a sending domain with its own DKIM."),
            [
                ("reply", 90, "Done on our side; please publish the DKIM record we attached."),
                ("customer", 60, "Published, the record resolves now."),
                ("propose", 30, "The domain is verified and signing. Shall we close this case?"),
            ],
            timedelta(days=2),
        ),
        (
            "Rate limits of the batch API",
            Category.INFORMATION,
            _plain("What is the maximum batch size and the rate limit per minute?"),
            [
                ("reply", 45, "1,000 recipients per batch and 600 batches per minute."),
                ("propose", 5, "Answered the question about batch limits."),
                ("phone", 120, ""),
            ],
            timedelta(days=6),
        ),
        (
            "Some SMTP injections time out",
            Category.SOFTWARE_BUG,
            _bug("About one in twenty SMTP sessions times out after DATA; the rest go through."),
            [
                ("reply", 30, "Could you send the session logs of a failing connection?"),
                ("wait", 1, ""),
            ],
            timedelta(days=1),
        ),
        (
            # Resolved, then the customer's reply within the reopen window reopened it.
            "Unsubscribe links expire after a week",
            Category.SOFTWARE_BUG,
            _bug("Recipients who click an unsubscribe link older than 7 days get a 404."),
            [
                ("reply", 50, "The link lifetime was 7 days; it is now unlimited."),
                ("propose", 5, "Unsubscribe links no longer expire."),
                ("accept", 180, ""),
                ("customer", 60 * 24 * 2, "Links from last month's campaign still answer 404."),
            ],
            timedelta(days=4),
        ),
    ],
    "Northwind Traders Inc.": [
        (
            "SMTP relay refuses every connection with 421",
            Category.SOFTWARE_BUG,
            _bug(
                "All injections from our three MTAs fail with `421 4.3.2 Service not available`.",
                smtp=True,
            ),
            [],
            timedelta(minutes=5),
        ),
        (
            "Open tracking pixel blocked by a proxy",
            Category.SOFTWARE_BUG,
            _bug("Some corporate recipients never register opens."),
            [
                ("reply", 120, "We are reproducing it with the proxy you named."),
                (
                    "escalate",
                    60 * 20,
                    "Our quarterly campaign starts Monday; we need a date for the fix.",
                ),
            ],
            timedelta(days=1, hours=2),
        ),
        (
            "How to rotate our API key",
            Category.INFORMATION,
            _plain("What is the safest way to rotate the API key without downtime?"),
            [
                ("reply", 60, "Create the second key, deploy it, then revoke the first."),
                ("propose", 5, "Explained key rotation."),
                ("accept", 240, ""),
                ("close", 60 * 24, ""),
            ],
            timedelta(days=10),
        ),
    ],
}


def seed() -> list[tuple[str, str, str]]:
    agent = User.objects.filter(email=AGENT).first()
    if agent is None:
        return []
    now = timezone.now()
    for account in Account.objects.filter(name__in=STORIES).prefetch_related("contacts__user"):
        contacts = [c.user for c in account.contacts.all()]
        if not contacts:
            continue
        for i, spec in enumerate(STORIES[account.name]):
            subject, category, answers, steps, age = spec
            requester = contacts[i % len(contacts)]
            case = _story(
                account, requester, agent, (subject, category, dict(answers), steps, age), now
            )
            # Colleagues follow the critical cases of the stories, once, as they are filed
            # (a later run must not add them to cases filed since).
            if case is not None and case.severity == "critical":
                case.followers.add(*[c for c in contacts if c.pk != case.requester_id])
    _seed_hotline(agent, now)
    return []


REPRESENTATIVE = "chris.hotline@example.com"
OVERDUE_SUBJECT = "Every SMTP injection fails with 451 after STARTTLS"


def _record(case, representative, at, phone):
    from cases.services import hotline_record_call

    person = case.requester
    return hotline_record_call(
        recorded_by=representative,
        company_name=case.account.name,
        contact_person=person.full_name or person.email,
        phone=person.phone or phone,
        email=person.email,
        description=case.subject,
        case=case,
        now=at,
    )


def _agree_interval(case, minutes: int, agent, at) -> None:
    """The agent proposes the update interval and the requester accepts it."""
    from cases.services import case_accept_update_interval, case_propose_update_interval

    proposal = case_propose_update_interval(case=case, minutes=minutes, actor=agent, now=at)
    case_accept_update_interval(case=case, actor=case.requester, answering=proposal.pk, now=at)


def _seed_hotline(agent, now) -> None:
    """Hotline calls, callbacks and agreed intervals on the demo critical cases; one
    call and one update already overdue, so the first sweep has work to do."""
    from cases.models import HotlineCall
    from cases.services import callback_log_attempt

    representative = User.objects.filter(email=REPRESENTATIVE).first() or agent
    acme = Account.objects.filter(name="Acme Mail BV").first()
    if acme is not None and acme.contacts.exists():
        requester = acme.contacts.select_related("user").order_by("id").first().user
        if not Case.objects.filter(account=acme, subject=OVERDUE_SUBJECT).exists():
            opened = now - timedelta(minutes=50)
            services.case_open(
                account=acme,
                requester=requester,
                subject=OVERDUE_SUBJECT,
                description="Since the certificate rotation every injection ends in `451`.",
                category=Category.SOFTWARE_BUG,
                smtp_all_failing=True,
                smtp_failure_cause=FailureCause.SERVER,
                now=opened,
            )
    for case in Case.objects.filter(account__name__in=STORIES, severity="critical").select_related(
        "account", "requester"
    ):
        if HotlineCall.objects.filter(case=case).exists():
            continue
        at = case.opened_at + timedelta(minutes=3)
        if at > now:
            at = now
        call = _record(case, representative, at, "+31 20 555 0100")
        if case.subject == OVERDUE_SUBJECT:
            # A reply 40 minutes ago and a 30-minute interval: the update is overdue,
            # and nobody called back yet.
            _agree_interval(case, 30, agent, at + timedelta(minutes=1))
            services.case_reply(
                case=case,
                author=agent,
                body="We are looking at the TLS front ends.",
                now=now - timedelta(minutes=40),
            )
        elif case.status != "new" and at + timedelta(minutes=9) <= now:
            if case.subject == RETRIED_SUBJECT:
                # The first callback went unanswered; the retry reached the customer.
                callback_log_attempt(
                    call=call,
                    agent=agent,
                    outcome="no_answer",
                    notes="No answer on the mobile number; trying the office line.",
                    at=at + timedelta(minutes=4),
                    now=at + timedelta(minutes=4),
                )
            callback_log_attempt(
                call=call,
                agent=agent,
                outcome="reached",
                notes="Gathered the failing request ids.",
                at=at + timedelta(minutes=9),
                now=at + timedelta(minutes=9),
            )
            if case.is_open and case.workaround_at is None:
                _agree_interval(case, 30, agent, at + timedelta(minutes=10))
