"""The contract's definition of a critical issue, on every combination of answers."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import classification
from cases.classification import Answers

CATEGORIES = ["software_bug", "configuration", "information"]
CAUSES = ["", "server", "other"]


def expected(category, api_all, api_cause, smtp_all, smtp_cause):
    unavailable = (api_all and api_cause == "server") or (smtp_all and smtp_cause == "server")
    return "critical" if category == "software_bug" and unavailable else "non_critical"


@pytest.mark.parametrize(
    "category,api_all,api_cause,smtp_all,smtp_cause",
    list(itertools.product(CATEGORIES, [False, True], CAUSES, [False, True], CAUSES)),
)
def test_every_combination_of_answers_is_classified_by_the_contract(
    category, api_all, api_cause, smtp_all, smtp_cause
):
    answers = Answers(category, api_all, api_cause, smtp_all, smtp_cause)
    assert classification.severity(answers) == expected(
        category, api_all, api_cause, smtp_all, smtp_cause
    )


def test_all_api_calls_failing_with_server_errors_is_critical_for_a_bug():
    assert classification.severity(Answers("software_bug", True, "server")) == "critical"


def test_all_smtp_injections_failing_with_server_errors_is_critical_for_a_bug():
    assert classification.severity(Answers("software_bug", False, "", True, "server")) == "critical"


def test_all_calls_failing_for_another_reason_is_not_unavailability():
    assert classification.severity(Answers("software_bug", True, "other", True, "other")) == (
        "non_critical"
    )


def test_a_configuration_request_is_never_critical_even_when_everything_fails():
    assert classification.severity(Answers("configuration", True, "server", True, "server")) == (
        "non_critical"
    )


@given(
    category=st.sampled_from(CATEGORIES + ["templates", "x"]),
    api_all=st.booleans(),
    api_cause=st.sampled_from(CAUSES),
    smtp_all=st.booleans(),
    smtp_cause=st.sampled_from(CAUSES),
)
def test_critical_implies_a_bug_with_a_channel_fully_down_server_side(
    category, api_all, api_cause, smtp_all, smtp_cause
):
    answers = Answers(category, api_all, api_cause, smtp_all, smtp_cause)
    if classification.severity(answers) == "critical":
        assert category == "software_bug"
        assert classification.is_unavailable(answers)


@pytest.mark.parametrize("kind", list(classification.EXCLUDED_REQUESTS))
def test_each_excluded_request_has_the_contracts_scope_note(kind):
    note = classification.scope_note(kind)
    assert note and "contract" in note


def test_supported_requests_have_no_scope_note():
    for kind in CATEGORIES:
        assert classification.scope_note(kind) is None
