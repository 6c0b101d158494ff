"""The customer's case page and case list tell each promise's real state: the critical
banner follows the hotline call and its callback, a missed callback, response or update
says it was missed and when it was due, with the escalation to the TAM next to it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from cases import deadlines, services
from cases.models import CallbackAttempt, HotlineCall
from tests.html import Page, attr, one, text

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _page(client, case, minutes_after: int) -> Page:
    with time_machine.travel(NOW + timedelta(minutes=minutes_after), tick=False):
        return Page(client.get(reverse("cases:detail", args=[case.reference])))


def _list(client, minutes_after: int) -> Page:
    with time_machine.travel(NOW + timedelta(minutes=minutes_after), tick=False):
        return Page(client.get(reverse("cases:list")))


def _state(page: Page) -> str:
    return attr(page.root, "[data-testid=hotline]", "data-state")


def test_before_any_call_the_banner_asks_the_customer_to_call_the_hotline(
    client_a, critical_case_a, settings
):
    page = _page(client_a, critical_case_a, 1)
    assert _state(page) == "no_call"
    assert "Call the Severity 1 hotline" in page.text("[data-testid=hotline]")
    assert not page.has("[data-testid=missed]")


def test_once_the_call_is_recorded_the_banner_says_when_the_callback_is_due(
    client_a, critical_case_a, record_call
):
    record_call(case=critical_case_a, now=NOW)
    page = _page(client_a, critical_case_a, 5)
    assert _state(page) == "due"
    banner = page.text("[data-testid=hotline]")
    assert "We received your Severity 1 hotline call at 25 Nov 2026, 10:00." in banner
    assert "A support agent calls you back by 25 Nov 2026, 10:15." in banner
    assert "Call the Severity 1 hotline" not in banner
    assert not page.has("[data-testid=missed]")
    listed = _list(client_a, 5)
    assert listed.text("[data-testid=callback-by]") == "We call you back by Wed 25 Nov 2026, 10:15"


def test_a_missed_callback_says_so_and_offers_the_escalation(
    client_a, critical_case_a, record_call, tam_a
):
    record_call(case=critical_case_a, now=NOW)
    page = _page(client_a, critical_case_a, 30)
    assert _state(page) == "missed"
    assert "calls you back by" not in page.text("[data-testid=hotline]")
    missed = one(page.root, "[data-testid=missed]")
    # Both promises of the first 15 minutes were missed, and each says so.
    assert [text(s) for s in missed.cssselect("strong")] == [
        "We missed our callback: it was due Wed 25 Nov 2026, 10:15.",
        "We missed our response: it was due Wed 25 Nov 2026, 10:15.",
    ]
    assert page.text("[data-testid=callback]") == "callback missed: due by 25 Nov 2026, 10:15"
    link = one(missed, "a[data-testid=missed-escalate]")
    assert link.get("href") == "#escalate"
    assert text(link) == f"Escalate to {tam_a}, your Technical Account Manager"
    # The link leads to the escalation form.
    escalate = one(page.root, "#escalate")
    one(escalate, f"form[action='{reverse('cases:escalate', args=[critical_case_a.reference])}']")
    # The list says the same, with the way to escalate.
    listed = _list(client_a, 30)
    assert listed.text("[data-testid=missed-callback]") == (
        "Missed: our callback was due Wed 25 Nov 2026, 10:15"
    )
    escalate_url = f"{reverse('cases:detail', args=[critical_case_a.reference])}#escalate"
    assert escalate_url in listed.links()
    assert "on its way" not in page and "on its way" not in listed


def test_once_the_callback_is_made_the_banner_says_so(
    client_a, critical_case_a, record_call, agent
):
    call = record_call(case=critical_case_a, now=NOW)
    at = NOW + timedelta(minutes=9)
    services.callback_log_attempt(
        call=call, agent=agent, outcome=CallbackAttempt.Outcome.REACHED, at=at, now=at
    )
    page = _page(client_a, critical_case_a, 12)
    assert _state(page) == "made"
    assert "A support agent called you back at 25 Nov 2026, 10:09." in page.text(
        "[data-testid=hotline]"
    )
    assert not page.has("[data-testid=missed]")


def test_a_callback_that_did_not_reach_the_customer_is_not_called_made(
    client_a, critical_case_a, record_call, agent
):
    # The policy counts the first attempt for the SLA, yet no one was reached: the
    # banner says what happened and when we try again, then that the retry is late.
    call = record_call(case=critical_case_a, now=NOW)
    at = NOW + timedelta(minutes=7)
    services.callback_log_attempt(
        call=call, agent=agent, outcome=CallbackAttempt.Outcome.NO_ANSWER, at=at, now=at
    )
    page = _page(client_a, critical_case_a, 10)
    assert _state(page) == "trying"
    banner = page.text("[data-testid=hotline]")
    assert "We called at 10:07, no answer; we will try again by 10:22." in banner
    assert "called you back" not in banner
    assert not page.has("[data-testid=missed]")

    page = _page(client_a, critical_case_a, 25)
    assert _state(page) == "missed"
    assert "our next attempt, due by 10:22, is late" in page.text("[data-testid=hotline]")
    missed = one(page.root, "[data-testid=missed]")
    assert [text(s) for s in missed.cssselect("strong")] == [
        "We missed our callback: it was due Wed 25 Nov 2026, 10:22.",
        "We missed our response: it was due Wed 25 Nov 2026, 10:15.",
    ]


def test_a_missed_update_says_it_was_missed_in_english_and_dutch(
    client_a, critical_case_a, agent, customer_a
):
    services.case_reply(case=critical_case_a, author=agent, body="On it", now=NOW)
    # The policy's 60-minute interval runs from the reply at 10:00.
    page = _page(client_a, critical_case_a, 90)
    assert page.text("[data-testid=missed] strong") == (
        "We missed our update: it was due Wed 25 Nov 2026, 11:00."
    )
    assert page.has("[data-testid=missed-escalate]")
    customer_a.language = "nl"
    customer_a.save(update_fields=["language"])
    dutch = _page(client_a, critical_case_a, 90)
    assert dutch.text("[data-testid=missed] strong") == (
        "We hebben onze update gemist: die was uiterlijk wo 25 nov 2026, 11:00 verwacht."
    )
    assert "Escaleer naar" in dutch.text("[data-testid=missed-escalate]")


def test_after_escalating_the_missed_promise_says_the_tam_was_told(client_a, case_a, agent, tam_a):
    services.case_reply(case=case_a, author=agent, body="On it", now=NOW)
    services.case_customer_reply(
        case=case_a, author=case_a.requester, body="Any news?", now=NOW + timedelta(minutes=1)
    )
    # Our response to the customer's reply is due four office hours later, at 14:01.
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        client_a.post(reverse("cases:escalate", args=[case_a.reference]), {"reason": "No answer"})
    page = _page(client_a, case_a, 5 * 60 + 5)
    missed = page.text("[data-testid=missed]")
    assert "We missed our response: it was due Wed 25 Nov 2026, 14:01." in missed
    assert f"You escalated the case to {tam_a}, your Technical Account Manager" in missed
    assert not page.has("[data-testid=missed-escalate]")


def test_the_missed_state_costs_the_case_page_no_query(
    client_a, critical_case_a, record_call, django_assert_max_num_queries
):
    from .test_views import DETAIL_QUERIES_AT_MOST

    record_call(case=critical_case_a, now=NOW)
    with (
        time_machine.travel(NOW + timedelta(minutes=30), tick=False),
        django_assert_max_num_queries(DETAIL_QUERIES_AT_MOST),
    ):
        response = client_a.get(reverse("cases:detail", args=[critical_case_a.reference]))
    assert response.status_code == 200


# --- the pure rule --------------------------------------------------------------------


def _call(
    due_minutes: int, reached_minutes: int | None = None, next_attempt: int | None = None
) -> HotlineCall:
    def at(minutes):
        return None if minutes is None else NOW + timedelta(minutes=minutes)

    return HotlineCall(
        received_at=NOW + timedelta(minutes=due_minutes - 15),
        callback_due_at=NOW + timedelta(minutes=due_minutes),
        reached_at=at(reached_minutes),
        next_attempt_due_at=at(next_attempt),
    )


def test_the_callback_promise_is_the_earliest_call_not_reached_else_the_last_reached():
    later = NOW + timedelta(minutes=20)
    assert deadlines.callback_promise([], later) is None
    waiting, returned = _call(15), _call(5, reached_minutes=4)
    promise = deadlines.callback_promise([returned, waiting], later)
    assert (promise.state, promise.call, promise.due) == (
        deadlines.CALLBACK_MISSED,
        waiting,
        waiting.callback_due_at,
    )
    promise = deadlines.callback_promise([returned, waiting], NOW + timedelta(minutes=10))
    assert promise.state == deadlines.CALLBACK_DUE
    first, second = _call(15, reached_minutes=3), _call(30, reached_minutes=12)
    promise = deadlines.callback_promise([second, first], later)
    assert (promise.state, promise.call) == (deadlines.CALLBACK_MADE, second)


def test_a_callback_that_did_not_reach_the_customer_is_tried_again_then_missed():
    # No answer at +10: the next attempt is due at +25.
    unanswered = _call(15, next_attempt=25)
    promise = deadlines.callback_promise([unanswered], NOW + timedelta(minutes=20))
    assert (promise.state, promise.due) == (deadlines.CALLBACK_TRYING, NOW + timedelta(minutes=25))
    promise = deadlines.callback_promise([unanswered], NOW + timedelta(minutes=26))
    assert (promise.state, promise.due) == (deadlines.CALLBACK_MISSED, NOW + timedelta(minutes=25))
