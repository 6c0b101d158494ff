"""A case that becomes critical reaches the on-call agents at once, by mail and by the signed
webhook, whichever way it became critical (portal, mail, reclassification); a hotline call
alerts once, with its callback."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from accounts.alerts import SIGNATURE_HEADER, verify
from cases import services
from cases.models import Case, Severity
from tests.accounts.test_alerts import SECRET, Receiver

from .test_admin import act
from .test_views import bug_form

pytestmark = pytest.mark.django_db


def critical_alerts():
    return [m for m in mail.outbox if m.subject.startswith("Critical case")]


def test_a_critical_case_filed_in_the_portal_alerts_on_call_at_once(client_a, agent, manager):
    mail.outbox.clear()
    client_a.post(reverse("cases:new"), bug_form(subject="All API calls fail"))
    case = Case.objects.get()
    (alert,) = critical_alerts()
    assert set(alert.to) == {agent.email, manager.email}
    assert case.reference in alert.subject and case.account.name in alert.subject
    assert "All API calls fail" in alert.body
    assert reverse("admin:cases_case_change", args=[case.pk]) in alert.body
    assert "Filed as critical by" in alert.body and "Portal" in alert.body


def test_the_alert_also_goes_to_the_signed_webhook(client_a, agent, settings):
    with Receiver() as receiver:
        settings.ALERT_WEBHOOK_URL = receiver.url
        settings.ALERT_WEBHOOK_SECRET = SECRET
        client_a.post(reverse("cases:new"), bug_form())
    case = Case.objects.get()
    ((headers, body),) = receiver.requests
    assert verify(body, SECRET, headers[SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["kind"] == "critical_case"
    assert payload["data"]["reference"] == case.reference
    assert payload["data"]["first_response_due_at"] == case.first_response_due_at.isoformat()


def test_a_non_critical_case_alerts_nobody(client_a, agent):
    mail.outbox.clear()
    client_a.post(reverse("cases:new"), bug_form(api_failure_cause="other"))
    assert Case.objects.get().severity == Severity.NON_CRITICAL
    assert critical_alerts() == []


def test_reclassifying_as_critical_in_the_admin_alerts_on_call(agent_client, case_a, agent):
    mail.outbox.clear()
    act(agent_client, case_a, "reclassify", severity="critical", reason="All SMTP fails")
    (alert,) = critical_alerts()
    assert agent.email in alert.to
    assert "Reclassified as critical by" in alert.body and "All SMTP fails" in alert.body


def test_reclassifying_as_non_critical_alerts_nobody(agent, client_a, agent_client):
    client_a.post(reverse("cases:new"), bug_form())
    case = Case.objects.get()
    mail.outbox.clear()
    act(agent_client, case, "reclassify", severity="non_critical", reason="One tenant only")
    assert Case.objects.get().severity == Severity.NON_CRITICAL
    assert critical_alerts() == []


def test_a_hotline_call_that_files_the_case_alerts_once_with_its_callback(
    representative, account_a, customer_a, agent
):
    mail.outbox.clear()
    services.hotline_record_call(
        recorded_by=representative,
        account=account_a,
        company_name="Alpha Mail BV",
        contact_person="Anna",
        phone="+31 20 555 0100",
        email=customer_a.email,
        description="All API calls return 503.",
    )
    staff_mail = [m for m in mail.outbox if agent.email in m.to]
    assert len(staff_mail) == 1
    assert "hotline" in staff_mail[0].subject.lower()
