"""A mailed reply to a resolved or closed case is never quarantined for it: it reopens the
case within the reopen window, else it opens a case that follows up on the old one."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Case, Status
from inbound.models import Outcome
from inbound.services import ingest

from .conftest import OUR_NOTIFICATION, corpus_bytes

pytestmark = pytest.mark.django_db


def close(case, agent, ended):
    # Resolved by mutual agreement and closed, as the case's history would have it.
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, resolved_at=ended, closed_at=ended, first_response_at=ended
    )
    mail.outbox.clear()


def test_a_mailed_reply_reopens_a_case_closed_yesterday(world, notification):
    notification(OUR_NOTIFICATION, 123)
    case = world.cases[123]
    close(case, world.agent, timezone.now() - timedelta(days=1))
    row = ingest(corpus_bytes("gmail-reply.eml"))
    assert (row.outcome, row.case_id) == (Outcome.POSTED, case.pk)
    assert Case.objects.get(pk=case.pk).status == Status.IN_PROGRESS
    # The customer's acknowledgement: the mail that the case is reopened.
    assert [m for m in mail.outbox if m.to == ["anna@acme.example"] and case.reference in m.subject]


def test_a_mailed_reply_weeks_after_opens_a_follow_up_case(world, notification):
    notification(OUR_NOTIFICATION, 123)
    case = world.cases[123]
    close(case, world.agent, timezone.now() - timedelta(days=40))
    row = ingest(corpus_bytes("gmail-reply.eml"))
    new = Case.objects.get(follows_up=case)
    assert (row.outcome, row.case_id) == (Outcome.OPENED, new.pk)
    assert row.case_message.case_id == new.pk
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    assert [m for m in mail.outbox if m.to == ["anna@acme.example"] and new.reference in m.subject]
