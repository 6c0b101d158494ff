"""seed_demo's inbound mail: a reply by email on a case's thread (on the portal case
page), a stranger quoting a real reference in quarantine, a delivery failure on its
case; a second run changes nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from cases.models import Case
from demo.inbound import BOUNCED_CASE, QUOTED_CASE, REPLY_CASE
from inbound.models import InboundMessage, Outcome

from ..html import text

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return {
        model._meta.label: sorted(model.objects.values_list("pk", flat=True))
        for model in apps.get_models()
        if model._meta.app_label in ("inbound", "cases")
    }


def test_seed_demo_adds_inbound_mail_once():
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    counts = dict(InboundMessage.objects.values_list("pk", "times_received"))
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first
    assert dict(InboundMessage.objects.values_list("pk", "times_received")) == counts

    replied = Case.objects.get(subject=REPLY_CASE)
    reply = InboundMessage.objects.get(outcome=Outcome.POSTED)
    assert (reply.case, reply.case_message.author) == (replied, replied.requester)
    client = Client()
    client.force_login(replied.requester)
    response = client.get(reverse("cases:detail", args=[replied.reference]))
    assert "dlv_3c1e9a07" in text(response.content, "[data-testid=timeline]")

    quoted = Case.objects.get(subject=QUOTED_CASE)
    stranger = InboundMessage.objects.get(outcome=Outcome.QUARANTINED)
    assert stranger.case == quoted and quoted.reference in stranger.subject
    assert not User.objects.filter(email=stranger.from_address).exists()

    failure = InboundMessage.objects.get(outcome=Outcome.DELIVERY_FAILURE)
    bounced = Case.objects.get(subject=BOUNCED_CASE)
    assert (failure.case, failure.failed_recipient) == (bounced, bounced.requester.email)
    assert failure.delivery_status == "5.2.2"
