"""The update interval by mutual agreement: one side proposes, the other accepts or
declines; proposal and answer are on record, and an overdue update is never erased."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from cases import selectors, services
from cases.models import CaseEvent, DeadlineKind, IntervalProposal, SlaNotice, Status
from tests.html import absent, attr, one, page, select, text

from .conftest import NOW

pytestmark = pytest.mark.django_db

Outcome = IntervalProposal.Outcome


def agree(case, minutes, *, agent, customer, now=NOW):
    """Staff propose the interval and the customer accepts it."""
    proposal = services.case_propose_update_interval(
        case=case, minutes=minutes, actor=agent, now=now
    )
    services.case_accept_update_interval(case=case, actor=customer, answering=proposal.pk, now=now)
    case.refresh_from_db()
    return proposal


def kinds(case) -> list[tuple[str, str]]:
    events = case.events.filter(kind__startswith="interval_").select_related("actor")
    return [(e.kind, e.actor.email) for e in events]


def test_a_critical_case_starts_with_the_policy_interval(critical_case_a):
    assert critical_case_a.agreed_update_interval == 60
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=60)


def test_a_thirty_minute_interval_fires_on_time_and_stops_at_the_workaround(
    critical_case_a, agent, customer_a
):
    agree(critical_case_a, 30, agent=agent, customer=customer_a)
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


def test_a_customers_proposal_changes_nothing_until_staff_accept_it(
    critical_case_a, customer_a, agent
):
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=30, actor=customer_a, now=NOW
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=60)
    assert (proposal.side, proposal.outcome) == ("customer", Outcome.PENDING)

    later = NOW + timedelta(minutes=5)
    services.case_accept_update_interval(
        case=critical_case_a, actor=agent, answering=proposal.pk, now=later
    )
    critical_case_a.refresh_from_db()
    proposal.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 30
    assert critical_case_a.next_update_due_at == later + timedelta(minutes=30)
    assert critical_case_a.update_interval_agreed_by == customer_a.full_name
    assert critical_case_a.update_interval_agreed_at == later
    assert (proposal.outcome, proposal.decided_by, proposal.decided_at) == (
        Outcome.ACCEPTED,
        agent,
        later,
    )
    assert kinds(critical_case_a) == [
        ("interval_proposed", customer_a.email),
        ("interval_agreed", agent.email),
    ]


def test_staffs_proposal_takes_effect_when_the_customer_accepts_and_is_mailed(
    critical_case_a, agent, customer_a
):
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=120, actor=agent, now=NOW
    )
    (proposed,) = mail.outbox
    assert proposed.to == [customer_a.email]
    assert "every 120 minutes" in proposed.body
    assert "accept or decline" in proposed.body
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60

    services.case_accept_update_interval(
        case=critical_case_a, actor=customer_a, answering=proposal.pk, now=NOW
    )
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 120
    assert len(mail.outbox) == 1  # the customer's own answer is not mailed back to them


def test_a_side_cannot_accept_its_own_proposal(critical_case_a, customer_a, agent, manager):
    mine = services.case_propose_update_interval(
        case=critical_case_a, minutes=30, actor=customer_a, now=NOW
    )
    with pytest.raises(services.CaseError, match="other side"):
        services.case_accept_update_interval(case=critical_case_a, actor=customer_a)
    theirs = services.case_propose_update_interval(
        case=critical_case_a, minutes=90, actor=agent, now=NOW
    )
    with pytest.raises(services.CaseError, match="other side"):
        services.case_accept_update_interval(case=critical_case_a, actor=manager)
    with pytest.raises(services.CaseError, match="other side"):
        services.case_decline_update_interval(case=critical_case_a, actor=agent)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.outcome, theirs.outcome) == (Outcome.REPLACED, Outcome.PENDING)
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60


def test_a_new_proposal_replaces_the_pending_one_on_record(critical_case_a, customer_a, agent):
    first = services.case_propose_update_interval(
        case=critical_case_a, minutes=30, actor=customer_a, now=NOW
    )
    second = services.case_propose_update_interval(
        case=critical_case_a, minutes=240, actor=agent, now=NOW + timedelta(minutes=1)
    )
    first.refresh_from_db()
    assert (first.outcome, first.decided_by) == (Outcome.REPLACED, agent)
    assert list(critical_case_a.interval_proposals.filter(outcome="pending")) == [second]
    event = critical_case_a.events.filter(kind="interval_proposed").last()
    assert event.data["replaces"] == first.pk
    # An answer to the proposal read before it was replaced never lands on the new one.
    with pytest.raises(services.CaseError, match="changed while you read it"):
        services.case_accept_update_interval(
            case=critical_case_a, actor=customer_a, answering=first.pk
        )
    second.refresh_from_db()
    assert second.outcome == Outcome.PENDING


def test_a_declined_proposal_keeps_the_agreed_interval_and_waits_for_our_response(
    critical_case_a, agent, customer_a
):
    services.case_reply(case=critical_case_a, author=agent, body="On it.", now=NOW)
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=240, actor=agent, now=NOW
    )
    mail.outbox.clear()
    later = NOW + timedelta(minutes=10)
    services.case_decline_update_interval(
        case=critical_case_a, actor=customer_a, answering=proposal.pk, now=later
    )
    critical_case_a.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.outcome == Outcome.DECLINED
    assert critical_case_a.agreed_update_interval == 60
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=60)
    assert critical_case_a.response_due_at == later + timedelta(minutes=15)
    (alert,) = [m for m in mail.outbox if agent.email in m.to]
    assert "declined the proposed update interval" in alert.subject


def test_staffs_answer_to_the_customers_proposal_is_mailed_to_the_customer(
    critical_case_a, agent, customer_a
):
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=30, actor=customer_a, now=NOW
    )
    mail.outbox.clear()
    services.case_decline_update_interval(
        case=critical_case_a, actor=agent, answering=proposal.pk, now=NOW
    )
    (declined,) = [m for m in mail.outbox if customer_a.email in m.to]
    assert "declined the update interval you proposed (every 30 minutes)" in declined.body


def test_an_overdue_update_is_not_erased_by_a_new_interval(critical_case_a, agent, customer_a):
    services.case_reply(
        case=critical_case_a, author=agent, body="On it.", now=NOW + timedelta(minutes=5)
    )
    due = NOW + timedelta(minutes=65)
    late = NOW + timedelta(minutes=95)
    assert services.sla_sweep(now=due + timedelta(minutes=1))["next_update_breach"] == 1
    agree(critical_case_a, 240, agent=agent, customer=customer_a, now=late)
    assert critical_case_a.agreed_update_interval == 240
    # Still due at 11:00, and late: the new interval applies from the next update on.
    assert critical_case_a.next_update_due_at == due
    assert critical_case_a.next_due_at == due
    agreed = critical_case_a.events.get(kind="interval_agreed")
    assert datetime.fromisoformat(agreed.data["overdue_update_due"]) == due
    assert services.sla_sweep(now=late + timedelta(minutes=1))["next_update_breach"] == 0

    given = late + timedelta(minutes=10)
    services.case_reply(case=critical_case_a, author=agent, body="Update.", now=given)
    critical_case_a.refresh_from_db()
    assert critical_case_a.next_update_due_at == given + timedelta(minutes=240)
    fulfilled = CaseEvent.objects.filter(kind="sla_fulfilled", data__deadline_kind="next_update")
    (kept,) = [e for e in fulfilled if datetime.fromisoformat(e.data["due"]) == due]
    assert kept.data["met"] is False
    report = selectors.sla_attainment_this_month(critical_case_a.account, given, UTC)["rows"]
    (row,) = [r["row"] for r in report if r["row"].kind == "next_update"]
    assert (row.total, row.met) == (2, 1)  # the first update in time, the kept one late
    assert row.breached == [(critical_case_a.pk, critical_case_a.reference)]


def test_an_update_overdue_before_the_sweep_ran_stays_a_breach_in_the_report(
    critical_case_a, agent, customer_a
):
    due = NOW + timedelta(minutes=60)
    # A shorter interval, accepted the minute the update fell due.
    agree(critical_case_a, 15, agent=agent, customer=customer_a, now=due + timedelta(minutes=1))
    assert critical_case_a.next_update_due_at == due
    assert services.sla_sweep(now=due + timedelta(minutes=2))["next_update_breach"] == 1
    assert SlaNotice.objects.get(kind=DeadlineKind.NEXT_UPDATE, stage="breach").deadline == due


def test_an_interval_agreed_in_time_restarts_the_clock(critical_case_a, agent, customer_a):
    agree(critical_case_a, 30, agent=agent, customer=customer_a, now=NOW)
    agree(critical_case_a, 120, agent=agent, customer=customer_a, now=NOW + timedelta(minutes=10))
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=130)


def test_a_daily_interval_agreed_after_the_workaround_restarts_the_clock(
    critical_case_a, agent, customer_a
):
    services.case_provide_workaround(case=critical_case_a, actor=agent, body="x", now=NOW)
    agree(critical_case_a, 1440, agent=agent, customer=customer_a, now=NOW)
    assert critical_case_a.next_update_due_at == NOW + timedelta(minutes=1440)


def test_an_interval_out_of_range_is_refused_with_a_sentence(critical_case_a, agent):
    with pytest.raises(services.CaseError, match="between"):
        services.case_propose_update_interval(case=critical_case_a, minutes=1, actor=agent)


def test_a_customer_cannot_propose_an_interval_on_a_non_critical_case(case_a, customer_a):
    with pytest.raises(services.CaseError, match="critical case"):
        services.case_propose_update_interval(case=case_a, minutes=30, actor=customer_a, now=NOW)
    case_a.refresh_from_db()
    assert case_a.next_update_due_at is None
    assert not case_a.interval_proposals.exists()


def test_a_proposal_on_a_closed_case_cannot_be_answered(critical_case_a, agent, customer_a):
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=30, actor=agent, now=NOW
    )
    services.case_propose_resolution(case=critical_case_a, actor=agent, summary="Fixed.", now=NOW)
    services.case_accept_resolution(case=critical_case_a, customer=customer_a, now=NOW)
    with pytest.raises(services.CaseError, match="no longer open"):
        services.case_accept_update_interval(
            case=critical_case_a, actor=customer_a, answering=proposal.pk
        )


# --- the customer's case page ------------------------------------------------------


@pytest.fixture
def at_now():
    """The pages are read and posted at NOW, when no update is overdue yet."""
    with time_machine.travel(NOW, tick=False):
        yield


def detail(client, case):
    response = client.get(reverse("cases:detail", args=[case.reference]))
    assert response.status_code == 200
    return page(response)


def test_the_customer_proposes_on_the_case_page(critical_case_a, client_a, customer_a, agent):
    url = reverse("cases:interval", args=[critical_case_a.reference])
    response = client_a.post(url, {"minutes": "240"})
    assert response.status_code == 302
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60
    assert critical_case_a.interval_proposals.get().minutes == 240
    assert any(agent.email in m.to for m in mail.outbox)  # no owner yet: on-call is told
    tree = detail(client_a, critical_case_a)
    assert "proposed every 240 minutes" in text(tree, "[data-testid=own-interval-proposal]")
    absent(tree, "[data-testid=interval-proposal]")  # no buttons for one's own proposal
    assert "Update interval proposed: every 240 minutes" in text(tree, "[data-testid=timeline]")


def test_the_customer_accepts_staffs_proposal_on_the_case_page(
    critical_case_a, client_a, customer_a, agent, at_now
):
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=120, actor=agent, now=NOW
    )
    tree = detail(client_a, critical_case_a)
    card = one(tree, "[data-testid=interval-proposal]")
    assert "We propose to send you an update every 120 minutes." in text(card)
    answering = {el.get("value") for el in select(card, "input[name=answering]")}
    assert answering == {str(proposal.pk)}

    url = reverse("cases:interval_accept", args=[critical_case_a.reference])
    response = client_a.post(url, {"answering": proposal.pk})
    assert response.status_code == 302
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 120
    tree = detail(client_a, critical_case_a)
    absent(tree, "[data-testid=interval-proposal]")
    assert "every 120 minutes" in text(tree, "[data-testid=update-interval]")
    timeline = text(tree, "[data-testid=timeline]")
    assert f"Update interval agreed: every 120 minutes · {customer_a}" in timeline


def test_the_customer_declines_staffs_proposal_on_the_case_page(critical_case_a, client_a, agent):
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=120, actor=agent, now=NOW
    )
    url = reverse("cases:interval_decline", args=[critical_case_a.reference])
    assert client_a.post(url, {"answering": proposal.pk}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.outcome == Outcome.DECLINED
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60


def test_an_answer_to_a_replaced_proposal_shows_a_sentence(critical_case_a, client_a, agent):
    old = services.case_propose_update_interval(
        case=critical_case_a, minutes=120, actor=agent, now=NOW
    )
    services.case_propose_update_interval(case=critical_case_a, minutes=90, actor=agent, now=NOW)
    url = reverse("cases:interval_accept", args=[critical_case_a.reference])
    response = client_a.post(url, {"answering": old.pk}, follow=True)
    assert "changed while you read it" in text(page(response), "[data-testid=message]")
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60


def test_the_other_account_cannot_propose(critical_case_a, client_b):
    url = reverse("cases:interval", args=[critical_case_a.reference])
    assert client_b.post(url, {"minutes": "240"}).status_code == 404
    assert not critical_case_a.interval_proposals.exists()


@pytest.mark.parametrize("answer", ["interval_accept", "interval_decline"])
def test_a_customer_of_another_account_cannot_answer(critical_case_a, client_b, agent, answer):
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=120, actor=agent, now=NOW
    )
    url = reverse(f"cases:{answer}", args=[critical_case_a.reference])
    assert client_b.post(url, {"answering": proposal.pk}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.outcome == Outcome.PENDING
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60


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


# --- the staff case page -----------------------------------------------------------


def act(client, case, action, **data):
    return client.post(
        reverse("admin:cases_case_act", args=[case.pk, action]),
        {f"{action}-{k}": v for k, v in data.items()},
        follow=True,
    )


def staff_page(client, case):
    return page(client.get(reverse("admin:cases_case_change", args=[case.pk])))


def test_staff_propose_in_the_admin_and_the_customer_answers(
    critical_case_a, agent_client, customer_a
):
    response = act(agent_client, critical_case_a, "propose_interval", minutes="45")
    assert response.status_code == 200
    proposal = critical_case_a.interval_proposals.get()
    assert (proposal.minutes, proposal.side) == (45, "staff")
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60
    tree = page(response)
    shown = text(tree, "[data-testid=interval-proposal]")
    assert "Proposed: updates every 45 minutes" in shown
    assert "awaiting the customer's answer" in shown
    absent(tree, "[data-action=accept_interval]")  # staff do not accept their own


def test_staff_accept_the_customers_proposal_in_the_admin(
    critical_case_a, agent_client, agent, customer_a, at_now
):
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=30, actor=customer_a, now=NOW
    )
    tree = staff_page(agent_client, critical_case_a)
    assert "awaiting your answer" in text(tree, "[data-testid=interval-proposal]")
    form = one(tree, "form[data-action=accept_interval]")
    assert attr(form, "input[type=hidden][name=accept_interval-answering]", "value") == str(
        proposal.pk
    )
    one(tree, "form[data-action=decline_interval]")

    response = act(agent_client, critical_case_a, "accept_interval", answering=proposal.pk)
    assert response.status_code == 200
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 30
    timeline = text(page(response), "[data-testid=staff-timeline]")
    assert "Update interval proposed: every 30 minutes" in timeline
    assert f"Update interval agreed: every 30 minutes · {agent}" in timeline
    (accepted,) = [m for m in mail.outbox if customer_a.email in m.to]
    assert "We accepted the update interval you proposed" in accepted.body


def test_staff_decline_the_customers_proposal_in_the_admin(
    critical_case_a, agent_client, customer_a
):
    proposal = services.case_propose_update_interval(
        case=critical_case_a, minutes=30, actor=customer_a, now=NOW
    )
    act(agent_client, critical_case_a, "decline_interval", answering=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.outcome == Outcome.DECLINED
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60


def test_a_staff_answer_to_a_replaced_proposal_is_refused_with_a_sentence(
    critical_case_a, agent_client, customer_a
):
    old = services.case_propose_update_interval(
        case=critical_case_a, minutes=30, actor=customer_a, now=NOW
    )
    services.case_propose_update_interval(
        case=critical_case_a, minutes=20, actor=customer_a, now=NOW
    )
    response = act(agent_client, critical_case_a, "accept_interval", answering=old.pk)
    assert "changed while you read it" in text(page(response), "ul.messagelist")
    critical_case_a.refresh_from_db()
    assert critical_case_a.agreed_update_interval == 60


def test_the_sla_sweep_command_prints_what_it_did(critical_case_a, capsys):
    call_command("sla_sweep")
    out = capsys.readouterr().out
    assert "first_response_breach: 1" in out
    assert "next_update_breach: 1" in out


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
