"""A customer's reply to a resolved or closed case is never lost: within the reopen window
it reopens the case, after it a new case follows up on the old one; either way the
customer is mailed and the case's owner is told."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent, Status

from ..html import Page
from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(case_a, agent, customer_a):
    services.case_reply(case=case_a, author=agent, body="Fixed on our side.", now=NOW)
    agreement = services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed", now=NOW)
    services.case_accept_resolution(
        case=case_a, customer=customer_a, answering=agreement.pk, now=NOW
    )
    mail.outbox.clear()
    return Case.objects.get(pk=case_a.pk)


def test_a_reply_within_the_window_reopens_the_case_and_tells_both_sides(
    resolved, customer_a, agent
):
    later = NOW + timedelta(days=13)
    message = services.case_customer_reply(
        case=resolved, author=customer_a, body="It is back.", now=later
    )
    case = Case.objects.get(pk=resolved.pk)
    assert message.case_id == case.pk and case.status == Status.IN_PROGRESS
    reopened = CaseEvent.objects.get(case=case, kind="reopened")
    assert reopened.actor == customer_a and reopened.public
    assert [m.to for m in mail.outbox if case.reference in m.subject and m.to == [customer_a.email]]
    (alert,) = [m for m in mail.outbox if m.to == [agent.email]]
    assert "reply reopened the case" in alert.subject
    assert case.response_due_at is not None  # the first response was given long ago


def test_a_reply_after_the_window_opens_a_case_that_follows_up(resolved, customer_a, agent):
    later = NOW + timedelta(days=15)
    message = services.case_customer_reply(
        case=resolved, author=customer_a, body="It is back.", now=later
    )
    new = message.case
    assert new.pk != resolved.pk and new.follows_up == resolved
    assert (new.subject, new.account, new.assigned_agent) == (
        resolved.subject,
        resolved.account,
        agent,
    )
    assert Case.objects.get(pk=resolved.pk).status == Status.RESOLVED
    assert resolved.reference in new.description
    assert CaseEvent.objects.get(case=resolved, kind="followed_up").data == {"follow_up": new.pk}
    # The customer's acknowledgement is the new case's filing mail; the agent is told.
    assert [m for m in mail.outbox if m.to == [customer_a.email] and new.reference in m.subject]
    (alert,) = [m for m in mail.outbox if m.to == [agent.email]]
    assert new.reference in alert.subject and resolved.reference in alert.subject


def test_the_window_is_a_setting(resolved, customer_a, settings):
    settings.CASES_REOPEN_WINDOW_DAYS = 30
    message = services.case_customer_reply(
        case=resolved, author=customer_a, body="Back", now=NOW + timedelta(days=20)
    )
    assert message.case_id == resolved.pk


def test_the_case_page_says_what_a_reply_will_do_and_does_it(resolved, client_a):
    url = reverse("cases:detail", args=[resolved.reference])
    with time_machine.travel(NOW + timedelta(days=1)):
        note = Page(client_a.get(url)).text("[data-testid=reply-after-resolution]")
    assert note == "This case is resolved. Your reply reopens it."
    with time_machine.travel(NOW + timedelta(days=20)):
        note = Page(client_a.get(url)).text("[data-testid=reply-after-resolution]")
        assert "opens a new case that follows up on this one" in note
        response = client_a.post(
            reverse("cases:reply", args=[resolved.reference]), {"body": "Back again"}, follow=True
        )
    new = Case.objects.get(follows_up=resolved)
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[new.reference])
    assert f"your reply opened case {new.reference}" in Page(response)
