"""Bounce diagnosis page: a reputation block leads to a pre-filled Tier 1 request."""

import pytest
from django.urls import reverse

from deliverability.models import RemediationRequest
from tests.deliverability.programme_fixtures import S3150

from ..html import absent, attr, one, page, select, text, texts

pytestmark = pytest.mark.django_db

MS_AUTH = (
    "550 5.7.515 Access denied, sending domain alpha.example doesn't meet the required "
    "authentication level. [outlook.com]"
)


def test_each_pasted_message_gets_its_provider_and_kind(client_a):
    tree = page(client_a.post(reverse("deliverability:bounces"), {"text": f"{S3150}\n\n{MS_AUTH}"}))
    results = select(tree, ".bounce-result")
    assert [(r.get("data-kind"), r.get("data-provider")) for r in results] == [
        ("reputation_block", "microsoft"),
        ("configuration", "microsoft"),
    ]


def test_a_configuration_problem_links_to_its_guidance(client_a):
    tree = page(client_a.post(reverse("deliverability:bounces"), {"text": MS_AUTH}))
    href = reverse("deliverability:guidance_article", args=["bulk-senders"])
    assert text(one(tree, ".bounce-result[data-kind=configuration]"), f"a[href='{href}']")


def test_a_pasted_s3150_bounce_turns_into_a_prefilled_tier1_request(client_a, ip_a, domain_a):
    tree = page(client_a.post(reverse("deliverability:bounces"), {"text": S3150}))
    request = one(tree, ".bounce-result form[action]")
    assert request.get("action") == reverse("deliverability:remediation_new")
    assert attr(request, "input[name=rule]", "value") == "microsoft-s3150"
    query = {
        "provider": "microsoft",
        "affected_ips": "192.0.2.10",
        "from_domain": "",
        "bounce_text": S3150,
        "rule": "microsoft-s3150",
    }
    form = page(client_a.get(reverse("deliverability:remediation_new"), query))
    assert texts(form, "select[name=provider] option[selected]") == ["Microsoft"]
    assert attr(form, "select[name=provider] option[selected]", "value") == "microsoft"
    assert text(form, "textarea[name=affected_ips]") == "192.0.2.10"
    assert "(S3150)" in text(form, "textarea[name=bounce_text]")
    assert "microsoft-s3150" in text(form, "#from-bounce")
    data = {
        "provider": "microsoft",
        "affected_ips": "192.0.2.10",
        "from_domain": "news.alpha.example",
        "dkim_domain": "news.alpha.example",
        "return_path_domain": "bounces.alpha.example",
        "bounce_text": S3150,
        "daily_volume": 1000,
        "ip_type": "dedicated",
        "first_seen": "2027-01-10",
        "authentication_in_place": "on",
        "one_click_unsubscribe": "on",
        "complaint_rate_ok": "on",
        "warmup_followed": "on",
        "rule": "microsoft-s3150",
    }
    client_a.post(reverse("deliverability:remediation_new"), data)
    assert RemediationRequest.objects.get().bounce_rule == "microsoft-s3150"


def test_an_agent_can_diagnose_without_the_customer_button(agent_client):
    response = agent_client.post(reverse("deliverability:bounces"), {"text": S3150})
    assert response.status_code == 200
    tree = page(response)
    one(tree, ".bounce-result[data-kind=reputation_block]")
    absent(tree, "input[name=rule]")


def test_an_empty_paste_says_which_field(client_a):
    tree = page(client_a.post(reverse("deliverability:bounces"), {"text": ""}))
    assert texts(tree, "#bounce-form .text-danger") == ["This field is required."]
