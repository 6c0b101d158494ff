"""The TAM's programme in a real browser: a plan the customer follows on a chart, and a
pasted Microsoft S3150 bounce that becomes a pre-filled Tier 1 request."""

import pytest

from deliverability.models import RemediationRequest, SendingDomain, SendingIP
from tests.deliverability.programme_fixtures import S3150, make_plan
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

ACTUALS = (
    "date,provider,sent,delivered,bounces,complaints\n"
    "2027-01-04,gmail,40,40,0,0\n"
    "2027-01-04,microsoft,900,880,20,0\n"
)


@pytest.mark.django_db(transaction=True)
def test_the_tams_plan_is_seen_by_the_customer_with_its_chart(
    page, screenshot, customer_a, account_a, tam_a
):
    ip = SendingIP.objects.create(account=account_a, address="192.0.2.10")
    plan = make_plan(account_a, [ip], name="Transactional warm-up", created_by=tam_a)
    tam_a.is_staff = True
    tam_a.save()

    sign_in(page, tam_a.email, PASSWORD)
    page.goto(f"/admin/deliverability/warmupplan/{plan.pk}/upload/")
    page.fill("textarea[name=text]", ACTUALS)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "2 daily actuals imported." in page.content()
    page.context.clear_cookies()

    sign_in(page, customer_a.email, PASSWORD)
    page.goto("/deliverability/plans/")
    page.click("text=Transactional warm-up")
    assert page.locator("svg.warmup-chart").count() == 5
    assert page.locator('svg[data-provider="microsoft"] rect[data-advice="hold"]').count() == 1
    assert "Hold: send tomorrow what was planned for today" in page.locator("#flagged").inner_text()
    screenshot("programme-plan")


@pytest.mark.django_db(transaction=True)
def test_a_pasted_s3150_bounce_becomes_a_prefilled_tier1_request(
    page, screenshot, customer_a, account_a
):
    # The vendor mediates for the account's own IP and domains only.
    SendingIP.objects.create(account=account_a, address="192.0.2.10")
    SendingDomain.objects.create(account=account_a, name="alpha.example", purpose="from")
    sign_in(page, customer_a.email, PASSWORD)
    page.goto("/deliverability/bounces/")
    page.fill("textarea[name=text]", S3150)
    page.click("#bounce-form button")
    result = page.locator(".bounce-result")
    assert result.get_attribute("data-kind") == "reputation_block"
    screenshot("programme-bounce")
    result.locator("button", has_text="Request Tier 1 remediation").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("select[name=provider]").input_value() == "microsoft"
    assert page.locator("textarea[name=affected_ips]").input_value() == "192.0.2.10"
    assert "(S3150)" in page.locator("textarea[name=bounce_text]").input_value()
    page.fill("input[name=from_domain]", "news.alpha.example")
    page.fill("input[name=dkim_domain]", "news.alpha.example")
    page.fill("input[name=return_path_domain]", "bounces.alpha.example")
    page.fill("input[name=daily_volume]", "20000")
    page.select_option("select[name=ip_type]", "dedicated")
    for name in (
        "authentication_in_place",
        "one_click_unsubscribe",
        "complaint_rate_ok",
        "warmup_followed",
    ):
        page.check(f"input[name={name}]")
    screenshot("programme-remediation-form")
    page.click("#remediation-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    remediation = RemediationRequest.objects.get()
    assert remediation.bounce_rule == "microsoft-s3150"
    assert remediation.case.reference in page.content()
    screenshot("programme-remediation")
