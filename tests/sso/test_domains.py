"""The pure checks of a configuration: email domains and the provider's addresses."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.sso.domains import email_domain, parse_domains, url_problem


def test_domains_are_lower_cased_ascii_and_each_once():
    assert parse_domains("Alpha.Example\n@mail.alpha.example, alpha.example; bücher.example") == [
        "alpha.example",
        "mail.alpha.example",
        "xn--bcher-kva.example",
    ]


@pytest.mark.parametrize(
    "text", ["localhost", "alpha..example", "-alpha.example", "1.2.3.4", "a b@c", "", "x" * 300]
)
def test_words_that_are_no_domain_are_refused(text):
    with pytest.raises(ValidationError):
        parse_domains(text)


def test_at_most_fifty_domains():
    with pytest.raises(ValidationError, match="at most 50"):
        parse_domains(" ".join(f"d{n}.example" for n in range(51)))


def test_an_email_address_domain():
    assert email_domain("Alice@Alpha.Example") == "alpha.example"
    assert email_domain("alice") is None
    assert email_domain("alice@") is None
    assert email_domain(None) is None


@pytest.mark.parametrize(
    ("url", "loopback", "problem"),
    [
        ("https://id.example/realms/a", False, None),
        ("http://id.example", True, "must start with https://"),
        ("http://127.0.0.1:8080", False, "must start with https://"),
        ("http://127.0.0.1:8080", True, None),
        ("https://user:pw@id.example", False, "user name or password"),
        ("https://id.example/?tenant=1", False, "must not have a query"),
        ("https://", False, "no host name"),
        ("https://id.example:port", False, "not a URL"),
        ("javascript:alert(1)", False, "must start with https://"),
    ],
)
def test_provider_addresses(url, loopback, problem):
    found = url_problem(url, allow_loopback_http=loopback)
    assert (found is None) if problem is None else (problem in found)


@settings(max_examples=50)
@given(st.text(max_size=200))
def test_parsing_never_fails_with_anything_but_a_sentence(text):
    try:
        domains = parse_domains(text)
    except ValidationError:
        return
    assert all(d == d.lower() and d.isascii() and "." in d for d in domains)
