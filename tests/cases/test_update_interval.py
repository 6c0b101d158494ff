"""The update interval agreed with the customer for a critical case."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases import services
from cases.models import CaseEvent, DeadlineKind, SlaNotice, Status

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_a_critical_case_starts_with_the_policy_interval(critical_case_a):
    assert critical_case_a.agreed_update_interval == 60
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=60)


def test_a_thirty_minute_interval_fires_on_time_and_stops_at_the_workaround(critical_case_a, agent):
    services.case_agree_update_interval(
        case=critical_case_a, minutes=30, agreed_by="Anna", actor=agent, now=NOW
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=30)
    assert services.sla_sweep(now=NOW + timedelta(minutes=19))["next_update_warning"] == 0
    assert services.sla_sweep(now=NOW + timedelta(minutes=20))["next_update_warning"] == 1
    assert services.sla_sweep(now=NOW + timedelta(minutes=31))["next_update_breach"] == 1
    services.case_reply(
        case=critical_case_a, author=agent, body="Still on it.", now=NOW + timedelta(minutes=40)
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=70)
    late = CaseEvent.objects.get(kind="sla_fulfilled", data__deadline_kind="next_update")
    assert late.data["met"] is False
    services.case_provide_workaround(
        case=critical_case_a,
        actor=agent,
        body="Use the EU endpoint.",
        now=NOW + timedelta(minutes=50),
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at is None
    assert not services.sla_sweep(now=NOW + timedelta(hours=5))["next_update_breach"]


def test_renegotiation_moves_the_deadline_and_is_on_record(critical_case_a, customer_a, agent):
    services.case_agree_update_interval(
        case=critical_case_a, minutes=30, agreed_by="Anna", actor=agent, now=NOW
    )
    services.case_agree_update_interval(
        case=critical_case_a,
        minutes=120,
        agreed_by="Anna",
        actor=customer_a,
        now=NOW + timedelta(minutes=10),
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=130)
    sides = list(
        CaseEvent.objects.filter(kind="interval_agreed").values_list("data__side", flat=True)
    )
    assert sides == ["staff", "customer"]


def test_a_daily_interval_agreed_after_the_workaround_restarts_the_clock(critical_case_a, agent):
    services.case_provide_workaround(case=critical_case_a, actor=agent, body="x", now=NOW)
    services.case_agree_update_interval(
        case=critical_case_a, minutes=1440, agreed_by="Anna", actor=agent, now=NOW
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=1440)


def test_an_interval_out_of_range_is_refused_with_a_sentence(critical_case_a, agent):
    with pytest.raises(services.CaseError, match="between"):
        services.case_agree_update_interval(
            case=critical_case_a, minutes=1, agreed_by="Anna", actor=agent
        )


def test_the_customer_renegotiates_on_the_case_page(critical_case_a, client_a):
    url = reverse("cases:interval", args=[critical_case_a.reference])
    response = client_a.post(url, {"minutes": "240"})
    assert response.status_code == 302
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 240


def test_the_other_account_cannot_renegotiate(critical_case_a, client_b):
    url = reverse("cases:interval", args=[critical_case_a.reference])
    assert client_b.post(url, {"minutes": "240"}).status_code == 404


def test_the_sla_sweep_command_prints_what_it_did(critical_case_a, capsys):
    call_command("sla_sweep")
    out = capsys.readouterr().out
    assert "first_response_breach: 1" in out
    assert "next_update_breach: 1" in out


def test_a_customer_cannot_agree_an_interval_on_a_non_critical_case(case_a, customer_a):
    with pytest.raises(services.CaseError, match="critical case"):
        services.case_agree_update_interval(
            case=case_a, minutes=30, agreed_by="Anna", actor=customer_a, now=NOW
        )
    case_a.refresh_from_db()
    assert case_a.next_update_due_at is None
    assert not case_a.events.filter(kind="interval_agreed").exists()


def test_posting_an_interval_on_a_non_critical_case_changes_nothing(case_a, client_a):
    url = reverse("cases:interval", args=[case_a.reference])
    response = client_a.post(url, {"minutes": "30"})
    assert response.status_code == 409
    assert "critical case" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.agreed_update_interval is None
    assert case_a.next_update_due_at is None
    sweep = services.sla_sweep(now=NOW + timedelta(hours=2))
    assert sweep["next_update_breach"] == 0


def test_the_update_clock_stops_while_the_case_waits_on_the_customer(critical_case_a, agent):
    services.case_reply(case=critical_case_a, author=agent, body="Please send the logs.", now=NOW)
    services.case_set_status(
        case=critical_case_a,
        status=Status.WAITING_ON_CUSTOMER,
        actor=agent,
        now=NOW + timedelta(minutes=10),
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at is None
    sweep = services.sla_sweep(now=NOW + timedelta(hours=5))
    assert sweep["next_update_breach"] == 0
    assert not SlaNotice.objects.filter(kind=DeadlineKind.NEXT_UPDATE).exists()

    resumed = NOW + timedelta(hours=6)
    services.case_customer_reply(
        case=critical_case_a, author=critical_case_a.requester, body="Logs attached.", now=resumed
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at == resumed + timedelta(minutes=60)


def test_a_proposed_resolution_pauses_the_update_clock_until_the_customer_answers(
    critical_case_a, agent, customer_a
):
    services.case_reply(case=critical_case_a, author=agent, body="On it.", now=NOW)
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=60)
    proposal = services.case_propose_resolution(
        case=critical_case_a, actor=agent, summary="Fixed.", now=NOW + timedelta(minutes=20)
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at is None  # the customer has the next move
    met = CaseEvent.objects.filter(kind="sla_fulfilled", data__deadline_kind="next_update")
    assert met.latest("at").at == NOW + timedelta(minutes=20)  # the proposal is an update
    assert met.latest("at").data["met"] is True
    services.case_reject_resolution(
        case=critical_case_a,
        customer=customer_a,
        reason="Still failing.",
        answering=proposal.pk,
        now=NOW + timedelta(hours=3),
    )
    critical_case_a.refresh_from_db()
    # Back to work: a full interval from the answer, not overdue from before the wait.
    assert critical_case_a.next_update_due_at == NOW + timedelta(hours=4)
