"""Every case mail says in its subject what happened; a reply that also makes the case
wait on the customer is one mail; the filing's mail says when we respond, in the
reader's language and time zone."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from cases import services
from cases.models import CaseEvent, Status
from tests.html import one, page

from .conftest import NOW
from .test_admin import act

pytestmark = pytest.mark.django_db


def _subjects(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


def _propose(case, agent):
    services.case_propose_resolution(case=case, actor=agent, summary="Fixed", now=NOW)


def _accept(case, agent):
    _propose(case, agent)
    mail.outbox.clear()
    services.case_accept_resolution(case=case, customer=case.requester, now=NOW)


def _close(case, agent):
    _accept(case, agent)
    mail.outbox.clear()
    services.case_close(case=case, actor=agent, now=NOW)


def _reopen(case, agent):
    _close(case, agent)
    mail.outbox.clear()
    services.case_reopen(case=case, actor=agent, reason="It came back", now=NOW)


EVENTS = {
    "reply": (
        lambda case, agent: services.case_reply(case=case, author=agent, body="Hi", now=NOW),
        "Reply from support",
        "Reactie van support",
    ),
    "workaround": (
        lambda case, agent: services.case_provide_workaround(
            case=case, actor=agent, body="Use port 2525", now=NOW
        ),
        "Workaround available",
        "Tijdelijke oplossing beschikbaar",
    ),
    "proposal": (
        _propose,
        "Proposed resolution awaits your answer",
        "Voorgestelde oplossing wacht op uw antwoord",
    ),
    "resolved": (_accept, "Resolved", "Opgelost"),
    "closed": (_close, "Closed", "Gesloten"),
    "reopened": (_reopen, "Reopened", "Heropend"),
    "waiting": (
        lambda case, agent: services.case_set_status(
            case=case, status=Status.WAITING_ON_CUSTOMER, actor=agent, now=NOW
        ),
        "Waiting for your information",
        "Wacht op uw informatie",
    ),
    "reclassified": (
        lambda case, agent: services.case_reclassify(
            case=case, actor=agent, severity="critical", reason="All calls fail", now=NOW
        ),
        "Severity changed to Critical issue",
        "Ernst gewijzigd in Kritisch probleem",
    ),
}


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_subject_says_what_happened(case_a, agent, customer_a, event, language):
    customer_a.language = language
    customer_a.save(update_fields=["language"])
    do, english, dutch = EVENTS[event]
    do(case_a, agent)
    what = english if language == "en" else dutch
    assert _subjects(customer_a.email)[-1] == f"[{case_a.reference}] {what}: {case_a.subject}"


def test_the_filing_s_subject_and_the_response_deadline_in_the_reader_s_zone(
    customer_b, account_b, settings
):
    """Bob reads New York time: filed 04:00 there on a Wednesday, answered by 13:00."""
    case = services.case_open(
        account=account_b,
        requester=customer_b,
        subject="Question about DKIM",
        description="How do we rotate keys?",
        category="information",
        now=NOW,
    )
    (sent,) = mail.outbox
    assert sent.subject == f"[{case.reference}] Case received: {case.subject}"
    due = case.first_response_due_at
    assert due > NOW
    from django.utils import formats, timezone

    with timezone.override("America/New_York"):
        when = formats.date_format(timezone.localtime(due), "D j M Y, H:i")
    sentence = f"A support agent responds by {when} (America/New_York time)."
    assert sentence in sent.body
    assert sentence in sent.alternatives[0][0]


def test_a_reply_that_waits_on_the_customer_is_one_mail_through_the_admin(
    agent_client, case_a, customer_a
):
    response = act(
        agent_client,
        case_a,
        "reply",
        body="Which sending domain is it?",
        wait_on_customer="on",
    )
    assert response.status_code == 200
    case_a.refresh_from_db()
    assert case_a.status == Status.WAITING_ON_CUSTOMER and case_a.waiting_since is not None
    (sent,) = mail.outbox
    assert sent.to == [customer_a.email]
    assert sent.subject == f"[{case_a.reference}] Reply: we need your information: {case_a.subject}"
    assert "Which sending domain is it?" in sent.body
    assert "waits for the information asked below" in sent.body
    assert "Status: Waiting on customer" in sent.body
    # The move is on record, and on the customer's timeline, but was not mailed apart.
    moved = CaseEvent.objects.get(case=case_a, kind="status_changed")
    assert moved.to_status == Status.WAITING_ON_CUSTOMER


def test_a_reply_alone_keeps_the_status_it_brings(agent_client, case_a):
    act(agent_client, case_a, "reply", body="Looking into it")
    case_a.refresh_from_db()
    assert case_a.status == Status.IN_PROGRESS
    assert len(mail.outbox) == 1


def test_a_reply_on_a_proposed_resolution_cannot_wait_on_the_customer(agent, case_a):
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed", now=NOW)
    mail.outbox.clear()
    with pytest.raises(services.CaseError, match="cannot become"):
        services.case_reply(
            case=case_a,
            author=agent,
            body="?",
            wait_on_customer=True,
            now=NOW + timedelta(minutes=1),
        )
    assert mail.outbox == []


def test_the_reply_form_offers_the_wait(agent_client, case_a):
    tree = page(agent_client.get(reverse("admin:cases_case_change", args=[case_a.pk])))
    reply = one(tree, "details[data-action=reply] form")
    one(reply, "input[type=checkbox][name=reply-wait_on_customer]")
