"""In a real browser, the hotline intake walk: the representative finds the caller's
account from the phone number alone, chooses the call's case (nothing is chosen for
them), and the customer is acknowledged with the callback's deadline."""

import pytest
from django.core import mail

from accounts import roles
from cases import services
from cases.models import CaseEvent, HotlineCall, Severity
from tests.factories import PASSWORD, ContactFactory, StaffFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def walk(page):
    customer = ContactFactory(
        account__name="Alpha Mail BV",
        user__email="alice@alpha.example",
        user__phone="+31 6 1234 5678",
    ).user
    ContactFactory(account__name="Bravo Sending Ltd", user__phone="+1 917 555 0199")
    StaffFactory(email="rep@example.com", full_name="Chris Rep", role=roles.CUSTOMER_SERVICE)
    mailed_first = services.case_open(
        account=customer.contact.account,
        requester=customer,
        subject="Nothing gets delivered since 02:40",
        description="Every message bounces.",
        category="software_bug",
    )
    mail.outbox.clear()
    sign_in(page, "rep@example.com", PASSWORD)
    page.goto("/admin/cases/hotlinecall/intake/")
    # Only the number the caller gave, written their way: the other fields come later.
    page.fill("#id_phone", "06-12345678")
    page.get_by_test_id("find").click()
    page.wait_for_load_state("networkidle")
    candidates = page.get_by_test_id("candidates")
    assert "Alpha Mail BV" in candidates.inner_text()
    assert "Bravo" not in candidates.inner_text()
    assert mailed_first.reference in candidates.inner_text()
    assert page.locator("[data-testid=candidates] input[name=target]:checked").count() == 0
    assert page.locator(".errorlist").count() == 0
    page.fill("#id_company_name", "Alpha Mail")
    page.fill("#id_contact_person", "Alice")
    page.fill("#id_email", "alice@alpha.example")
    page.fill("#id_description", "All API calls return 503.\nSince 02:40, every region.")
    return customer, mailed_first


def test_the_representative_files_a_case_from_the_call_and_the_customer_is_acknowledged(
    page, screenshot, walk
):
    customer, _mailed_first = walk
    account = customer.contact.account
    screenshot("hotline-intake-found")
    page.check(f"#t-acc-{account.pk}")
    page.get_by_test_id("record").click()
    page.wait_for_load_state("networkidle")
    call = HotlineCall.objects.select_related("case").get()
    assert call.case_created_at_intake
    assert call.case.subject == "All API calls return 503."
    (ack,) = [m for m in mail.outbox if customer.email in m.to]
    assert ack.subject == f"[{call.case.reference}] All API calls return 503."
    assert "We received your call to the Severity 1 hotline at " in ack.body
    assert "A support agent calls you back by " in ack.body
    assert "Call the Severity 1 hotline" not in ack.body


def test_the_representative_links_the_case_mailed_in_first_and_it_becomes_critical(page, walk):
    _customer, mailed_first = walk
    page.check(f"#t-case-{mailed_first.pk}")
    page.get_by_test_id("record").click()
    page.wait_for_load_state("networkidle")
    assert HotlineCall.objects.get().case == mailed_first
    mailed_first.refresh_from_db()
    assert mailed_first.severity == Severity.CRITICAL
    assert (
        mailed_first.events.get(kind=CaseEvent.Kind.RECLASSIFIED).detail
        == "Severity 1 hotline call"
    )
    assert "Call recorded" in page.locator(".messagelist").inner_text()
