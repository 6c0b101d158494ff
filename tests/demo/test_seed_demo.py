"""The demo data: two accounts with different TAMs, a contact each, a user per staff role."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command

from accounts import roles
from accounts.models import Account, User

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return {
        model._meta.label: sorted(model.objects.values_list("pk", flat=True))
        for model in apps.get_models()
        if model._meta.app_label in ("accounts", "cases", "deliverability", "auth")
    }


def test_seed_demo_is_idempotent_and_complete(capsys):
    call_command("seed_demo")
    first = snapshot()
    hashes = dict(User.objects.values_list("email", "password"))
    call_command("seed_demo")
    assert snapshot() == first
    assert dict(User.objects.values_list("email", "password")) == hashes

    accounts = list(Account.objects.select_related("tam"))
    assert len(accounts) >= 2
    assert len({a.tam_id for a in accounts}) >= 2
    assert all(a.contacts.exists() for a in accounts)
    for role in roles.STAFF_ROLES:
        assert User.objects.filter(groups__name=role, is_staff=True).exists(), role
    out = capsys.readouterr().out
    assert "anna@acme.example / portal-demo-2026" in out


def test_the_demo_shows_a_reopened_and_an_escalated_case():
    from cases.models import Case, CaseEvent

    call_command("seed_demo")
    reopened = CaseEvent.objects.get(kind="reopened").case
    assert reopened.is_open and reopened.subject == "Unsubscribe links expire after a week"
    escalated = Case.objects.get(escalated_at__isnull=False)
    assert escalated.is_open and escalated.response_due_at is not None
    assert CaseEvent.objects.filter(case=escalated, kind="escalated").count() == 1


def row_counts():
    """Rows of every table, the many-to-many ones (case followers, group members) too."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_a_second_seed_demo_changes_no_row_of_any_table():
    call_command("seed_demo")
    first = row_counts()
    call_command("seed_demo")
    second = row_counts()
    assert {k: (first[k], second[k]) for k in first if first[k] != second[k]} == {}


def test_each_demo_staff_login_has_an_authenticator_whose_secret_is_printed(capsys):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.signin.second_factor import secret_for_people
    from demo.accounts import STAFF

    call_command("seed_demo")
    out = capsys.readouterr().out
    for email in ["admin@example.com", *(row[0] for row in STAFF)]:
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        assert f"{email:<32} {secret_for_people(device.key)}" in out
        assert device.config_url in out
    assert not TOTPDevice.objects.filter(user__is_staff=False).exists()


def test_totp_code_prints_the_code_a_demo_login_s_app_shows(settings, capsys):
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DEBUG = True
    call_command("seed_demo")
    capsys.readouterr()
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, 10, tzinfo=UTC), tick=False):
        call_command("totp_code", "Maria.Manager@example.com")
        device = TOTPDevice.objects.get(user__email="maria.manager@example.com")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        assert capsys.readouterr().out.strip() == f"{totp.token():06d}"


def test_the_demo_outages_mailed_as_421_and_451_are_critical_by_the_forms_answers():
    from cases.models import Case

    call_command("seed_demo")
    outages = Case.objects.filter(description__regex=r"`(421|451)")
    assert outages.count() == 2
    for case in outages:
        assert (case.smtp_all_failing, case.smtp_failure_cause) == (True, "server")
        assert case.severity == "critical"


def test_the_demo_shows_a_missed_callback_retried_until_the_customer_was_reached():
    from cases.models import HotlineCall

    call_command("seed_demo")
    call = HotlineCall.objects.get(case__subject="All API calls return 503 Service Unavailable")
    assert list(call.attempts.values_list("outcome", flat=True)) == ["no_answer", "reached"]
    _no_answer, reached = call.attempts.all()
    assert call.reached_at == reached.at
    assert call.next_attempt_due_at is None


def test_the_demo_shows_a_past_incident_answered_on_each_customers_own_case():
    from cases.models import Incident

    call_command("seed_demo")
    incident = Incident.objects.get(status="resolved")
    assert incident.updates.count() == 2
    # A hotline call from each customer, each with its own callback, made in time.
    calls = list(incident.hotline_calls.all())
    assert len(calls) == 2
    assert all(c.called_back_at <= c.callback_due_at for c in calls)
    assert incident.summary and incident.summary_nl
    cases = list(incident.cases.select_related("account"))
    assert {c.account.name for c in cases} == {"Acme Mail BV", "Northwind Traders Inc."}
    assert {c.status for c in cases} == {"resolved"}
    assert {c.agreements.get().method for c in cases} == {"portal", "phone"}
