"""The Severity 1 hotline: intake, the 15-minute callback, alerts and the customer's view."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cases import services
from cases.models import (
    CallbackAttempt,
    Case,
    CaseEvent,
    HotlineCall,
    Severity,
    SlaNotice,
    Status,
)

from ..html import one, page, text, texts

AMS = ZoneInfo("Europe/Amsterdam")
# A Sunday, 03:00 in Amsterdam: the office is closed, the hotline is not.
SUNDAY_3AM = datetime(2026, 11, 29, 3, 0, tzinfo=AMS)

pytestmark = pytest.mark.django_db


def _call(representative, account=None, case=None, now=SUNDAY_3AM):
    return services.hotline_record_call(
        recorded_by=representative,
        company_name="Alpha Mail BV",
        contact_person="Anna",
        phone="+31 20 555 0100",
        email="anna@alpha.example",
        description="All API calls return 503.",
        account=account,
        case=case,
        now=now,
    )


def test_a_call_at_three_on_a_sunday_is_due_at_a_quarter_past(
    representative, critical_case_a, agent
):
    call = _call(representative, case=critical_case_a)
    assert call.callback_due_at == SUNDAY_3AM + timedelta(minutes=15)


def test_recording_a_call_alerts_the_on_call_agents_at_once(
    representative, critical_case_a, agent, manager
):
    mail.outbox.clear()
    _call(representative, case=critical_case_a)
    alerts = [m for m in mail.outbox if "hotline" in m.subject.lower()]
    assert len(alerts) == 1
    assert set(alerts[0].to) == {agent.email, manager.email}
    assert "+31 20 555 0100" in alerts[0].body


def test_a_call_without_a_case_files_a_critical_case_marked_as_created_at_intake(
    representative, account_a, customer_a
):
    call = _call(representative, account=account_a)
    assert call.case_created_at_intake
    assert call.case.severity == Severity.CRITICAL
    assert call.case.account == account_a
    assert call.case.channel == "hotline"


def test_the_first_callback_attempt_decides_the_callback_sla(
    representative, critical_case_a, agent
):
    call = _call(representative, case=critical_case_a)
    services.callback_log_attempt(
        call=call,
        agent=agent,
        outcome=CallbackAttempt.Outcome.VOICEMAIL,
        at=SUNDAY_3AM + timedelta(minutes=9),
        now=SUNDAY_3AM + timedelta(minutes=9),
    )
    services.callback_log_attempt(
        call=call,
        agent=agent,
        outcome=CallbackAttempt.Outcome.REACHED,
        at=SUNDAY_3AM + timedelta(minutes=20),
        now=SUNDAY_3AM + timedelta(minutes=20),
    )
    call.refresh_from_db()
    assert call.called_back_at == SUNDAY_3AM + timedelta(minutes=9)
    fulfilled = CaseEvent.objects.get(
        case=critical_case_a, kind=CaseEvent.Kind.SLA_FULFILLED, data__deadline_kind="callback"
    )
    assert fulfilled.data["met"] is True
    assert fulfilled.data["minutes"] == 9


def test_the_callback_is_warned_before_and_escalated_once_after_the_deadline(
    representative, critical_case_a, agent, manager, tam_a
):
    call = _call(representative, case=critical_case_a)
    mail.outbox.clear()
    assert services.sla_sweep(now=SUNDAY_3AM + timedelta(minutes=5))["callback_warning"] == 0
    done = services.sla_sweep(now=SUNDAY_3AM + timedelta(minutes=11))
    assert done["callback_warning"] == 1
    warning = [m for m in mail.outbox if "SLA warning" in m.subject]
    assert len(warning) == 1
    mail.outbox.clear()
    assert services.sla_sweep(now=SUNDAY_3AM + timedelta(minutes=12))["callback_warning"] == 0
    done = services.sla_sweep(now=SUNDAY_3AM + timedelta(minutes=16))
    assert done["callback_breach"] == 1
    breach = [m for m in mail.outbox if "SLA breached" in m.subject]
    assert len(breach) == 1
    assert set(breach[0].to) == {manager.email, tam_a.email}
    assert services.sla_sweep(now=SUNDAY_3AM + timedelta(minutes=17))["callback_breach"] == 0
    assert SlaNotice.objects.filter(subject_id=call.pk, kind="callback").count() == 2


def test_a_callback_logged_in_time_is_never_escalated(representative, critical_case_a, agent):
    call = _call(representative, case=critical_case_a)
    services.callback_log_attempt(
        call=call, agent=agent, outcome="reached", now=SUNDAY_3AM + timedelta(minutes=4)
    )
    done = services.sla_sweep(now=SUNDAY_3AM + timedelta(minutes=30))
    assert done["callback_breach"] == 0


def test_a_callback_needs_an_outcome(representative, critical_case_a, agent):
    call = _call(representative, case=critical_case_a)
    with pytest.raises(services.CaseError, match="outcome"):
        services.callback_log_attempt(call=call, agent=agent, outcome="maybe", now=SUNDAY_3AM)


def test_a_missing_vital_field_is_named(representative, critical_case_a):
    with pytest.raises(services.CaseError, match="phone number"):
        services.hotline_record_call(
            recorded_by=representative,
            company_name="Alpha",
            contact_person="Anna",
            phone=" ",
            email="anna@alpha.example",
            description="down",
            case=critical_case_a,
        )


def test_the_customer_sees_callback_due_then_called_back(
    representative, critical_case_a, agent, client_a
):
    call = _call(representative, case=critical_case_a)
    url = reverse("cases:detail", args=[critical_case_a.reference])
    with time_machine.travel(SUNDAY_3AM + timedelta(minutes=2), tick=False):
        shown = text(client_a.get(url).content, "[data-testid=callback]")
    assert shown.startswith("callback due by ")
    services.callback_log_attempt(
        call=call, agent=agent, outcome="reached", now=SUNDAY_3AM + timedelta(minutes=7)
    )
    shown = text(client_a.get(url).content, "[data-testid=callback]")
    assert shown.startswith("called back at ")


def test_the_representative_records_a_call_on_the_intake_page(
    client, representative, critical_case_a, agent
):
    client.force_login(representative)
    url = reverse("admin:cases_hotlinecall_intake")
    fields = {
        "company_name": "Alpha Mail",
        "contact_person": "Anna",
        "phone": "+31 20 555 0100",
        "email": "anna@alpha.example",
        "description": "Everything fails with 503.",
    }
    found = page(client.post(url, {**fields, "find": "1"}))
    choice = one(found, f"[data-testid=candidates] input[value='case:{critical_case_a.pk}']")
    assert critical_case_a.reference in text(found, f"label[for='{choice.get('id')}']")
    response = client.post(url, {**fields, "record": "1", "target": f"case:{critical_case_a.pk}"})
    assert response.status_code == 302
    call = HotlineCall.objects.get()
    assert call.case == critical_case_a
    assert call.recorded_by == representative


def test_an_agent_logs_a_callback_on_the_case_page(agent_client, representative, critical_case_a):
    _call(representative, case=critical_case_a, now=None)
    url = reverse("admin:cases_case_act", args=[critical_case_a.pk, "log_callback"])
    response = agent_client.post(
        url, {"log_callback-outcome": "reached", "log_callback-notes": "ok"}
    )
    assert response.status_code == 302
    assert HotlineCall.objects.get().attempts.count() == 1


def test_customers_cannot_open_the_intake_page(client_a):
    response = client_a.get(reverse("admin:cases_hotlinecall_intake"))
    assert response.status_code == 302


def test_the_call_list_links_to_the_intake_page_and_the_report(client, representative):
    client.force_login(representative)
    tree = page(client.get(reverse("admin:cases_hotlinecall_changelist")))
    assert text(tree, f"a[href='{reverse('admin:cases_hotlinecall_intake')}']") == "Record a call"
    assert text(tree, f"a[href='{reverse('admin:cases_sla_report')}']") == "SLA oversight"


@pytest.mark.parametrize(
    "target",
    ["case:abc", "account:", "case:1x", "elsewhere:3", "account:²", "case:²", "case:" + "9" * 30],
)
def test_a_malformed_choice_on_the_intake_page_is_refused_with_a_sentence(
    client, representative, critical_case_a, target
):
    client.force_login(representative)
    url = reverse("admin:cases_hotlinecall_intake")
    fields = {
        "company_name": "Alpha Mail",
        "contact_person": "Anna",
        "phone": "+31 20 555 0100",
        "email": "anna@alpha.example",
        "description": "Everything fails with 503.",
    }
    response = client.post(url, {**fields, "record": "1", "target": target})
    assert response.status_code == 200
    assert texts(response.content, "ul.messagelist li.error") == [
        "Choose the caller's case or account below."
    ]
    assert not HotlineCall.objects.exists()


def test_a_case_filed_from_a_call_records_critical_in_its_filing_event(
    representative, account_a, customer_a
):
    call = _call(representative, account=account_a)
    opened = call.case.events.get(kind=CaseEvent.Kind.OPENED)
    assert opened.data["severity"] == Severity.CRITICAL
    assert call.case.first_response_due_at == SUNDAY_3AM + timedelta(minutes=15)
    assert call.case.agreed_update_interval == 60


def test_case_open_refuses_an_unknown_severity(account_a, customer_a):
    with pytest.raises(services.CaseError, match="severity"):
        services.case_open(
            account=account_a,
            requester=customer_a,
            subject="Down",
            description="All down",
            category="software_bug",
            severity="urgent",
        )


INTAKE_FIELDS = {
    "company_name": "Alpha Mail",
    "contact_person": "Anna",
    "phone": "+31 20 555 0100",
    "email": "anna@alpha.example",
    "description": "Everything fails with 503.",
}


def refusals(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def _record(client, target):
    data = {**INTAKE_FIELDS, "record": "1", "target": target}
    return client.post(reverse("admin:cases_hotlinecall_intake"), data)


@pytest.fixture
def critical_case_b(customer_b, account_b):
    return services.case_open(
        account=account_b,
        requester=customer_b,
        subject="Bravo is down",
        description="All SMTP fails",
        category="software_bug",
        smtp_all_failing=True,
        smtp_failure_cause="server",
    )


def test_the_intake_refuses_to_link_a_call_to_another_accounts_case(
    client, representative, critical_case_a, critical_case_b
):
    client.force_login(representative)
    response = _record(client, f"case:{critical_case_b.pk}")
    assert response.status_code == 200
    assert refusals(response) == [
        "The chosen case is not an open case of the caller's account: "
        "choose the caller's case or account below."
    ]
    # What was typed is kept on the form.
    assert response.context["form"]["description"].value() == "Everything fails with 503."
    assert text(response.content, "textarea[name=description]") == "Everything fails with 503."
    assert not HotlineCall.objects.exists()
    assert not critical_case_b.events.filter(kind=CaseEvent.Kind.HOTLINE_CALL).exists()


def test_the_intake_refuses_to_link_a_call_to_a_closed_case(
    client, representative, critical_case_a
):
    Case.objects.filter(pk=critical_case_a.pk).update(
        status=Status.CLOSED, closed_at=SUNDAY_3AM, resolved_at=SUNDAY_3AM
    )
    client.force_login(representative)
    response = _record(client, f"case:{critical_case_a.pk}")
    assert response.status_code == 200
    assert refusals(response) == [
        "The chosen case is not an open case of the caller's account: "
        "choose the caller's case or account below."
    ]
    assert not HotlineCall.objects.exists()


def test_the_intake_refuses_an_account_the_typed_details_did_not_find(
    client, representative, critical_case_a, account_b, customer_b
):
    client.force_login(representative)
    response = _record(client, f"account:{account_b.pk}")
    assert response.status_code == 200
    assert refusals(response) == [
        "The chosen account is not one found from the company, email or phone typed: "
        "choose the caller's account below."
    ]
    assert not HotlineCall.objects.exists()
    assert not account_b.cases.exists()


def test_the_intake_links_an_open_case_of_the_callers_account(
    client, representative, critical_case_a
):
    client.force_login(representative)
    assert _record(client, f"case:{critical_case_a.pk}").status_code == 302
    assert HotlineCall.objects.get().case == critical_case_a


def test_a_call_is_never_recorded_on_a_closed_case(representative, critical_case_a):
    Case.objects.filter(pk=critical_case_a.pk).update(
        status=Status.RESOLVED, resolved_at=SUNDAY_3AM
    )
    with pytest.raises(services.CaseError, match="not open"):
        _call(representative, case=critical_case_a)
    assert not HotlineCall.objects.exists()


@pytest.mark.parametrize(
    ("called_back_after", "viewed_after", "verdict"),
    [(None, 10, "pending"), (None, 16, "breached"), (9, 30, "met"), (20, 30, "breached")],
)
def test_the_staff_case_page_marks_each_call_by_its_callback(
    agent_client, representative, critical_case_a, agent, called_back_after, viewed_after, verdict
):
    call = _call(representative, case=critical_case_a)
    if called_back_after is not None:
        at = SUNDAY_3AM + timedelta(minutes=called_back_after)
        services.callback_log_attempt(
            call=call, agent=agent, outcome=CallbackAttempt.Outcome.REACHED, at=at, now=at
        )
    with time_machine.travel(SUNDAY_3AM + timedelta(minutes=viewed_after), tick=False):
        response = agent_client.get(reverse("admin:cases_case_change", args=[critical_case_a.pk]))
    assert one(page(response), "[data-testid=hotline-call]").get("class").split() == [
        "case-sla",
        verdict,
    ]


def test_the_call_event_keeps_the_moment_and_each_reader_sees_their_zone(
    representative, critical_case_a, agent
):
    from django.utils import timezone

    _call(representative, case=critical_case_a)
    event = CaseEvent.objects.get(case=critical_case_a, kind=CaseEvent.Kind.HOTLINE_CALL)
    due = SUNDAY_3AM + timedelta(minutes=15)
    assert datetime.fromisoformat(event.data["callback_due_at"]) == due
    with timezone.override("Europe/Amsterdam"):
        assert event.shown_detail == "callback due by 29 Nov 2026, 03:15 CET"
    with timezone.override("America/New_York"):
        assert event.shown_detail == "callback due by 28 Nov 2026, 21:15 EST"
