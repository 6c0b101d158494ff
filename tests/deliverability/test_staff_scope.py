"""A TAM manages the sending IPs, domains and programme of their own accounts only;
agents and managers work every account's assets and remediation requests."""

import pytest
from django.test import Client
from django.urls import reverse

from deliverability.models import CheckRun, RemediationStep, SendingDomain, SendingIP

from ..html import absent, page, text, texts

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_tam_reads_but_does_not_change_another_accounts_ip(tam_b, ip_a):
    url = reverse("admin:deliverability_sendingip_change", args=[ip_a.pk])
    client = signed_in(tam_b)
    response = client.get(url)
    assert response.status_code == 200
    assert text(response.content, ".field-address .readonly") == "192.0.2.10"
    absent(response.content, "input[name=_save]")
    response = client.post(
        url, {"account": ip_a.account_id, "address": "192.0.2.66", "stream": "hijacked"}
    )
    assert response.status_code == 403
    ip_a.refresh_from_db()
    assert (ip_a.address, ip_a.stream) == ("192.0.2.10", "transactional")


def test_a_tam_cannot_delete_another_accounts_domain(tam_b, domain_a):
    url = reverse("admin:deliverability_sendingdomain_delete", args=[domain_a.pk])
    assert signed_in(tam_b).post(url, {"post": "yes"}).status_code == 403
    assert SendingDomain.objects.filter(pk=domain_a.pk).exists()


def test_a_tam_cannot_add_an_ip_to_another_account(tam_b, account_a):
    response = signed_in(tam_b).post(
        reverse("admin:deliverability_sendingip_add"),
        {"account": account_a.pk, "address": "192.0.2.99", "stream": "bulk"},
    )
    assert response.status_code == 200
    [refusal] = texts(response.content, ".field-account .errorlist li")
    assert refusal.startswith("Select a valid choice")
    assert not SendingIP.objects.filter(address="192.0.2.99").exists()


def test_the_tam_changes_their_own_accounts_ip(tam_a, ip_a):
    url = reverse("admin:deliverability_sendingip_change", args=[ip_a.pk])
    response = signed_in(tam_a).post(
        url, {"account": ip_a.account_id, "address": "192.0.2.10", "stream": "marketing"}
    )
    assert response.status_code == 302
    ip_a.refresh_from_db()
    assert ip_a.stream == "marketing"


def test_an_agent_changes_any_accounts_ip(agent, ip_b):
    url = reverse("admin:deliverability_sendingip_change", args=[ip_b.pk])
    response = signed_in(agent).post(
        url, {"account": ip_b.account_id, "address": "198.51.100.20", "stream": "marketing"}
    )
    assert response.status_code == 302
    ip_b.refresh_from_db()
    assert ip_b.stream == "marketing"


def check_now(client, *assets):
    return client.post(
        reverse("admin:deliverability_sendingip_changelist"),
        {"action": "check_now", "_selected_action": [a.pk for a in assets]},
    )


def test_a_tam_cannot_start_a_check_of_another_account(tam_b, ip_a, ip_b):
    assert check_now(signed_in(tam_b), ip_a, ip_b).status_code == 403
    assert not CheckRun.objects.exists()


def test_the_tam_starts_a_check_of_their_own_account(tam_a, ip_a):
    assert check_now(signed_in(tam_a), ip_a).status_code == 302
    assert CheckRun.objects.get().account == ip_a.account


def test_the_hotline_role_is_not_offered_the_check(representative, ip_a):
    client = signed_in(representative)
    tree = page(client.get(reverse("admin:deliverability_sendingip_changelist")))
    assert "192.0.2.10" in text(tree, "#result_list")
    absent(tree, "[name=action] option[value=check_now]")
    assert check_now(client, ip_a).status_code == 200  # no actions: the list again
    assert not CheckRun.objects.exists()


def step_form(remediation, **changes):
    data = {
        "remediation_steps-TOTAL_FORMS": "1",
        "remediation_steps-INITIAL_FORMS": "0",
        "remediation_steps-0-kind": "submitted",
        "remediation_steps-0-on": "2027-01-10",
        "remediation_steps-0-text": "Sent the form",
    }
    data.update(changes)
    return data


def test_a_tam_reads_but_does_not_work_another_accounts_remediation(tam_b, remediation_a):
    url = reverse("admin:deliverability_remediationrequest_change", args=[remediation_a.pk])
    client = signed_in(tam_b)
    response = client.get(url)
    assert response.status_code == 200
    absent(response.content, "input[name=_save]")
    assert client.post(url, step_form(remediation_a)).status_code == 403
    assert not RemediationStep.objects.exists()


def test_choosing_an_ips_account_offers_a_tam_only_their_own(tam_a, agent, account_a, account_b):
    def offered(user):
        response = signed_in(user).get(
            reverse("admin:autocomplete"),
            {"app_label": "deliverability", "model_name": "sendingip", "field_name": "account"},
        )
        assert response.status_code == 200
        return {row["text"] for row in response.json()["results"]}

    assert offered(tam_a) == {account_a.name}
    assert offered(agent) == {account_a.name, account_b.name}
