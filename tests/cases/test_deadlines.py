"""The deadlines module: the nearest deadline and what the queue and the customer are
shown (pure, with properties), and the one writer, through the services that change
what a deadline depends on."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from cases import deadlines, services
from cases.models import OPEN_STATUSES, Case, DeadlineKind, SlaPolicy, Status

from .conftest import NOW

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CALLBACK, FIRST_RESPONSE, NEXT_UPDATE = (
    DeadlineKind.CALLBACK,
    DeadlineKind.FIRST_RESPONSE,
    DeadlineKind.NEXT_UPDATE,
)


def at(minutes):
    return None if minutes is None else T0 + timedelta(minutes=minutes)


def nearest(*, callback=None, first_response=None, next_update=None, open=True, awaiting=True):
    return deadlines.nearest(
        is_open=open,
        awaiting_first_response=awaiting,
        callback_due_at=at(callback),
        first_response_due_at=at(first_response),
        next_update_due_at=at(next_update),
    )


# --- nearest -------------------------------------------------------------------------


def test_the_nearest_of_the_three_deadlines_is_next():
    assert nearest(callback=30, first_response=15, next_update=60) == deadlines.Deadline(
        at(15), FIRST_RESPONSE
    )
    assert nearest(callback=10, first_response=15, next_update=60).kind == CALLBACK
    assert nearest(first_response=90, next_update=60).kind == NEXT_UPDATE


def test_a_first_response_given_or_paused_is_not_a_deadline():
    assert nearest(first_response=15, next_update=60, awaiting=False).kind == NEXT_UPDATE
    assert nearest(first_response=15, awaiting=False) is None


def test_a_closed_case_has_no_deadline():
    assert nearest(callback=10, first_response=15, next_update=60, open=False) is None


def test_on_a_tie_the_callback_then_the_first_response_is_named():
    assert nearest(callback=15, first_response=15, next_update=15).kind == CALLBACK
    assert nearest(first_response=15, next_update=15).kind == FIRST_RESPONSE


minutes = st.none() | st.integers(min_value=-10_000, max_value=10_000)


@given(
    callback=minutes,
    first_response=minutes,
    next_update=minutes,
    is_open=st.booleans(),
    awaiting=st.booleans(),
)
def test_the_next_deadline_is_the_earliest_that_counts(
    callback, first_response, next_update, is_open, awaiting
):
    found = nearest(
        callback=callback,
        first_response=first_response,
        next_update=next_update,
        open=is_open,
        awaiting=awaiting,
    )
    counting = {CALLBACK: callback, NEXT_UPDATE: next_update}
    if awaiting:
        counting[FIRST_RESPONSE] = first_response
    counting = {kind: at(m) for kind, m in counting.items() if m is not None}
    if not is_open or not counting:
        assert found is None
        return
    assert found.due == min(counting.values())
    assert counting[found.kind] == found.due
    # The kind named first among those due at that moment.
    tied = [kind for kind in deadlines.PRECEDENCE if counting.get(kind) == found.due]
    assert found.kind == tied[0]


# --- what the queue and the customer are shown ----------------------------------------


def shown_case(**fields):
    """A case's columns, unsaved: the pure functions read attributes only."""
    defaults = {
        "status": Status.IN_PROGRESS,
        "first_response_at": None,
        "waiting_since": None,
        "next_due_at": None,
        "next_due_kind": "",
        "first_response_due_at": None,
        "next_update_due_at": None,
    }
    return Case(**{**defaults, **fields})


@given(due=minutes, now=st.integers(min_value=-10_000, max_value=10_000))
def test_the_queue_says_how_near_the_stored_deadline_is(due, now):
    case = shown_case(next_due_at=at(due), next_due_kind=NEXT_UPDATE if due is not None else "")
    shown = deadlines.for_queue(case, at(now))
    assert shown.due == case.next_due_at
    if due is None:
        assert shown.state == deadlines.NONE
    elif due < now:
        assert shown.state == deadlines.OVERDUE
    elif due <= now + 60:
        assert shown.state == deadlines.SOON
    else:
        assert shown.state == deadlines.LATER
    assert shown.label == (str(DeadlineKind.NEXT_UPDATE.label) if due is not None else "")


def test_the_queue_shows_a_first_response_paused_while_the_customer_is_asked():
    case = shown_case(status=Status.WAITING_ON_CUSTOMER, waiting_since=T0)
    assert deadlines.for_queue(case, T0).state == deadlines.PAUSED
    answered = shown_case(status=Status.WAITING_ON_CUSTOMER, waiting_since=T0, first_response_at=T0)
    assert deadlines.for_queue(answered, T0).state == deadlines.NONE


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": Status.CLOSED}, deadlines.CustomerDeadline(deadlines.CLOSED)),
        (
            {"status": Status.WAITING_ON_CUSTOMER, "waiting_since": T0},
            deadlines.CustomerDeadline(deadlines.CUSTOMER_INFORMATION),
        ),
        (
            {"status": Status.RESOLUTION_PROPOSED, "first_response_at": T0},
            deadlines.CustomerDeadline(deadlines.CUSTOMER_ANSWER),
        ),
        ({"first_response_at": T0}, deadlines.CustomerDeadline(deadlines.AGENT_WORK)),
        (
            {"first_response_at": T0, "next_update_due_at": at(60)},
            deadlines.CustomerDeadline(deadlines.NEXT_UPDATE, at(60), False),
        ),
        (
            {"first_response_at": T0, "next_update_due_at": at(-1)},
            deadlines.CustomerDeadline(deadlines.NEXT_UPDATE, at(-1), True),
        ),
        (
            {"status": Status.NEW, "first_response_due_at": at(15)},
            deadlines.CustomerDeadline(deadlines.FIRST_RESPONSE, at(15), False),
        ),
        (
            {"status": Status.NEW, "first_response_due_at": at(-15)},
            deadlines.CustomerDeadline(deadlines.FIRST_RESPONSE, at(-15), True),
        ),
    ],
)
def test_the_customer_is_told_what_the_case_waits_for(fields, expected):
    assert deadlines.for_customer(shown_case(**fields), T0) == expected


# --- the one writer, through the services ---------------------------------------------


def assert_fresh(case):
    """The stored deadlines are what working them out again from the case's history,
    calls, policy and calendar gives, and the next deadline is the nearest of them."""
    case = Case.objects.select_related("account").get(pk=case.pk)
    if case.awaiting_first_response:
        assert case.first_response_due_at == deadlines.first_response_due(case)
    assert case.callback_due_at == deadlines.callback_due(case)
    assert case.next_update_due_at == deadlines.next_update_due(case)
    assert case.response_due_at == deadlines.response_due(case)
    expected = deadlines.next_deadline(case)
    assert (case.next_due_at, case.next_due_kind) == (
        (expected.due, expected.kind) if expected else (None, "")
    )
    return case


def test_every_service_that_moves_a_deadline_leaves_next_due_at_fresh(
    file_case, record_call, agent, customer_a, representative
):
    minute = timedelta(minutes=1)
    case = file_case(subject="All API calls fail", api_all_failing=True, api_failure_cause="server")
    case = assert_fresh(case)
    assert case.next_due_kind == FIRST_RESPONSE

    call = record_call(case=case, now=NOW + minute)
    case = assert_fresh(case)
    assert case.next_due_kind == FIRST_RESPONSE  # due at :15, the callback at :16
    services.callback_log_attempt(call=call, agent=agent, outcome="reached", now=NOW + 2 * minute)
    case = assert_fresh(case)

    services.case_reply(case=case, author=agent, body="On it.", now=NOW + 3 * minute)
    case = assert_fresh(case)
    assert case.next_due_kind == NEXT_UPDATE
    proposal = services.case_propose_update_interval(
        case=case, minutes=30, actor=agent, now=NOW + 4 * minute
    )
    services.case_accept_update_interval(
        case=case, actor=customer_a, answering=proposal.pk, now=NOW + 4 * minute
    )
    case = assert_fresh(case)
    assert case.next_due_at == NOW + 34 * minute

    services.case_set_status(
        case=case, status=Status.WAITING_ON_CUSTOMER, actor=agent, now=NOW + 5 * minute
    )
    case = assert_fresh(case)
    assert case.next_due_at is None
    services.case_customer_reply(case=case, author=customer_a, body="Logs.", now=NOW + 6 * minute)
    case = assert_fresh(case)
    # Our response to the logs is due by the critical target (15 minutes), before the
    # next agreed update (at :36).
    assert (case.next_due_kind, case.next_due_at) == ("response", NOW + 21 * minute)
    assert case.next_update_due_at == NOW + 36 * minute

    services.case_reclassify(
        case=case,
        actor=agent,
        severity="non_critical",
        reason="Some calls work",
        now=NOW + 7 * minute,
    )
    case = assert_fresh(case)
    services.case_provide_workaround(case=case, actor=agent, body="Retry.", now=NOW + 8 * minute)
    case = assert_fresh(case)
    services.case_propose_resolution(case=case, actor=agent, summary="Fixed.", now=NOW + 9 * minute)
    case = assert_fresh(case)
    services.case_reject_resolution(
        case=case, customer=customer_a, reason="Still twice.", now=NOW + 10 * minute
    )
    case = assert_fresh(case)
    services.case_propose_resolution(case=case, actor=agent, summary="Now.", now=NOW + 11 * minute)
    services.case_record_agreement(
        case=case,
        actor=agent,
        customer_name="Anna",
        agreed_at=NOW + 12 * minute,
        method="phone",
        now=NOW + 12 * minute,
    )
    case = assert_fresh(case)
    assert case.status == Status.RESOLVED and case.next_due_at is None
    services.case_reopen(case=case, actor=agent, reason="Back.", now=NOW + 13 * minute)
    case = assert_fresh(case)
    services.case_propose_resolution(case=case, actor=agent, summary="Done.", now=NOW + 14 * minute)
    services.case_accept_resolution(case=case, customer=customer_a, now=NOW + 15 * minute)
    case = assert_fresh(case)
    services.case_close(case=case, actor=agent, now=NOW + 16 * minute)
    assert assert_fresh(case).next_due_at is None


def test_a_call_files_a_case_whose_callback_leads_the_queue(record_call, account_a, customer_a):
    call = record_call(account=account_a, email=customer_a.email, now=NOW)
    case = assert_fresh(call.case)
    # The callback (15 minutes) and the critical first response (15 minutes) tie.
    assert (case.next_due_at, case.next_due_kind) == (NOW + timedelta(minutes=15), CALLBACK)


def test_a_new_policy_moves_the_next_deadline_of_open_cases(file_case):
    case = file_case()
    SlaPolicy.objects.filter(severity="non_critical").update(first_response_minutes=30)
    assert deadlines.recompute_open_deadlines(severity="non_critical") == 1
    case = assert_fresh(case)
    assert case.next_due_at == NOW + timedelta(minutes=30)


def test_an_open_case_with_no_deadline_stores_none(file_case, agent):
    case = file_case()
    services.case_reply(case=case, author=agent, body="Answered.", now=NOW)
    case = assert_fresh(case)
    assert case.status in OPEN_STATUSES
    assert (case.next_due_at, case.next_due_kind) == (None, "")


def case_row_updates(queries) -> list[str]:
    table = connection.ops.quote_name(Case._meta.db_table)
    return [q["sql"] for q in queries if q["sql"].startswith(f"UPDATE {table}")]


@pytest.mark.parametrize("interval", [None, 60])
def test_one_staff_reply_updates_the_case_row_once(file_case, agent, interval):
    """The first reply meets the first response, restarts the update clock, assigns the
    agent, starts work and moves the deadlines: one UPDATE of the case row."""
    if interval:
        SlaPolicy.objects.filter(severity="non_critical").update(update_interval_minutes=interval)
    case = file_case()
    with CaptureQueriesContext(connection) as queries:
        services.case_reply(case=case, author=agent, body="On it.", now=NOW)
    assert len(case_row_updates(queries.captured_queries)) == 1
    case = assert_fresh(case)
    assert case.first_response_at == NOW and case.assigned_agent == agent
    assert case.status == Status.IN_PROGRESS

    with CaptureQueriesContext(connection) as queries:
        services.case_reply(case=case, author=agent, body="More.", now=NOW + timedelta(hours=1))
    assert len(case_row_updates(queries.captured_queries)) == 1
