"""Authentication-Results (RFC 8601) parsed exactly, and the DMARC verdict: which
headers are believed, and how believed headers that disagree are read."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inbound.authentication import (
    believed_headers,
    parse_authentication_results,
    sender_authentication,
)
from inbound.parse import parse_message


def dmarc_of(value: str) -> str | None:
    return parse_authentication_results(value).dmarc


@pytest.mark.parametrize(
    "value, expected",
    [
        ("mx.example.com; dmarc=pass header.from=acme.example", "pass"),
        # Whitespace and comments around "=", as RFC 8601 allows (CFWS).
        ("mx.example.com; dmarc = pass (p=reject) header.from=acme.example", "pass"),
        ("mx.example.com; dmarc=(comment)fail header.from=acme.example", "fail"),
        ("mx.example.com; dmarc (why) = (not) fail", "fail"),
        ("mx.example.com;\r\n\tdmarc=\r\n\tFAIL", "fail"),
        # A version after the authserv-id and after the method.
        ("mx.example.com 1; dmarc/1=pass", "pass"),
        ('"mx.example.com"; dmarc=temperror', "temperror"),
        # A quoted value with ";" and "=" inside is one value.
        ('mx.example.com; spf=pass smtp.mailfrom="a;dmarc=pass"; dmarc=fail', "fail"),
        # A comment that looks like a result is a comment.
        ("mx.example.com; spf=pass (dmarc=pass); dmarc=none", "none"),
        ("mx.example.com; spf=pass (dmarc=pass)", None),
        # A quoted string is not a comment: the "(" inside does not swallow the rest.
        ('mx.example.com; spf=pass smtp.mailfrom="a(b"@x.example; dmarc=fail', "fail"),
        # Results that do not fit the grammar are left out, not guessed at.
        ("mx.example.com; spf=pass dmarc=pass", None),
        ("mx.example.com; dmarc", None),
        ("mx.example.com; =pass", None),
        ("mx.example.com; none", None),
    ],
)
def test_dmarc_results_are_read_as_rfc_8601_writes_them(value, expected):
    assert dmarc_of(value) == expected


def test_properties_may_have_whitespace_around_the_dot_and_the_equals_sign():
    results = parse_authentication_results(
        'mx.example.com; dmarc=pass reason="aligned" header . from = acme.example (ok)'
    )
    (dmarc,) = results.results
    assert (dmarc.reason, dmarc.properties) == ("aligned", {"header.from": "acme.example"})


def test_the_authserv_id_and_version_are_read():
    results = parse_authentication_results("MX.Example.COM 1 ; spf=pass")
    assert (results.authserv_id, results.version, results.spf) == ("mx.example.com", "1", "pass")


def header(value):
    return parse_authentication_results(value)


OURS = "mx.example.com"
TRUSTED = [OURS, "gw.example.com"]


def verdict(*values, trusted=TRUSTED, sender="anna@acme.example"):
    return sender_authentication([header(v) for v in values], trusted, sender)


def test_a_header_from_an_untrusted_authserv_id_is_ignored():
    auth = verdict(
        "mx.attacker.example; dmarc=pass header.from=acme.example",
        "mx.example.com; spf=pass",
    )
    assert auth.dmarc is None
    assert [h.authserv_id for h in auth.headers] == [OURS]


def test_every_trusted_header_is_read_not_only_the_first():
    auth = verdict(
        "mx.example.com; spf=pass",
        "gw.example.com; dmarc=pass header.from=acme.example",
    )
    assert auth.dmarc == "pass"


def test_a_fail_in_any_trusted_header_wins():
    auth = verdict(
        "mx.example.com; dmarc=pass header.from=acme.example",
        "gw.example.com; dmarc=fail header.from=acme.example",
    )
    assert auth.dmarc == "fail"


def test_a_header_below_ours_cannot_raise_our_result():
    # Written before the mail reached us, with our own authserv-id: it may be forged.
    auth = verdict(
        "mx.example.com; dmarc=none header.from=acme.example",
        "mx.example.com; dmarc=pass header.from=acme.example",
    )
    assert auth.dmarc == "none"


def test_several_dmarc_results_in_one_header_must_all_pass():
    auth = verdict("mx.example.com; dmarc=pass header.from=acme.example; dmarc=temperror")
    assert auth.dmarc == "temperror"


def test_a_pass_for_another_domain_than_the_from_address_is_a_mismatch():
    auth = verdict("mx.example.com; dmarc=pass header.from=elsewhere.example")
    assert (auth.dmarc, auth.dmarc_domain) == ("mismatch", "elsewhere.example")
    assert not auth.verified


def test_a_pass_without_header_from_counts_for_the_from_address():
    assert verdict("mx.example.com; dmarc=pass").verified


def test_without_trusted_ids_only_the_topmost_header_counts():
    values = [
        "mx.whoever.example; dmarc=none",
        "mx.example.com; dmarc=fail",
    ]
    auth = verdict(*values, trusted=[])
    assert (auth.dmarc, [h.authserv_id for h in auth.headers]) == ("none", ["mx.whoever.example"])
    assert believed_headers([header(v) for v in values]) == (header(values[0]),)


def test_without_trusted_ids_a_fail_is_believed_and_a_pass_is_not():
    # Without our MTA's header, the topmost is the sender's own: it may lower the
    # verdict, never raise it.
    assert verdict("mx.whoever.example; dmarc=fail", trusted=[]).dmarc == "fail"
    auth = verdict("mx.whoever.example; dmarc=pass header.from=acme.example", trusted=[])
    assert (auth.dmarc, auth.verified) == (None, False)


def test_a_message_without_authentication_results_has_no_verdict():
    parsed = parse_message(b"From: anna@acme.example\r\nSubject: x\r\n\r\nhi\r\n")
    auth = parsed.authentication([OURS])
    assert (auth.dmarc, auth.spf, auth.dkim, auth.verified) == (None, None, None, False)


def test_the_parsed_message_reads_all_its_headers_top_down():
    raw = (
        b"Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=acme.example\r\n"
        b"Received: from gw.example.com\r\n"
        b"Authentication-Results: gw.example.com 1; dkim=pass header.d=acme.example;\r\n"
        b"  dmarc = pass (p=reject) header.from=acme.example\r\n"
        b"From: Anna <anna@acme.example>\r\nSubject: x\r\n\r\nhi\r\n"
    )
    auth = parse_message(raw).authentication(TRUSTED)
    assert (auth.spf, auth.dkim, auth.dmarc) == ("pass", "pass", "pass")


@given(st.text(max_size=300))
def test_any_header_value_parses_or_is_none_without_raising(value):
    result = parse_authentication_results(value)
    assert result is None or all(r.method and r.result for r in result.results)


def test_an_encoded_word_cannot_write_a_result_into_the_header():
    # "=?utf-8?q?dmarc=3Dpass?=" decodes to "dmarc=pass": it is read as it came.
    auth = verdict("mx.example.com; =?utf-8?q?dmarc=3Dpass?=")
    assert (auth.dmarc, auth.verified) == (None, False)
