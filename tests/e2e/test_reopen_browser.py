"""In a real browser: a customer answers a resolved case. Within the reopen window the
reply reopens it and reaches its agent, who finds it open again in the queue; after the
window it opens a new case that follows up on the old one."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import roles
from cases import services
from cases.models import Case, Status
from tests.factories import PASSWORD, ContactFactory, StaffFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _resolved_case(contact, agent, days_ago):
    customer = contact.user
    then = timezone.now() - timedelta(days=days_ago)
    case = services.case_open(
        account=contact.account,
        requester=customer,
        subject="Bounce webhooks arrive twice",
        description="Each hard bounce reaches our webhook twice.",
        category="software_bug",
        now=then,
    )
    services.case_assign(case=case, agent=agent, actor=agent, now=then)
    services.case_reply(case=case, author=agent, body="Deduplicated on our side.", now=then)
    agreement = services.case_propose_resolution(case=case, actor=agent, summary="Fixed", now=then)
    services.case_accept_resolution(case=case, customer=customer, answering=agreement.pk, now=then)
    mail.outbox.clear()
    return case


@pytest.fixture
def people():
    contact = ContactFactory(account__name="Alpha Mail BV", user__email="alice@alpha.example")
    agent = StaffFactory(
        email="agent@example.com", full_name="Sam Agent", role=roles.SUPPORT_AGENTS
    )
    return contact, agent


def test_a_reply_to_a_resolved_case_reopens_it_for_its_agent(page, screenshot, people):
    contact, agent = people
    customer = contact.user
    case = _resolved_case(contact, agent, days_ago=3)

    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    note = page.get_by_test_id("reply-after-resolution").inner_text()
    assert "Your reply reopens it." in note
    page.fill("form[action$='/reply/'] textarea[name=body]", "The duplicates are back since 08:00.")
    screenshot("reopen-reply")
    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/cases/{case.reference}/")
    assert "The duplicates are back" in page.locator("main").inner_text()
    screenshot("reopen-reopened")

    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.response_due_at is not None
    (alert,) = [m for m in mail.outbox if m.to == [agent.email]]
    assert case.reference in alert.subject and "reopened" in alert.subject
    assert [m for m in mail.outbox if m.to == [customer.email]]

    page.context.clear_cookies()
    sign_in(page, agent.email, PASSWORD)
    page.goto("/admin/cases/case/")
    row = page.locator("#result_list tbody tr", has_text=case.reference)
    assert row.count() == 1
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    timeline = page.get_by_test_id("staff-timeline").inner_text()
    assert "The duplicates are back" in timeline
    screenshot("reopen-admin")


def test_a_reply_after_the_window_opens_a_case_that_follows_up(page, screenshot, people):
    contact, agent = people
    customer = contact.user
    case = _resolved_case(contact, agent, days_ago=20)

    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    assert "opens a new case" in page.get_by_test_id("reply-after-resolution").inner_text()
    page.fill("form[action$='/reply/'] textarea[name=body]", "It happens again.")
    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_load_state("networkidle")

    new = Case.objects.get(follows_up=case)
    assert page.url.endswith(f"/cases/{new.reference}/")
    assert new.reference in page.locator("main").inner_text()
    screenshot("reopen-follow-up")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and new.assigned_agent == agent
    assert [m for m in mail.outbox if m.to == [agent.email] and new.reference in m.subject]
