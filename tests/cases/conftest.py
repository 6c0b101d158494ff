"""Helpers for the cases tests: cases filed through the service, at fixed times."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from cases import services

AMS = ZoneInfo("Europe/Amsterdam")
# A Wednesday, 10:00 in Amsterdam: office hours are open.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=AMS)


@pytest.fixture(autouse=True)
def _commit_callbacks_run_at_once(monkeypatch):
    """Tests run inside one transaction that never commits: run on-commit work (mail)
    at once. test_mail_waits_for_the_commit checks the real order."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


@pytest.fixture
def file_case(customer_a, account_a):
    def make(**overrides):
        fields = {
            "account": account_a,
            "requester": customer_a,
            "subject": "Webhooks arrive twice",
            "description": "Each bounce reaches us **twice**.",
            "category": "software_bug",
            "now": NOW,
        }
        fields.update(overrides)
        case = services.case_open(**fields)
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def case_a(file_case):
    case = file_case()
    mail.outbox.clear()
    return case


@pytest.fixture
def critical_case_a(file_case):
    case = file_case(
        subject="All API calls fail",
        api_all_failing=True,
        api_failure_cause="server",
    )
    mail.outbox.clear()
    return case


@pytest.fixture
def case_b(customer_b, account_b):
    return services.case_open(
        account=account_b,
        requester=customer_b,
        subject="Bravo's problem",
        description="Secret of Bravo",
        category="information",
        now=NOW,
    )


@pytest.fixture
def record_call(representative):
    """A Severity 1 hotline call recorded by a customer service representative."""

    def record(**overrides):
        fields = {
            "recorded_by": representative,
            "company_name": "Alpha",
            "contact_person": "Anna",
            "phone": "1",
            "email": "anna@alpha.example",
            "description": "down",
            **overrides,
        }
        return services.hotline_record_call(**fields)

    return record


@pytest.fixture
def change_sla_policy(client, manager):
    """A support manager saves the non-critical SLA policy in the admin."""

    def change(first_response_minutes: int):
        from cases.models import SlaPolicy

        client.force_login(manager)
        policy = SlaPolicy.objects.get(severity="non_critical")
        return client.post(
            f"/admin/cases/slapolicy/{policy.pk}/change/",
            {
                "severity": "non_critical",
                "first_response_minutes": first_response_minutes,
                "office_hours_only": "on",
                "callback_minutes": 15,
                "callback_retry_minutes": 15,
                "callback_counts": "first_attempt",
                "first_response_warning_minutes": 5,
                "callback_warning_minutes": 5,
                "update_warning_minutes": 10,
            },
        )

    return change
