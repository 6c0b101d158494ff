"""Tier 1 ISP-block remediation: a kind of support case with the providers' form fields."""

from datetime import date

import pytest
from django.urls import reverse

from cases.models import Case
from deliverability.models import RemediationRequest, RemediationStep
from deliverability.programme.services import (
    RemediationRefused,
    remediation_open,
    remediation_step_record,
)
from tests.deliverability.programme_fixtures import REMEDIATION_FIELDS, S3150

from ..html import one, page, select, text, texts

# The request names account A's own IP and domains (the vendor mediates for those only).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ip_a", "domain_a")]


def _post_data(**changes):
    data = {k: v for k, v in REMEDIATION_FIELDS.items() if k != "provider_label"}
    data["first_seen"] = "2027-01-10"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_a_request_opens_a_support_case_on_the_customers_account(client_a, account_a):
    response = client_a.post(reverse("deliverability:remediation_new"), _post_data())
    remediation = RemediationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("deliverability:remediation", args=[remediation.pk])
    case = remediation.case
    assert case.account == account_a and case.category == "configuration"
    assert "ISP-block remediation: Microsoft" in case.subject
    assert S3150 in case.error_samples


def test_the_request_shows_in_the_customers_case_list(client_a, remediation_a):
    tree = page(client_a.get(reverse("cases:list")))
    link = one(tree, f"a[href='{reverse('cases:detail', args=[remediation_a.case.reference])}']")
    assert remediation_a.case.reference in text(link)


def test_the_checklist_must_be_confirmed_before_the_request_is_accepted(client_a):
    response = client_a.post(
        reverse("deliverability:remediation_new"), _post_data(one_click_unsubscribe=False)
    )
    assert response.status_code == 200
    checkbox = one(response.content, "#remediation-form .form-check:has(#id_one_click_unsubscribe)")
    assert texts(checkbox, ".text-danger") == [
        "Confirm this best practice; Tier 1 remediation relies on it."
    ]
    assert not Case.objects.exists()


def test_the_service_refuses_an_unconfirmed_checklist(account_a, customer_a):
    fields = {**REMEDIATION_FIELDS, "warmup_followed": False}
    with pytest.raises(RemediationRefused):
        remediation_open(account=account_a, requester=customer_a, fields=fields)
    assert not Case.objects.exists()


def test_a_listing_prefills_the_request(client_a, listing_a):
    url = reverse("deliverability:remediation_new") + f"?listing={listing_a.pk}"
    tree = page(client_a.get(url))
    assert listing_a.blocklist.name in text(tree, "#from-listing")
    assert text(tree, "textarea[name=affected_ips]") == "192.0.2.10"
    assert f"Listed on {listing_a.blocklist.name}" in text(tree, "textarea[name=bounce_text]")


def test_another_accounts_listing_is_not_found(client_b, listing_a):
    url = reverse("deliverability:remediation_new") + f"?listing={listing_a.pk}"
    assert client_b.get(url).status_code == 404


def test_the_blocklist_page_offers_remediation_for_a_listing(client_a, listing_a):
    from deliverability.models import CheckRun

    run = CheckRun.objects.create(account=listing_a.sending_ip.account, trigger="customer")
    listing_a.last_run = run
    listing_a.save()
    tree = page(client_a.get(reverse("deliverability:ip", args=[listing_a.sending_ip.pk])))
    href = reverse("deliverability:remediation_new") + f"?listing={listing_a.pk}"
    one(tree, f"a[href='{href}']")


def test_the_portal_prefills_the_domains_it_knows(client_a, domain_a):
    tree = page(client_a.get(reverse("deliverability:remediation_new")))
    assert "news.alpha.example" in [
        el.get("value") for el in select(tree, "#remediation-form [value]")
    ]


def test_staff_steps_move_the_status_and_the_customer_sees_them(client_a, remediation_a, agent):
    remediation_step_record(
        request=remediation_a,
        kind=RemediationStep.Kind.SUBMITTED,
        on=date(2027, 1, 11),
        recorded_by=agent,
        channel="form",
        provider_reference="SRX123",
    )
    remediation_step_record(
        request=remediation_a,
        kind=RemediationStep.Kind.OUTCOME,
        on=date(2027, 1, 13),
        recorded_by=agent,
        outcome="resolved",
        text="Mitigation granted.",
    )
    remediation_a.refresh_from_db()
    assert remediation_a.status == "resolved"
    steps = texts(
        client_a.get(reverse("deliverability:remediation", args=[remediation_a.pk])).content,
        "#steps li",
    )
    assert "SRX123" in steps[1]
    assert "Block lifted" in steps[2] and steps[2].endswith("Mitigation granted.")


def test_a_submission_needs_its_channel(remediation_a, agent):
    with pytest.raises(RemediationRefused):
        remediation_step_record(
            request=remediation_a, kind="submitted", on=date(2027, 1, 11), recorded_by=agent
        )


def test_tier2_is_marked_out_of_scope_with_the_contracts_wording(client_a, remediation_a, agent):
    remediation_step_record(
        request=remediation_a, kind="tier2", on=date(2027, 1, 11), recorded_by=agent
    )
    tier2 = text(
        client_a.get(reverse("deliverability:remediation", args=[remediation_a.pk])).content,
        "#tier2",
    )
    assert "Tier 2, out of scope" in tier2
    assert "Tier 2 (custom) mediation are excluded from the support contract." in tier2
    assert "Inbox placement rates are not guaranteed and the vendor is not responsible" in tier2
    with pytest.raises(RemediationRefused):
        remediation_step_record(
            request=remediation_a, kind="answer", on=date(2027, 1, 12), recorded_by=agent
        )


def test_an_agent_records_a_step_in_the_admin(remediation_a, agent_client):
    url = reverse("admin:deliverability_remediationrequest_change", args=[remediation_a.pk])
    response = agent_client.post(
        url,
        {
            "provider": "microsoft",
            "affected_ips": "192.0.2.10",
            "from_domain": "news.alpha.example",
            "dkim_domain": "news.alpha.example",
            "return_path_domain": "bounces.alpha.example",
            "bounce_text": S3150,
            "sample_headers": "",
            "daily_volume": 20000,
            "ip_type": "dedicated",
            "first_seen": "2027-01-10",
            "authentication_in_place": "on",
            "one_click_unsubscribe": "on",
            "complaint_rate_ok": "on",
            "warmup_followed": "on",
            "steps-TOTAL_FORMS": 1,
            "steps-INITIAL_FORMS": 0,
            "steps-MIN_NUM_FORMS": 0,
            "steps-MAX_NUM_FORMS": 1000,
            "steps-0-kind": "submitted",
            "steps-0-on": "2027-01-11",
            "steps-0-channel": "form",
            "steps-0-provider_reference": "SRX9",
            "steps-0-outcome": "",
            "steps-0-text": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    remediation_a.refresh_from_db()
    assert remediation_a.status == "submitted"
    assert remediation_a.steps.get().recorded_by.email == "agent@example.com"


def test_no_page_promises_inbox_placement(client_a, remediation_a, plan_a):
    for url in (
        reverse("deliverability:remediation_new"),
        reverse("deliverability:remediation", args=[remediation_a.pk]),
        reverse("deliverability:remediations"),
        reverse("deliverability:plan", args=[plan_a.pk]),
    ):
        body = text(client_a.get(url).content).lower()
        assert "guarantee inbox" not in body and "guaranteed inbox" not in body
        assert "inbox placement rates are not guaranteed" in body


def test_the_checklist_is_prefilled_from_the_warm_up_actuals(client_a, plan_a):
    from deliverability.models import DailyActual

    DailyActual.objects.create(
        plan=plan_a,
        date=date(2027, 1, 4),
        provider="gmail",
        sent=40,
        delivered=40,
        bounces=0,
        complaints=1,
    )
    form = one(page(client_a.get(reverse("deliverability:remediation_new"))), "#remediation-form")
    evidence = texts(form, "ul.small > li")
    assert any(e.endswith("at or above 0.1% on a day of the warm-up actuals.") for e in evidence)
    assert any("1 day flagged to hold or step back" in e for e in evidence)
    assert one(form, "#id_complaint_rate_ok").get("checked") is None
    assert one(form, "#id_warmup_followed").get("checked") is None


def test_clean_actuals_prefill_the_warm_up_and_complaint_answers(client_a, plan_a):
    from deliverability.models import DailyActual

    DailyActual.objects.create(
        plan=plan_a,
        date=date(2027, 1, 4),
        provider="gmail",
        sent=40,
        delivered=40,
        bounces=0,
        complaints=0,
    )
    form = one(page(client_a.get(reverse("deliverability:remediation_new"))), "#remediation-form")
    one(form, "#id_warmup_followed[checked]")
    one(form, "#id_complaint_rate_ok[checked]")


def test_the_checklist_evidence_reads_in_dutch(client_a, customer_a, plan_a):
    from deliverability.models import DailyActual

    customer_a.language = "nl"
    customer_a.save()
    DailyActual.objects.create(
        plan=plan_a,
        date=date(2027, 1, 4),
        provider="gmail",
        sent=40,
        delivered=40,
        bounces=0,
        complaints=1,
    )
    tree = page(client_a.get(reverse("deliverability:remediation_new")))
    evidence = texts(tree, "#remediation-form ul.small > li")
    assert any(
        e.endswith("0,1% of hoger op een dag van de werkelijke cijfers van het opwarmen.")
        for e in evidence
    )
    assert "Het inboxplaatsingspercentage wordt niet gegarandeerd" in text(tree, ".contract-scope")


def test_the_form_lists_current_listings_to_start_from(client_a, listing_a):
    tree = page(client_a.get(reverse("deliverability:remediation_new")))
    assert listing_a.blocklist.name in text(
        tree, f"#remediation-form a[href='?listing={listing_a.pk}']"
    )


def test_an_agent_cannot_delete_a_remediation_request(remediation_a, agent_client):
    url = reverse("admin:deliverability_remediationrequest_delete", args=[remediation_a.pk])
    response = agent_client.post(url, {"post": "yes"})
    assert response.status_code == 403
    assert RemediationRequest.objects.filter(pk=remediation_a.pk).exists()


def test_not_even_a_manager_deletes_a_remediation_request(remediation_a, manager):
    from django.test import Client

    client = Client()
    client.force_login(manager)
    url = reverse("admin:deliverability_remediationrequest_delete", args=[remediation_a.pk])
    client.post(url, {"post": "yes"})
    assert RemediationRequest.objects.filter(pk=remediation_a.pk).exists()


def test_a_prefilled_address_that_is_not_one_is_left_as_typed(client_a):
    # PostgreSQL's address column refused to compare with it: the page answered 500.
    url = reverse("deliverability:remediation_new")
    response = client_a.get(url, {"affected_ips": "0 not-an-ip"})
    assert response.status_code == 200
    assert one(response, "textarea[name=affected_ips]").text.strip() == "0 not-an-ip"


def test_a_listing_prefills_the_request_with_the_catalogues_reason_in_dutch(
    client_a, customer_a, listing_a
):
    customer_a.language = "nl"
    customer_a.save()
    listing_a.reasons = ["SBL: Spamhaus Block List (spam source)"]
    listing_a.save()
    url = reverse("deliverability:remediation_new") + f"?listing={listing_a.pk}"
    bounce_text = text(page(client_a.get(url)), "textarea[name=bounce_text]")
    assert bounce_text.endswith("SBL: Spamhaus Block List (bron van spam)")
