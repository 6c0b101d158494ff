"""Every customer action after the first response (a reply, with or without attachments,
a rejected resolution, an escalation, a new update interval) reaches the case's owner at
once and puts a response deadline on the case from its SLA policy: office hours for a
non-critical case, the wall clock for a critical one. The queue, the sweep and the SLA
report work to it; our next public update meets it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import deadlines, services
from cases.models import Case, CaseEvent, SlaNotice

from ..html import Page
from .conftest import NOW
from .test_admin import queue_rows

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
FRIDAY_3PM = datetime(2026, 11, 27, 15, 0, tzinfo=AMS)
MONDAY_11AM = datetime(2026, 11, 30, 11, 0, tzinfo=AMS)


def alerts_to(address):
    return [m for m in mail.outbox if m.to == [address] and "respond by" in m.subject]


@pytest.fixture
def answered(case_a, agent):
    """A non-critical case the agent answered on Wednesday morning: theirs, first response met."""
    services.case_reply(case=case_a, author=agent, body="Looking into it.", now=NOW)
    mail.outbox.clear()
    return Case.objects.get(pk=case_a.pk)


def test_a_customer_reply_on_friday_afternoon_is_due_monday_by_office_hours(
    answered, customer_a, agent
):
    services.case_customer_reply(case=answered, author=customer_a, body="Logs.", now=FRIDAY_3PM)
    case = Case.objects.get(pk=answered.pk)
    # 240 office minutes: two left on Friday (15-17), two on Monday (9-11).
    assert (case.response_due_at, case.next_due_kind) == (MONDAY_11AM, "response")
    assert case.response_due_at == deadlines.response_due(case)
    (alert,) = alerts_to(agent.email)
    assert case.reference in alert.subject and "the customer replied" in alert.subject
    # In the agent's own time zone.
    assert "2026-11-30 11:00 CET" in alert.subject


def test_a_reply_with_attachments_says_so(answered, client_a, agent):
    upload = SimpleUploadedFile("smtp.log", b"421 4.3.2", content_type="text/plain")
    client_a.post(
        reverse("cases:reply", args=[answered.reference]),
        {"body": "The log.", "attachments": [upload]},
    )
    (alert,) = alerts_to(agent.email)
    assert "with 1 attachment" in alert.subject


def test_a_critical_case_s_response_runs_on_the_wall_clock(critical_case_a, agent, customer_a):
    sunday = datetime(2026, 11, 29, 3, 0, tzinfo=AMS)
    services.case_reply(case=critical_case_a, author=agent, body="On it.", now=sunday)
    later = sunday + timedelta(minutes=40)
    services.case_customer_reply(
        case=critical_case_a, author=customer_a, body="Still down", now=later
    )
    case = Case.objects.get(pk=critical_case_a.pk)
    assert case.response_due_at == later + timedelta(minutes=15)


def test_an_unassigned_case_alerts_on_call(case_a, agent, manager, customer_a, representative):
    # A first response by a representative's note does not assign; make it public by
    # an agent and unassign, as a manager would to hand it over.
    services.case_reply(case=case_a, author=agent, body="Hello", now=NOW)
    Case.objects.filter(pk=case_a.pk).update(assigned_agent=None)
    mail.outbox.clear()
    services.case_customer_reply(case=case_a, author=customer_a, body="More", now=NOW)
    (alert,) = [m for m in mail.outbox if "respond by" in m.subject]
    assert set(alert.to) == {agent.email, manager.email}


def test_before_the_first_response_the_owner_is_told_and_that_deadline_stands(
    case_a, customer_a, agent
):
    services.case_customer_reply(case=case_a, author=customer_a, body="More", now=NOW)
    case = Case.objects.get(pk=case_a.pk)
    assert case.response_due_at is None and case.next_due_kind == "first_response"
    (alert,) = [m for m in mail.outbox if "respond by" in m.subject]
    assert "2026-11-25 14:00 CET" in alert.subject  # the first response's, 4 office hours


def test_our_next_public_reply_meets_it_and_the_report_counts_it(answered, customer_a, agent):
    services.case_customer_reply(case=answered, author=customer_a, body="Logs.", now=FRIDAY_3PM)
    services.case_reply(
        case=answered, author=agent, body="Thanks.", now=MONDAY_11AM - timedelta(hours=1)
    )
    case = Case.objects.get(pk=answered.pk)
    assert (case.customer_action_at, case.response_due_at) == (None, None)
    fulfilled = CaseEvent.objects.get(
        case=case, kind="sla_fulfilled", data__deadline_kind="response"
    )
    assert fulfilled.data["met"] is True
    assert datetime.fromisoformat(fulfilled.data["due"]) == MONDAY_11AM


def test_only_the_first_action_since_our_update_starts_the_clock(answered, customer_a):
    services.case_customer_reply(case=answered, author=customer_a, body="One", now=FRIDAY_3PM)
    services.case_customer_reply(
        case=answered, author=customer_a, body="Two", now=FRIDAY_3PM + timedelta(hours=1)
    )
    assert Case.objects.get(pk=answered.pk).response_due_at == MONDAY_11AM


def test_the_sweep_warns_the_owner_then_escalates_a_late_response(
    answered, customer_a, agent, manager, tam_a
):
    services.case_customer_reply(case=answered, author=customer_a, body="Logs.", now=FRIDAY_3PM)
    mail.outbox.clear()
    assert services.sla_sweep(now=MONDAY_11AM - timedelta(minutes=3))["response_warning"] == 1
    (warning,) = [m for m in mail.outbox if "SLA warning" in m.subject]
    assert warning.to == [agent.email] and "response to the customer" in warning.subject
    mail.outbox.clear()
    assert services.sla_sweep(now=MONDAY_11AM + timedelta(minutes=1))["response_breach"] == 1
    assert services.sla_sweep(now=MONDAY_11AM + timedelta(minutes=2))["response_breach"] == 0
    (breach,) = [m for m in mail.outbox if "SLA breached" in m.subject]
    assert tam_a.email in breach.to
    assert SlaNotice.objects.filter(kind="response").count() == 2


def test_the_queue_shows_the_response_deadline(answered, customer_a, agent_client):
    services.case_customer_reply(case=answered, author=customer_a, body="Logs.", now=FRIDAY_3PM)
    (row,) = queue_rows(agent_client.get(reverse("admin:cases_case_changelist")))
    assert "response to the customer" in row["deadline"]
    assert "2026-11-30 11:00" in row["deadline"]


def test_the_customer_sees_when_we_will_respond(answered, customer_a, client_a):
    services.case_customer_reply(case=answered, author=customer_a, body="Logs.", now=FRIDAY_3PM)
    with time_machine.travel(FRIDAY_3PM + timedelta(hours=1)):
        html = Page(client_a.get(reverse("cases:list")))
    assert html.text("[data-testid=respond-by]") == "We will respond by Mon 30 Nov 2026, 11:00"


def test_a_rejected_resolution_waits_for_our_response(answered, customer_a, agent):
    agreement = services.case_propose_resolution(
        case=answered, actor=agent, summary="Fixed", now=NOW
    )
    mail.outbox.clear()
    services.case_reject_resolution(
        case=answered,
        customer=customer_a,
        reason="Still bouncing",
        answering=agreement.pk,
        now=FRIDAY_3PM,
    )
    assert Case.objects.get(pk=answered.pk).response_due_at == MONDAY_11AM
    (alert,) = alerts_to(agent.email)
    assert "rejected the proposed resolution" in alert.subject


def test_an_escalation_waits_for_our_response_and_tells_the_agent(
    answered, customer_a, agent, tam_a
):
    services.case_escalate(case=answered, customer=customer_a, reason="Too slow", now=FRIDAY_3PM)
    assert Case.objects.get(pk=answered.pk).response_due_at == MONDAY_11AM
    (alert,) = alerts_to(agent.email)
    assert "escalated" in alert.subject
    assert any(tam_a.email in m.to for m in mail.outbox)  # the TAM's own mail, as before


def test_a_new_update_interval_from_the_customer_waits_for_our_response(
    critical_case_a, agent, customer_a
):
    services.case_reply(case=critical_case_a, author=agent, body="On it.", now=NOW)
    mail.outbox.clear()
    services.case_propose_update_interval(
        case=critical_case_a, minutes=120, actor=customer_a, now=NOW
    )
    case = Case.objects.get(pk=critical_case_a.pk)
    assert case.response_due_at == NOW + timedelta(minutes=15)
    (alert,) = alerts_to(agent.email)
    assert "proposes a new update interval: every 120 minutes" in alert.subject
