"""A customer adds domains and files remediation requests for their account's own assets
only, and monitors at most DELIVERABILITY_MAX_DOMAINS_PER_ACCOUNT domains."""

import ipaddress

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cases.models import Case
from deliverability.blocklists import dnsbl
from deliverability.models import RemediationRequest, SendingDomain, SendingIP
from tests.deliverability.test_programme_remediation import _post_data

pytestmark = pytest.mark.django_db

ADD = reverse("deliverability:domain_add")
FILE = reverse("deliverability:remediation_new")


@pytest.fixture
def domain_b(account_b):
    return SendingDomain.objects.create(account=account_b, name="bravo.example", purpose="from")


def _errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# Adding a domain -------------------------------------------------------------------------


def test_a_domain_of_another_account_is_refused_without_naming_it(client_a, domain_b):
    response = client_a.post(ADD, {"name": "news.bravo.example", "purpose": "tracking"})
    assert response.status_code == 200
    assert _errors(response, "name") == [
        "This domain is monitored for another customer account. If you send with it, ask "
        "your Technical Account Manager to add it."
    ]
    assert "Bravo" not in response.content.decode()
    assert list(SendingDomain.objects.values_list("name", flat=True)) == ["bravo.example"]


def test_a_subdomain_of_the_accounts_own_domain_is_added(client_a, account_a, domain_a):
    response = client_a.post(ADD, {"name": "links.alpha.example", "purpose": "tracking"})
    assert response.status_code == 302
    assert SendingDomain.objects.filter(account=account_a).count() == 2


def test_at_the_cap_the_page_says_so_and_nothing_is_added(client_a, account_a, settings):
    settings.DELIVERABILITY_MAX_DOMAINS_PER_ACCOUNT = 2
    for name in ("one.example", "two.example"):
        assert client_a.post(ADD, {"name": name, "purpose": "from"}).status_code == 302
    response = client_a.post(ADD, {"name": "three.example", "purpose": "from"})
    sentence = (
        "Your account monitors 2 domains, the most it can. Ask your Technical Account "
        "Manager to remove one you no longer use or to raise the limit."
    )
    assert response.status_code == 200
    assert response.context["cap_sentence"] == sentence
    assert SendingDomain.objects.filter(account=account_a).count() == 2
    page = client_a.get(ADD)
    assert page.context["cap_sentence"] == sentence
    assert b'name="name"' not in page.content


def test_the_cap_is_per_account(client_a, client_b, account_b, settings):
    settings.DELIVERABILITY_MAX_DOMAINS_PER_ACCOUNT = 1
    assert client_a.post(ADD, {"name": "one.example", "purpose": "from"}).status_code == 302
    assert client_b.post(ADD, {"name": "two.example", "purpose": "from"}).status_code == 302
    assert SendingDomain.objects.filter(account=account_b).count() == 1


# Remediation requests --------------------------------------------------------------------


def test_a_request_for_another_accounts_ip_is_refused(client_a, ip_a, domain_a, ip_b):
    response = client_a.post(FILE, _post_data(affected_ips="198.51.100.20"))
    assert response.status_code == 200
    assert _errors(response, "affected_ips") == [
        "“198.51.100.20/32” is not one of your account's sending IPs."
    ]
    assert not RemediationRequest.objects.exists() and not Case.objects.exists()


def test_a_range_that_holds_another_accounts_ip_is_refused(client_a, ip_a, domain_a, ip_b):
    response = client_a.post(FILE, _post_data(affected_ips="192.0.2.10\n198.51.100.0/24"))
    assert _errors(response, "affected_ips") == [
        "“198.51.100.0/24” is not one of your account's sending IPs."
    ]
    assert not RemediationRequest.objects.exists()


def test_a_dedicated_ip_the_account_does_not_have_is_refused(client_a, ip_a, domain_a):
    response = client_a.post(FILE, _post_data(affected_ips="203.0.113.5", ip_type="dedicated"))
    assert _errors(response, "affected_ips") == [
        "“203.0.113.5/32” is not one of your account's sending IPs. For IPs of the shared "
        "pool, choose “Shared IPs”."
    ]
    assert not RemediationRequest.objects.exists()


def test_a_shared_pool_ip_is_accepted_for_shared_ips(client_a, account_a, domain_a):
    response = client_a.post(FILE, _post_data(affected_ips="203.0.113.5", ip_type="shared"))
    assert response.status_code == 302
    assert RemediationRequest.objects.get().account == account_a


def test_words_and_wide_ranges_are_refused_with_a_sentence_each(client_a, ip_a, domain_a):
    response = client_a.post(FILE, _post_data(affected_ips="192.0.2.10; mail-1; 10.0.0.0/8"))
    assert _errors(response, "affected_ips") == [
        "“mail-1” is not an IP address or range.",
        "“10.0.0.0/8” is too wide: name the affected addresses, or a range of at most a /24 "
        "(IPv4) or a /64 (IPv6).",
    ]


def test_the_from_domain_must_be_one_of_the_accounts_domains(client_a, ip_a, domain_a):
    response = client_a.post(FILE, _post_data(from_domain="elsewhere.example"))
    assert _errors(response, "from_domain") == [
        "“elsewhere.example” is not one of your account's monitored domains: add it under "
        "Blocklist monitoring first."
    ]
    assert not RemediationRequest.objects.exists()


def test_a_dkim_domain_of_another_account_is_refused(client_a, ip_a, domain_a, domain_b):
    response = client_a.post(FILE, _post_data(dkim_domain="bravo.example"))
    assert _errors(response, "dkim_domain") == [
        "“bravo.example” is monitored for another customer account."
    ]
    assert not RemediationRequest.objects.exists()


def test_a_shared_return_path_domain_no_account_holds_is_accepted(client_a, ip_a, domain_a):
    response = client_a.post(FILE, _post_data(return_path_domain="bounces.platform.example"))
    assert response.status_code == 302
    assert RemediationRequest.objects.get().return_path_domain == "bounces.platform.example"


def test_an_ipv6_range_is_compared_with_the_accounts_ipv6_addresses(
    client_a, account_a, account_b, domain_a
):
    SendingIP.objects.create(account=account_b, address="2001:db8::99")
    response = client_a.post(FILE, _post_data(affected_ips="2001:db8::/64", ip_type="shared"))
    assert _errors(response, "affected_ips") == [
        "“2001:db8::/64” is not one of your account's sending IPs."
    ]


# The pure parser -------------------------------------------------------------------------


def test_the_parser_reads_lines_semicolons_and_commas():
    networks, problems = dnsbl.parse_networks("192.0.2.1;192.0.2.2, 2001:db8::1\n192.0.2.0/25")
    assert [str(n) for n in networks] == [
        "192.0.2.1/32",
        "192.0.2.2/32",
        "2001:db8::1/128",
        "192.0.2.0/25",
    ]
    assert problems == []


def test_the_parser_refuses_more_than_64_entries():
    networks, problems = dnsbl.parse_networks(" ".join(f"192.0.2.{i}" for i in range(65)))
    assert networks == [] and problems == [("65", "too_many")]


@given(st.text(max_size=300))
def test_the_parser_never_raises_and_never_returns_a_wide_range(text):
    networks, problems = dnsbl.parse_networks(text)
    for network in networks:
        assert isinstance(network, ipaddress.IPv4Network | ipaddress.IPv6Network)
        assert network.prefixlen >= dnsbl.WIDEST_PREFIX[network.version]
    assert all(kind in ("invalid", "too_wide", "too_many") for _token, kind in problems)
