"""Hotline callback attempts: each is recorded and shown as what it was (reached, no answer,
voicemail); one that did not reach the customer schedules the next on the policy's
interval, the sweep warns of each attempt missed until someone is reached, and the
callback SLA counts the first attempt or the first reach as the policy says."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.models import CallbackAttempt, Case, CaseEvent, HotlineCall, SlaNotice, SlaPolicy, Status

from ..html import one, page, select, text, texts

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
# A Sunday, 03:00 in Amsterdam: the office is closed, the hotline is not.
T0 = datetime(2026, 11, 29, 3, 0, tzinfo=AMS)
MINUTE = timedelta(minutes=1)
NO_ANSWER = CallbackAttempt.Outcome.NO_ANSWER
VOICEMAIL = CallbackAttempt.Outcome.VOICEMAIL
REACHED = CallbackAttempt.Outcome.REACHED


def _policy(**fields):
    SlaPolicy.objects.filter(severity="critical").update(**fields)


@pytest.fixture
def call(record_call, critical_case_a):
    return record_call(case=critical_case_a, now=T0, contact_person="Anna", phone="+31 20 5550100")


def _attempt(call, agent, outcome, minutes, notes=""):
    at = T0 + minutes * MINUTE
    services.callback_log_attempt(
        call=call, agent=agent, outcome=outcome, notes=notes, at=at, now=at
    )
    call.refresh_from_db()
    return call


def _attempt_event(case):
    return case.events.filter(kind=CaseEvent.Kind.CALLBACK_ATTEMPT).latest("id")


# --- the service ---------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [NO_ANSWER, VOICEMAIL])
def test_an_attempt_that_did_not_reach_the_customer_schedules_the_next_on_the_policy_interval(
    call, agent, outcome
):
    _policy(callback_retry_minutes=10)
    _attempt(call, agent, outcome, 7)
    assert call.attempts.get().outcome == outcome
    assert call.reached_at is None
    assert call.next_attempt_due_at == T0 + 17 * MINUTE


def test_reaching_the_customer_ends_the_retries(call, agent):
    _attempt(call, agent, NO_ANSWER, 7)
    _attempt(call, agent, REACHED, 20)
    assert call.reached_at == T0 + 20 * MINUTE
    assert call.next_attempt_due_at is None
    # Once reached, a later unanswered call schedules nothing.
    _attempt(call, agent, NO_ANSWER, 40)
    assert (call.reached_at, call.next_attempt_due_at) == (T0 + 20 * MINUTE, None)


def test_the_event_stores_the_moments_and_each_reader_sees_their_zone_and_language(
    call, agent, critical_case_a
):
    _attempt(call, agent, NO_ANSWER, 7)
    event = _attempt_event(critical_case_a)
    assert event.public
    assert event.data["outcome"] == "no_answer"
    assert datetime.fromisoformat(event.data["next_attempt_due_at"]) == T0 + 22 * MINUTE
    with timezone.override("Europe/Amsterdam"):
        assert event.customer_detail == "we called at 03:07, no answer; we will try again by 03:22"
        assert event.shown_detail == "no answer at 03:07; next attempt due by 03:22"
    with timezone.override("America/New_York"):
        assert event.customer_detail == "we called at 21:07, no answer; we will try again by 21:22"
    with timezone.override("Europe/Amsterdam"), translation.override("nl"):
        assert event.customer_detail == (
            "we belden om 03:07, geen gehoor; we proberen het opnieuw uiterlijk om 03:22"
        )
        assert event.shown_detail == "geen gehoor om 03:07; volgende poging uiterlijk 03:22"


def test_voicemail_and_reached_read_as_what_they_were(call, agent, critical_case_a):
    _attempt(call, agent, VOICEMAIL, 7)
    voicemail = _attempt_event(critical_case_a)
    _attempt(call, agent, REACHED, 21)
    reached = _attempt_event(critical_case_a)
    with timezone.override("Europe/Amsterdam"):
        assert voicemail.customer_detail == (
            "we called at 03:07 and left a voicemail; we will try again by 03:22"
        )
        assert reached.customer_detail == "we called at 03:21 and reached you"
        assert reached.shown_detail == "reached the customer at 03:21"


def test_under_the_first_attempt_rule_an_unanswered_first_attempt_meets_the_callback(
    call, agent, critical_case_a
):
    _attempt(call, agent, NO_ANSWER, 9)
    _attempt(call, agent, REACHED, 20)
    assert call.called_back_at == T0 + 9 * MINUTE
    fulfilled = critical_case_a.events.get(
        kind=CaseEvent.Kind.SLA_FULFILLED, data__deadline_kind="callback"
    )
    assert (fulfilled.data["met"], fulfilled.data["minutes"]) == (True, 9)
    assert fulfilled.data["counts"] == "first_attempt"


def test_under_the_first_reach_rule_only_reaching_the_customer_meets_the_callback(
    record_call, critical_case_a, agent
):
    _policy(callback_counts="first_reach")
    call = record_call(case=critical_case_a, now=T0)
    assert call.callback_counts == "first_reach"
    _attempt(call, agent, NO_ANSWER, 9)
    assert call.called_back_at is None
    critical_case_a.refresh_from_db()
    assert critical_case_a.callback_due_at == T0 + 15 * MINUTE  # still owed
    assert services.sla_sweep(now=T0 + 16 * MINUTE)["callback_breach"] == 1
    _attempt(call, agent, REACHED, 20)
    assert call.called_back_at == T0 + 20 * MINUTE
    fulfilled = critical_case_a.events.get(
        kind=CaseEvent.Kind.SLA_FULFILLED, data__deadline_kind="callback"
    )
    assert (fulfilled.data["met"], fulfilled.data["minutes"]) == (False, 20)
    assert fulfilled.data["counts"] == "first_reach"


def test_a_call_keeps_the_rule_it_was_recorded_under(call, agent):
    _policy(callback_counts="first_reach")
    _attempt(call, agent, NO_ANSWER, 9)
    assert call.callback_counts == "first_attempt"
    assert call.called_back_at == T0 + 9 * MINUTE


# --- the sweep -----------------------------------------------------------------------


def _retry_warnings(now):
    return services.sla_sweep(now=now)["callback_retry_warning"]


def test_the_sweep_warns_once_per_missed_attempt_until_someone_is_reached(
    call, agent, critical_case_a
):
    services.case_assign(case=critical_case_a, agent=agent, actor=agent)
    _attempt(call, agent, NO_ANSWER, 5)  # the next attempt is due at 03:20
    mail.outbox.clear()
    assert _retry_warnings(T0 + 19 * MINUTE) == 0
    assert _retry_warnings(T0 + 21 * MINUTE) == 1
    [warning] = [m for m in mail.outbox if "Callback attempt missed" in m.subject]
    assert warning.to == [agent.email]
    assert warning.subject == (
        f"Callback attempt missed: {critical_case_a.reference} has not been reached, "
        "the next attempt was due 2026-11-29 03:20 CET"
    )
    assert "+31 20 5550100" in warning.body
    # Not on every tick: the next warning is for the next attempt missed, 15 minutes on.
    assert _retry_warnings(T0 + 22 * MINUTE) == 0
    assert _retry_warnings(T0 + 34 * MINUTE) == 0
    assert _retry_warnings(T0 + 35 * MINUTE) == 1
    assert _retry_warnings(T0 + 36 * MINUTE) == 0
    # Another unanswered attempt moves the next one; then the customer is reached.
    _attempt(call, agent, VOICEMAIL, 37)
    assert _retry_warnings(T0 + 51 * MINUTE) == 0
    assert _retry_warnings(T0 + 52 * MINUTE) == 1
    _attempt(call, agent, REACHED, 55)
    assert _retry_warnings(T0 + 90 * MINUTE) == 0
    notices = SlaNotice.objects.filter(kind=SlaNotice.CALLBACK_RETRY, subject_id=call.pk)
    assert sorted(n.deadline for n in notices) == [
        T0 + 20 * MINUTE,
        T0 + 35 * MINUTE,
        T0 + 52 * MINUTE,
    ]
    warned = critical_case_a.events.filter(kind=CaseEvent.Kind.SLA_WARNING, public=False)
    assert warned.filter(data__deadline_kind="callback_retry").count() == 3


def test_a_sweep_that_did_not_run_for_a_while_warns_the_latest_missed_attempt_only(call, agent):
    _attempt(call, agent, NO_ANSWER, 5)
    assert _retry_warnings(T0 + 70 * MINUTE) == 1
    assert _retry_warnings(T0 + 71 * MINUTE) == 0


def test_without_an_assigned_agent_the_on_call_staff_are_warned_in_their_language_and_zone(
    call, agent, manager
):
    agent.language, agent.time_zone = "nl", "Europe/Amsterdam"
    agent.save()
    manager.time_zone = "America/New_York"
    manager.save()
    _attempt(call, agent, NO_ANSWER, 5)
    mail.outbox.clear()
    assert _retry_warnings(T0 + 21 * MINUTE) == 1
    by_reader = {m.to[0]: m.subject for m in mail.outbox if "EE-" in m.subject}
    assert by_reader[manager.email].endswith("2026-11-28 21:20 EST")
    assert by_reader[agent.email].startswith("Terugbelpoging gemist")
    assert by_reader[agent.email].endswith("2026-11-29 03:20 CET")


def test_a_closed_case_is_not_warned(call, agent, critical_case_a):
    _attempt(call, agent, NO_ANSWER, 5)
    Case.objects.filter(pk=critical_case_a.pk).update(
        status=Status.CLOSED, closed_at=T0 + 10 * MINUTE, resolved_at=T0 + 10 * MINUTE
    )
    assert _retry_warnings(T0 + 21 * MINUTE) == 0


# --- the admin -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "label", "progress"),
    [
        ("reached", "Reached", "Reached the customer at 03:07"),
        ("no_answer", "No answer", "No answer at 03:07; next attempt due by 03:22"),
        ("voicemail", "Voicemail", "Voicemail left at 03:07; next attempt due by 03:22"),
    ],
)
def test_an_agent_records_each_outcome_on_the_case_page_and_sees_it_as_it_was(
    agent_client, call, critical_case_a, outcome, label, progress
):
    url = reverse("admin:cases_case_act", args=[critical_case_a.pk, "log_callback"])
    with time_machine.travel(T0 + 7 * MINUTE, tick=False):
        response = agent_client.post(
            url, {"log_callback-outcome": outcome, "log_callback-notes": "rang twice"}
        )
        assert response.status_code == 302
        tree = page(agent_client.get(response["Location"]))
    attempt = call.attempts.get()
    assert (attempt.outcome, attempt.at, attempt.notes) == (outcome, T0 + 7 * MINUTE, "rang twice")
    box = one(tree, "[data-testid=hotline-call]")
    [shown] = texts(box, "[data-testid=callback-attempt]")
    assert shown.startswith(f"03:07 {label} · ")
    assert shown.endswith(": rang twice")
    assert text(box, "[data-testid=callback-progress]") == progress
    assert text(box, "[data-testid=callback-rule]") == (
        "The callback deadline counts the first callback attempt."
    )
    timeline = texts(tree, "[data-testid=staff-timeline] li.event")
    assert any(f"Callback attempt: {progress[0].lower()}{progress[1:]}" in t for t in timeline)


def test_an_unknown_outcome_is_refused_with_the_field_named(agent_client, call, critical_case_a):
    url = reverse("admin:cases_case_act", args=[critical_case_a.pk, "log_callback"])
    response = agent_client.post(url, {"log_callback-outcome": "busy"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Outcome: Select a valid choice. busy is not one of the available choices."
    ]
    assert not call.attempts.exists()


def test_the_staff_page_marks_a_missed_retry(agent_client, call, agent, critical_case_a):
    _attempt(call, agent, NO_ANSWER, 7)
    with time_machine.travel(T0 + 30 * MINUTE, tick=False):
        tree = page(agent_client.get(reverse("admin:cases_case_change", args=[critical_case_a.pk])))
    progress = one(tree, "[data-testid=callback-progress]")
    assert progress.get("class") == "retry-overdue"
    assert text(progress) == "No answer at 03:07; next attempt overdue since 03:22"


def test_the_call_list_says_the_customer_is_not_reached_yet(agent_client, call, agent):
    _attempt(call, agent, NO_ANSWER, 7)
    with time_machine.travel(T0 + 10 * MINUTE, tick=False):
        tree = page(agent_client.get(reverse("admin:cases_hotlinecall_changelist")))
    cell = one(tree, "table#result_list .field-callback")
    assert text(cell, "[data-testid=next-attempt]") == "not reached yet; next attempt due by 03:22"
    _attempt(call, agent, REACHED, 12)
    tree = page(agent_client.get(reverse("admin:cases_hotlinecall_changelist")))
    cell = one(tree, "table#result_list .field-callback")
    assert text(cell, "[data-testid=reached]") == "customer reached at 03:12"
    assert not select(cell, "[data-testid=next-attempt]")


def test_the_rule_is_a_choice_on_the_sla_policy_in_the_admin(client, manager):
    client.force_login(manager)
    policy = SlaPolicy.objects.get(severity="critical")
    url = reverse("admin:cases_slapolicy_change", args=[policy.pk])
    tree = page(client.get(url))
    options = [o.get("value") for o in select(tree, "select[name=callback_counts] option")]
    assert options == ["first_attempt", "first_reach"]
    response = client.post(
        url,
        {
            "severity": "critical",
            "first_response_minutes": policy.first_response_minutes,
            "callback_minutes": 15,
            "callback_retry_minutes": 0,
            "callback_counts": "first_reach",
            "first_response_warning_minutes": 5,
            "callback_warning_minutes": 5,
            "update_warning_minutes": 10,
        },
    )
    assert response.status_code == 200
    assert texts(response.content, ".field-callback_retry_minutes .errorlist li") == [
        "Ensure this value is greater than or equal to 1."
    ]
    policy.refresh_from_db()
    assert policy.callback_counts == "first_attempt"


# --- the SLA report ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "met", "median", "label"),
    [
        (
            "first_attempt",
            "1 / 1 (100%)",
            "5.0",
            "hotline callback (first attempt)",
        ),
        (
            "first_reach",
            "0 / 1 (0%)",
            "20.0",
            "hotline callback (first reach)",
        ),
    ],
)
def test_the_sla_report_shows_the_rule_and_measures_by_it(
    client, manager, record_call, critical_case_a, agent, rule, met, median, label
):
    _policy(callback_counts=rule)
    call = record_call(case=critical_case_a, now=T0)
    _attempt(call, agent, NO_ANSWER, 5)
    _attempt(call, agent, REACHED, 20)
    client.force_login(manager)
    with time_machine.travel(T0 + 60 * MINUTE, tick=False):
        tree = page(client.get(reverse("admin:cases_sla_report") + "?month=2026-11"))
    rule_label = dict(HotlineCall._meta.get_field("callback_counts").choices)[rule]
    assert text(tree, "[data-testid=callback-rule]").startswith(
        f"The hotline callback deadline counts {rule_label} (SLA policy for critical issues)."
    )
    rows = [texts(tr, "td") for tr in select(tree, "[data-testid=sla-report] tbody tr")]
    [callback] = [cells for cells in rows if "callback" in cells[1]]
    assert callback[1:4] == [label, met, median]


# --- the customer's case page --------------------------------------------------------


def test_the_customer_sees_the_attempt_as_it_was_and_when_we_try_again(
    client_a, call, agent, critical_case_a
):
    url = reverse("cases:detail", args=[critical_case_a.reference])
    _attempt(call, agent, NO_ANSWER, 7, notes="Internal: rang the wrong desk")
    with time_machine.travel(T0 + 10 * MINUTE, tick=False):
        tree = page(client_a.get(url))
    assert text(tree, "[data-testid=callback]") == (
        "We called at 03:07, no answer; we will try again by 03:22"
    )
    [event] = [t for t in texts(tree, "[data-testid=timeline] li") if "Callback attempt" in t]
    assert (
        "· Callback attempt: we called at 03:07, no answer; we will try again by 03:22 ·" in event
    )
    assert "wrong desk" not in client_a.get(url).content.decode()
    with time_machine.travel(T0 + 25 * MINUTE, tick=False):
        shown = text(client_a.get(url).content, "[data-testid=callback]")
    assert shown == "We called at 03:07, no answer; our next attempt, due by 03:22, is late"
    _attempt(call, agent, REACHED, 26)
    with time_machine.travel(T0 + 27 * MINUTE, tick=False):
        tree = page(client_a.get(url))
    assert text(tree, "[data-testid=callback]") == "called back at 29 Nov 2026, 03:26"
    events = [t for t in texts(tree, "[data-testid=timeline] li") if "Callback attempt" in t]
    assert "· Callback attempt: we called at 03:26 and reached you ·" in events[-1]


def test_a_customer_in_new_york_reading_dutch_sees_their_zone_and_language(
    client_b, customer_b, record_call, agent, account_b
):
    customer_b.language = "nl"
    customer_b.save()
    case = services.case_open(
        account=account_b,
        requester=customer_b,
        subject="Alles faalt",
        description="503",
        category="software_bug",
        api_all_failing=True,
        api_failure_cause="server",
        now=T0,
    )
    call = record_call(case=case, now=T0)
    _attempt(call, agent, VOICEMAIL, 7)
    # The page activates the reader's language; the override puts the test's back after.
    with time_machine.travel(T0 + 10 * MINUTE, tick=False), translation.override("en"):
        shown = text(
            client_b.get(reverse("cases:detail", args=[case.reference])).content,
            "[data-testid=callback]",
        )
    assert shown == (
        "We belden om 21:07 en spraken een voicemail in; we proberen het opnieuw uiterlijk om 21:22"
    )
