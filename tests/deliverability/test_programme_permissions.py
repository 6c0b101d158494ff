"""Who may open each page of the TAM's programme: every customer, staff role and outsider."""

import pytest
from django.urls import reverse

from deliverability.models import RemediationRequest

from ..html import absent, page, select, text, texts

CUSTOMER_PAGES = {
    "anonymous": 302,
    "customer_a": 200,
    "customer_b": 404,
    "tam_a": 200,  # staff get the notice that customer pages are for customers
    "agent": 200,
    "representative": 200,
    "manager": 200,
    "no_account_user": 403,
}
READER_PAGES = {  # bounce diagnosis and guidance: customers and staff alike
    "anonymous": 302,
    "customer_a": 200,
    "customer_b": 200,
    "tam_a": 200,
    "agent": 200,
    "representative": 200,
    "manager": 200,
    "no_account_user": 403,
}


@pytest.fixture
def object_urls(plan_a, remediation_a, session_a):
    return [
        reverse("deliverability:plan", args=[plan_a.pk]),
        reverse("deliverability:remediation", args=[remediation_a.pk]),
        reverse("deliverability:session", args=[session_a.pk]),
    ]


@pytest.mark.parametrize(
    ("persona_client", "status"), list(CUSTOMER_PAGES.items()), indirect=["persona_client"]
)
def test_account_a_objects_are_seen_by_account_a_only(persona_client, status, object_urls):
    for url in object_urls:
        assert persona_client.get(url).status_code == status, url


@pytest.mark.parametrize(
    ("persona_client", "status"),
    [(p, 200 if s == 404 else s) for p, s in CUSTOMER_PAGES.items()],
    indirect=["persona_client"],
)
def test_the_list_pages_show_each_customer_their_own(persona_client, status, plan_a, note_a):
    for name in (
        "deliverability:plans",
        "deliverability:remediations",
        "deliverability:remediation_new",
        "deliverability:programme",
    ):
        response = persona_client.get(reverse(name))
        assert response.status_code == status, name


def test_the_lists_show_only_the_customers_own_plans_and_notes(client_a, client_b, plan_a, note_a):
    for name in ("deliverability:plans", "deliverability:programme"):
        assert client_b.get(reverse(name)).status_code == 200
    plan_link = f"a[href='{reverse('deliverability:plan', args=[plan_a.pk])}']"
    assert text(client_a.get(reverse("deliverability:plans")).content, plan_link) == plan_a.name
    absent(client_b.get(reverse("deliverability:plans")).content, plan_link)
    assert plan_a.name not in text(client_b.get(reverse("deliverability:plans")).content)
    assert texts(client_a.get(reverse("deliverability:programme")).content, ".trend-note h3") == [
        note_a.title
    ]
    absent(client_b.get(reverse("deliverability:programme")).content, ".trend-note")


@pytest.mark.parametrize(
    ("persona_client", "status"), list(READER_PAGES.items()), indirect=["persona_client"]
)
def test_bounce_diagnosis_and_guidance(persona_client, status):
    for url in (
        reverse("deliverability:bounces"),
        reverse("deliverability:guidance"),
        reverse("deliverability:guidance_article", args=["warm-up"]),
    ):
        assert persona_client.get(url).status_code == status, url


def test_staff_get_the_notice_and_none_of_the_customers_data(agent_client, object_urls):
    for url in object_urls:
        shown = text(agent_client.get(url).content)
        assert "192.0.2.10" not in shown and "Black Friday" not in shown


def test_customer_b_cannot_file_with_account_a_listing(client_b, listing_a):
    response = client_b.get(reverse("deliverability:remediation_new") + f"?listing={listing_a.pk}")
    assert response.status_code == 404


def test_the_remediation_list_runs_a_fixed_number_of_queries(
    client_a, account_a, customer_a, remediation_a, django_assert_num_queries
):
    from deliverability.programme.services import remediation_open
    from tests.deliverability.programme_fixtures import REMEDIATION_FIELDS

    client_a.get(reverse("deliverability:remediations"))
    with django_assert_num_queries(3):
        client_a.get(reverse("deliverability:remediations"))
    for _ in range(4):
        remediation_open(account=account_a, requester=customer_a, fields=dict(REMEDIATION_FIELDS))
    with django_assert_num_queries(3):
        tree = page(client_a.get(reverse("deliverability:remediations")))
    assert RemediationRequest.objects.count() == 5
    references = [texts(tr, "td")[0] for tr in select(tree, "main tbody tr")]
    assert sorted(references) == sorted(r.case.reference for r in RemediationRequest.objects.all())


@pytest.mark.parametrize(
    ("persona_client", "status"),
    [
        ("anonymous", 302),
        ("customer_a", 302),  # to the staff sign-in
        ("tam_a", 200),
        ("agent", 403),  # agents view plans but do not change them
        ("manager", 200),
    ],
    indirect=["persona_client"],
)
def test_the_actuals_upload_is_for_the_tam_and_managers(persona_client, status, plan_a, tam_a):
    tam_a.is_staff = True
    tam_a.save()
    url = reverse("admin:deliverability_warmupplan_upload", args=[plan_a.pk])
    assert persona_client.get(url).status_code == status


def test_an_unknown_bounce_rule_is_not_stored(client_a, ip_a, domain_a):
    from tests.deliverability.test_programme_remediation import _post_data

    client_a.post(reverse("deliverability:remediation_new"), {**_post_data(), "rule": "made-up"})
    assert RemediationRequest.objects.get().bounce_rule == ""
