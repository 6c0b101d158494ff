"""The hotline intake page as the representative uses it: find the account from whatever
the caller said, choose the call's case (nothing is chosen for them), link or file it,
and the customer's acknowledgement of a case filed from the call."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from cases import services
from cases.models import Case, CaseEvent, HotlineCall, Severity, Status
from tests.factories import AccountFactory, ContactFactory, StaffFactory

from ..html import absent, one, page, select, text, texts

AMS = ZoneInfo("Europe/Amsterdam")
SUNDAY_3AM = datetime(2026, 11, 29, 3, 0, tzinfo=AMS)
URL = "/admin/cases/hotlinecall/intake/"

pytestmark = pytest.mark.django_db

EMPTY = {
    "company_name": "",
    "contact_person": "",
    "phone": "",
    "email": "",
    "description": "",
}
VITAL = {
    "company_name": "Alpha Mail",
    "contact_person": "Alice",
    "phone": "+31 20 555 0100",
    "email": "alice@alpha.example",
    "description": "All API calls return 503.\nSince 02:40, every region.",
}


@pytest.fixture
def rep_client(client, representative):
    client.force_login(representative)
    return client


@pytest.fixture
def alice(customer_a):
    customer_a.phone = "+31 6 1234 5678"
    customer_a.save(update_fields=["phone"])
    return customer_a


def _file(account, requester, *, days_ago=0.0, critical=False, subject="Webhooks arrive twice"):
    answers = {"api_all_failing": True, "api_failure_cause": "server"} if critical else {}
    case = services.case_open(
        account=account,
        requester=requester,
        subject=subject,
        description="As filed.",
        category="software_bug",
        now=SUNDAY_3AM - timedelta(days=days_ago),
        **answers,
    )
    mail.outbox.clear()
    return case


def _find(client, **typed):
    with time_machine.travel(SUNDAY_3AM, tick=False):
        return client.post(URL, {**EMPTY, **typed, "find": "1"})


def _record(client, target, **typed):
    with time_machine.travel(SUNDAY_3AM, tick=False):
        return client.post(URL, {**VITAL, **typed, "record": "1", "target": target})


def _accounts(response) -> list[str]:
    return texts(response.content, "[data-testid=candidates] fieldset.match legend")


# --- finding the account -------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        {"company_name": "alpha mail"},
        {"email": "ALICE@alpha.example"},
        {"phone": "06-1234 5678"},
        {"phone": "+31 (0)6 12 34 56 78"},
        {"phone": "0031612345678"},
    ],
    ids=["company", "email", "phone-national", "phone-spaced", "phone-international"],
)
def test_the_account_is_found_from_any_one_field_with_the_others_empty(
    rep_client, alice, account_b, customer_b, typed
):
    response = _find(rep_client, **typed)
    assert response.status_code == 200
    assert _accounts(response) == ["Alpha Mail BV"]
    # Searching is not recording: no field is called missing.
    absent(response.content, "form .errorlist")
    # What was typed stays on the form.
    field, value = next(iter(typed.items()))
    assert one(response.content, f"input[name={field}]").get("value") == value


def test_the_find_button_asks_the_browser_for_no_field_and_comes_first(rep_client):
    tree = page(rep_client.get(URL))
    buttons = select(tree, "form[data-testid=hotline-intake] input[type=submit]")
    assert [b.get("name") for b in buttons] == ["find", "record"]
    assert buttons[0].get("formnovalidate") is not None


def test_too_little_typed_finds_nothing_and_says_so(rep_client, alice):
    response = _find(rep_client, company_name="A", phone="0100")
    assert _accounts(response) == []
    assert "No account found." in text(response.content, "[data-testid=candidates]")


def test_recording_still_names_each_missing_vital_fact(rep_client, alice):
    response = _record(rep_client, "none", phone="", description="")
    assert response.status_code == 200
    assert len(select(response.content, "form .errorlist")) == 2
    assert not HotlineCall.objects.exists()


# --- the candidates ----------------------------------------------------------------


def test_candidates_are_the_accounts_recent_open_cases_of_any_severity_newest_first(
    rep_client, alice, account_a
):
    old_outage = _file(account_a, alice, days_ago=20, critical=True, subject="Old outage")
    _file(account_a, alice, days_ago=10, subject="Too old to be the call")
    yesterday = _file(account_a, alice, days_ago=1, subject="SMTP refuses with 451")
    today = _file(account_a, alice, days_ago=0.1, critical=True, subject="API down")
    closed = _file(account_a, alice, days_ago=0.5, subject="Closed one")
    Case.objects.filter(pk=closed.pk).update(
        status=Status.CLOSED, closed_at=SUNDAY_3AM, resolved_at=SUNDAY_3AM
    )
    response = _find(rep_client, email="alice@alpha.example")
    radios = select(response.content, "[data-testid=candidates] input[name=target]")
    assert [r.get("value") for r in radios] == [
        f"case:{today.pk}",
        f"case:{yesterday.pk}",
        f"case:{old_outage.pk}",
        f"account:{account_a.pk}",
        "none",
    ]
    # Nothing is chosen for the representative.
    assert [r for r in radios if r.get("checked") is not None] == []
    label = text(response.content, f"label[for=t-case-{yesterday.pk}]")
    assert label.startswith(f"{yesterday.reference} SMTP refuses with 451 Non-critical issue")
    assert "becomes critical when linked" in label
    assert "becomes critical when linked" not in text(
        response.content, f"label[for=t-case-{today.pk}]"
    )


def test_another_accounts_cases_never_appear(rep_client, alice, account_a, customer_b, account_b):
    mine = _file(account_a, alice, subject="Alpha's outage")
    _file(account_b, customer_b, critical=True, subject="Bravo's outage")
    response = _find(rep_client, company_name="Alpha")
    shown = text(response.content, "[data-testid=candidates]")
    assert mine.reference in shown
    assert "Bravo" not in shown
    assert len(select(response.content, "input[value^='case:']")) == 1


def test_the_search_reads_the_same_queries_for_one_account_or_three(rep_client, representative):
    def find_with(n: int) -> int:
        for i in range(n):
            contact = ContactFactory(account=AccountFactory(name=f"Gamma {n}-{i}"))
            _file(contact.account, contact.user)
            _file(contact.account, contact.user, critical=True)
        with CaptureQueriesContext(connection) as queries:
            response = _find(rep_client, company_name=f"Gamma {n}-")
        assert len(_accounts(response)) == n
        return len(queries)

    _find(rep_client, company_name="nobody")  # warm caches (the SLA sweep's heartbeat)
    assert find_with(1) == find_with(3)


def test_a_refused_choice_keeps_what_was_chosen(rep_client, alice, account_a, account_b):
    case = _file(account_a, alice)
    response = _record(rep_client, f"case:{case.pk}", description="")
    assert one(response.content, f"#t-case-{case.pk}").get("checked") is not None


def test_recording_without_a_choice_when_accounts_were_found_is_refused(rep_client, alice):
    response = _record(rep_client, "")
    assert [str(m) for m in response.context["messages"]] == [
        "Choose the caller's case or account below."
    ]
    assert not HotlineCall.objects.exists()


# --- linking a case ----------------------------------------------------------------


def test_linking_a_non_critical_case_reclassifies_it_with_the_hotline_as_reason(
    rep_client, representative, alice, account_a, agent
):
    mailed_first = _file(account_a, alice, days_ago=0.2, subject="Nothing gets delivered")
    assert mailed_first.severity == Severity.NON_CRITICAL
    response = _record(rep_client, f"case:{mailed_first.pk}")
    assert response.status_code == 302
    mailed_first.refresh_from_db()
    assert mailed_first.severity == Severity.CRITICAL
    assert HotlineCall.objects.get().case == mailed_first
    assert Case.objects.count() == 1  # no duplicate
    reclassified = mailed_first.events.get(kind=CaseEvent.Kind.RECLASSIFIED)
    assert reclassified.detail == "Severity 1 hotline call"
    assert reclassified.actor == representative
    assert reclassified.data == {"from": "non_critical", "to": "critical"}
    # The critical first-response clock starts at the call.
    assert mailed_first.first_response_due_at == SUNDAY_3AM + timedelta(minutes=15)
    # On-call hears once, of the call with its callback; the customer of the new severity.
    to_agent = [m.subject for m in mail.outbox if agent.email in m.to]
    assert len(to_agent) == 1
    assert to_agent[0].startswith("Severity 1 hotline: call back Alpha Mail by")
    to_customer = [m for m in mail.outbox if alice.email in m.to]
    assert len(to_customer) == 1
    assert "The severity of your case changed to “Critical issue”." in to_customer[0].body
    assert "Severity 1 hotline call" in to_customer[0].body


def test_the_reason_is_written_in_the_customers_language(representative, alice, account_a):
    alice.language = "nl"
    alice.save(update_fields=["language"])
    case = _file(account_a, alice)
    services.hotline_record_call(recorded_by=representative, case=case, now=SUNDAY_3AM, **VITAL)
    reclassified = case.events.get(kind=CaseEvent.Kind.RECLASSIFIED)
    assert reclassified.detail == "Oproep naar de Ernst 1 Hotline"


def test_linking_a_critical_case_leaves_its_severity_alone(rep_client, alice, account_a):
    outage = _file(account_a, alice, critical=True)
    assert _record(rep_client, f"case:{outage.pk}").status_code == 302
    assert not outage.events.filter(kind=CaseEvent.Kind.RECLASSIFIED).exists()


# --- a case filed from the call -----------------------------------------------------


def test_a_case_filed_at_intake_acknowledges_the_call_and_the_callback_due(
    rep_client, alice, account_a
):
    assert _record(rep_client, f"account:{account_a.pk}").status_code == 302
    case = HotlineCall.objects.get().case
    # The caller's problem, not a label of the representative's.
    assert case.subject == "All API calls return 503."
    assert case.description == VITAL["description"]
    sent = [m for m in mail.outbox if alice.email in m.to]
    assert len(sent) == 1
    assert sent[0].subject == f"[{case.reference}] Case received: All API calls return 503."
    assert (
        "We received your call to the Severity 1 hotline at 29 Nov 2026, 03:00 CET. "
        "A support agent calls you back by 29 Nov 2026, 03:15 CET." in sent[0].body
    )
    assert "Call the Severity 1 hotline" not in sent[0].body
    assert "calls you back by 29 Nov 2026, 03:15 CET" in sent[0].alternatives[0][0]


def test_the_acknowledgement_speaks_the_customers_language_and_zone(
    representative, alice, account_a
):
    alice.language = "nl"
    alice.time_zone = "America/New_York"
    alice.save(update_fields=["language", "time_zone"])
    services.hotline_record_call(
        recorded_by=representative, account=account_a, now=SUNDAY_3AM, **VITAL
    )
    (sent,) = [m for m in mail.outbox if alice.email in m.to]
    # The month's abbreviation is the locale's (its case is not this test's business).
    assert re.search(
        r"We hebben uw oproep naar de Ernst 1 Hotline ontvangen op 28 nov 2026, 21:00 EST\. "
        r"Een Klant Support agent belt u uiterlijk 28 nov 2026, 21:15 EST terug\.",
        sent.body,
        re.IGNORECASE,
    )


def test_a_long_first_line_is_cut_at_a_word_for_the_subject(representative, alice, account_a):
    words = "Every API call to the sending endpoint answers 503 " * 5
    call = services.hotline_record_call(
        recorded_by=representative,
        account=account_a,
        now=SUNDAY_3AM,
        **{**VITAL, "description": f"\n\n  {words}\nMore."},
    )
    subject = call.case.subject
    assert len(subject) <= 120
    assert subject.endswith("…")
    assert words.startswith(subject[:-1])
    assert words[len(subject) - 1] == " "


# --- who may use the page ----------------------------------------------------------


@pytest.mark.parametrize("role", [roles.SUPPORT_AGENTS, roles.TECHNICAL_ACCOUNT_MANAGERS])
def test_staff_without_the_hotline_role_are_told_who_records_calls(client, role):
    client.force_login(StaffFactory(role=role))
    response = client.get(URL)
    assert response.status_code == 403
    said = text(response.content, "[data-testid=intake-refused]")
    assert said.startswith(
        "Severity 1 hotline calls are recorded here by customer service representatives "
        "and support managers. Your role does not record calls."
    )
    queue = one(response.content, "[data-testid=intake-refused] a[href='/admin/cases/case/']")
    assert text(queue) == "The case queue"
    absent(response.content, "form[data-testid=hotline-intake]")


def test_the_add_address_tells_agents_the_same(agent_client):
    response = agent_client.get(reverse("admin:cases_hotlinecall_add"))
    assert response.status_code == 403
    assert one(response.content, "[data-testid=intake-refused]") is not None


@pytest.mark.parametrize("role", [roles.CUSTOMER_SERVICE, roles.SUPPORT_MANAGERS])
def test_representatives_and_managers_get_the_form(client, role):
    client.force_login(StaffFactory(role=role))
    response = client.get(URL)
    assert response.status_code == 200
    assert one(response.content, "form[data-testid=hotline-intake]") is not None
