"""The sweep task sweeps as of the moment it is given (a catch-up, simulated time)."""

from datetime import timedelta

import pytest

from cases.models import SlaNotice

pytestmark = pytest.mark.django_db


def test_the_sweep_task_given_a_later_moment_breaches_then_finds_nothing_more(
    critical_case_a, agent, django_capture_on_commit_callbacks
):
    from cases.tasks import sla_sweep_task  # imported where it runs, as every task test

    due = critical_case_a.first_response_due_at
    later = (due + timedelta(days=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        done = sla_sweep_task.apply(kwargs={"now": later}).get()
    assert done["first_response_breach"] == 1
    assert SlaNotice.objects.filter(case=critical_case_a, kind="first_response").count() == 1
    assert sla_sweep_task.apply(kwargs={"now": later}).get() == {}
