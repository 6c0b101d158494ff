"""Signs in a mail that opens a case: an outage (possible critical) or an excluded request."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.classification import EXCLUDED_REQUESTS
from inbound.signs import excluded_request, outage_signs


def no_headers(_name):
    return ""


def signs(subject="", text="", **headers):
    return outage_signs(subject, text, lambda name: headers.get(name.replace("-", "_"), ""))


@pytest.mark.parametrize(
    "subject, text",
    [
        ("URGENT: sending stopped", ""),
        ("", "All API calls fail since 09:10."),
        ("", "Every injection is rejected by your relay."),
        ("Alle API-calls falen", ""),
        ("", "Every SMTP injection ends in `451`."),
        ("", "The relay answers 421 4.3.2 Service not available"),
        ("", "Requests return HTTP 503 Service Unavailable"),
        ("Platform outage", ""),
        ("Storing: niets gaat de deur uit", ""),
        ("", "We only get Internal Server Error back"),
    ],
)
def test_a_mail_that_reads_like_an_outage_has_a_sign(subject, text):
    assert signs(subject, text)


@pytest.mark.parametrize(
    "headers",
    [
        {"x_priority": "1 (Highest)"},
        {"x_priority": "2"},
        {"importance": "High"},
        {"priority": "urgent"},
    ],
)
def test_a_high_priority_header_is_a_sign(headers):
    assert signs("Question", "How do I rotate a key?", **headers) == (signs("", "", **headers))
    assert len(signs("", "", **headers)) == 1


def test_the_codes_quoted_are_named():
    assert "quotes 451, 503" in signs("", "SMTP says 451, the API 503.")


@pytest.mark.parametrize(
    "text",
    [
        "How do I rotate our API key?",
        "Invoice 4210 and order 45100 attached",
        "We sent 503,000 messages yesterday; version 4.21 and 5.03 work fine",
        "A 550 5.7.1 policy rejection for one recipient",
        "Authentication fails with 535 for one user",
        "Some calls still succeed, a few time out",
    ],
)
def test_an_ordinary_question_has_no_sign(text):
    assert signs("A question", text, x_priority="3 (Normal)", importance="normal") == ()


@pytest.mark.parametrize(
    "subject, text, kind",
    [
        ("Help translating our email templates", "", "templates"),
        ("", "Kunnen jullie onze sjablonen vertalen?", "templates"),
        ("", "Could you manage our internal project for the migration?", "internal_projects"),
        (
            "Deliverability strategy",
            "We want a deliverability strategy workshop",
            "deliverability_strategy",
        ),
        ("", "Please start Tier 2 mediation with Gmail", "tier2_mediation"),
        ("", "Can you guarantee a 99% inbox placement?", "inbox_placement"),
    ],
)
def test_an_excluded_request_is_recognised(subject, text, kind):
    assert excluded_request(subject, text) == kind
    assert kind in EXCLUDED_REQUESTS


@pytest.mark.parametrize(
    "text",
    [
        "Our template renders broken since your release",
        "Tier 1 remediation for Outlook, please",
        "How is our inbox placement measured in the warm-up plan?",
    ],
)
def test_an_in_scope_request_is_not_excluded(text):
    assert excluded_request("", text) == ""


@given(st.text(max_size=2000), st.text(max_size=200))
def test_any_text_is_read_without_error(text, subject):
    assert isinstance(outage_signs(subject, text, no_headers), tuple)
    assert excluded_request(subject, text) in {"", *EXCLUDED_REQUESTS}
