"""In a real browser, one platform outage from the first failed probe to each customer's
own agreement: the probes open a draft incident and alert on call; the agent publishes
it, links three customers' critical cases, and posts one update that is each case's
agreed update; the representative records two hotline calls about it, each with its own
callback; the agent resolves it and each customer accepts on their own case."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts import roles
from accounts.models import Region
from availability import services as availability
from availability.models import Outage, Probe
from cases.models import (
    Case,
    CaseEvent,
    CaseMessage,
    HotlineCall,
    Incident,
    IncidentStatus,
    Status,
)
from tests.factories import PASSWORD, ContactFactory, StaffFactory
from tests.probe_servers import HttpEndpoint

from .conftest import file_critical, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS = [
    ("Alpha Mail BV", "alice@alpha.example", "+31 6 1111 1111", "nl"),
    ("Bravo Sending Ltd", "bob@bravo.example", "+44 20 2222 2222", "en"),
    ("Charlie Post GmbH", "carla@charlie.example", "+49 30 3333 3333", "en"),
]


def probes_fail_for_three_minutes(probe: Probe) -> Incident:
    """Celery beat's minute ticks, the endpoint answering 503 each time."""
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=4)
    for n in range(4):
        at = start + timedelta(minutes=n)
        availability.probe_run(probe_id=probe.pk, at=at, now=at + timedelta(seconds=2))
        availability.evaluate(
            component="api", region_id=probe.region_id, now=at + timedelta(seconds=3)
        )
    return Outage.objects.get().incident


def record_call(page, customer, case: Case, incident: Incident) -> None:
    """At the hotline intake: find the caller by phone, choose their case and the
    incident, and record the call."""
    page.goto("/admin/cases/hotlinecall/intake/")
    page.fill("#id_phone", customer.phone)
    page.get_by_test_id("find").click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_company_name", customer.contact.account.name)
    page.fill("#id_contact_person", customer.full_name)
    page.fill("#id_email", customer.email)
    page.fill("#id_description", "Every API call answers 503.")
    page.check(f"#t-case-{case.pk}")
    page.check(f"#id_incident input[value='{incident.pk}']")
    page.get_by_test_id("record").click()
    page.wait_for_load_state("networkidle")


def test_an_outage_from_probe_failure_to_each_customer_accepting_on_their_own_case(
    page, screenshot
):
    region = Region.objects.create(code="eu-west", name="EU-West", name_nl="EU-West")
    customers = [
        ContactFactory(
            account__name=name,
            account__region=region,
            user__email=email,
            user__phone=phone,
            user__language=language,
        ).user
        for name, email, phone, language in CUSTOMERS
    ]
    agent = StaffFactory(
        email="agent@example.com", full_name="Sam Agent", role=roles.SUPPORT_AGENTS
    )
    StaffFactory(email="rep@example.com", full_name="Chris Rep", role=roles.CUSTOMER_SERVICE)
    cases = [file_critical(customer) for customer in customers]
    mail.outbox.clear()

    # 1. The probes: every API call fails server-side for three minutes.
    with HttpEndpoint("503") as endpoint:
        probe = Probe.objects.create(
            name="API EU-West", component="api", region=region, url=endpoint.url, timeout_seconds=1
        )
        incident = probes_fail_for_three_minutes(probe)
    assert incident.status == IncidentStatus.DRAFT and incident.detected_by_probes
    (alert,) = [m for m in mail.outbox if m.to and agent.email in m.to]
    assert "REST API unavailable in EU-West" in alert.subject
    link = re.search(r"/admin/cases/incident/\d+/change/", alert.body).group(0)

    # 2. The agent follows the alert, publishes the draft and links the three cases.
    sign_in(page, agent.email, PASSWORD)
    page.goto(link)
    page.get_by_test_id("publish-form").locator("input[type=submit]").click()
    page.wait_for_load_state("networkidle")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ACTIVE and incident.declared_by == agent
    link_form = page.get_by_test_id("link-form")
    for case in cases:
        link_form.get_by_test_id(f"candidate-{case.reference}").locator("input").check()
    link_form.locator("input[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert set(incident.cases.values_list("pk", flat=True)) == {c.pk for c in cases}

    # 3. One update: each case's agreed update, in its customer's language, one mail each.
    due_before = {c.pk: Case.objects.get(pk=c.pk).next_update_due_at for c in cases}
    mail.outbox.clear()
    update = page.get_by_test_id("update-form")
    update.locator("textarea[name=text]").fill("We found the failing API pool and drain it.")
    update.locator("textarea[name=text_nl]").fill("We vonden de falende API-pool en legen die.")
    expected = timezone.localtime(timezone.now() + timedelta(hours=2), ZoneInfo(agent.time_zone))
    update.locator("input[name=expected_resolution_at]").fill(expected.strftime("%Y-%m-%dT%H:%M"))
    update.locator("input[type=submit]").click()
    page.wait_for_load_state("networkidle")
    screenshot("incident-walk-staff-page")
    for case, customer in zip(cases, customers, strict=True):
        reply = CaseMessage.objects.filter(case=case, visibility="public").latest("created_at")
        words = "legen die" if customer.language == "nl" else "drain it"
        assert words in reply.body
        fulfilled = CaseEvent.objects.filter(
            case=case, kind=CaseEvent.Kind.SLA_FULFILLED, data__deadline_kind="next_update"
        )
        assert fulfilled.count() == 1, case.reference
        case.refresh_from_db()
        assert case.next_update_due_at > due_before[case.pk]
        assert len([m for m in mail.outbox if customer.email in m.to]) == 1

    # The customer sees the banner on every page and the update on their case.
    page.context.clear_cookies()
    sign_in(page, customers[1].email, PASSWORD)
    banner = page.get_by_role("status").filter(has_text=incident.reference)
    assert "REST API unavailable in EU-West" in banner.inner_text()
    page.goto(f"/cases/{cases[1].reference}/")
    assert "drain it" in page.get_by_test_id("timeline").inner_text()
    screenshot("incident-walk-customer-case")

    # 4. Two hotline calls about it, each with its own 15-minute callback.
    page.context.clear_cookies()
    sign_in(page, "rep@example.com", PASSWORD)
    for n in (0, 2):
        record_call(page, customers[n], cases[n], incident)
    calls = list(HotlineCall.objects.order_by("received_at"))
    assert [c.case_id for c in calls] == [cases[0].pk, cases[2].pk]
    for call in calls:
        assert call.incident == incident
        assert call.callback_due_at == call.received_at + timedelta(minutes=15)
    page.context.clear_cookies()
    sign_in(page, agent.email, PASSWORD)
    page.goto("/admin/cases/hotlinecall/")
    group = page.get_by_test_id(f"callbacks-{incident.reference}").inner_text()
    assert customers[0].contact.account.name in group
    assert customers[2].contact.account.name in group
    screenshot("incident-walk-callbacks")

    # 5. The agent resolves; each customer still agrees on their own case.
    page.goto(link)
    resolve = page.get_by_test_id("resolve-form")
    resolve.locator("textarea[name=summary]").fill(
        "A failed deploy left one API pool without workers."
    )
    resolve.locator("textarea[name=summary_nl]").fill(
        "Een mislukte uitrol liet één API-pool zonder workers."
    )
    resolve.locator("input[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert all(Case.objects.get(pk=c.pk).status == Status.RESOLUTION_PROPOSED for c in cases)
    for n, (case, customer) in enumerate(zip(cases, customers, strict=True)):
        page.context.clear_cookies()
        sign_in(page, customer.email, PASSWORD)
        page.goto(f"/cases/{case.reference}/")
        page.click("form[action$='/accept/'] button")
        page.wait_for_load_state("networkidle")
        statuses = [Case.objects.get(pk=c.pk).status for c in cases]
        assert statuses[: n + 1] == [Status.RESOLVED] * (n + 1)
        assert statuses[n + 1 :] == [Status.RESOLUTION_PROPOSED] * (len(cases) - n - 1)
    screenshot("incident-walk-customer-accepted")
