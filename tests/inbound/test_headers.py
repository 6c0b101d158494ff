"""Header values: RFC 2047 words, addresses, Message-IDs, the case reference and
Authentication-Results."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inbound.authentication import parse_authentication_results
from inbound.headers import (
    CASE_REFERENCE_PATTERN,
    MAX_MESSAGE_ID_LENGTH,
    clean_subject,
    decode_encoded_words,
    find_case_reference,
    header_text,
    normalise_address,
    normalise_message_id,
    parse_addresses,
    parse_message_id_list,
    preferred_language,
)


def test_encoded_words_in_one_charset_are_joined_before_decoding():
    # "é" (c3 a9) split over two base64 words, as some clients do.
    assert decode_encoded_words("=?utf-8?B?Y2Fmww==?= =?utf-8?B?qQ==?=") == "café"


def test_whitespace_between_encoded_words_goes_but_not_around_text():
    assert decode_encoded_words("=?utf-8?Q?a?= =?utf-8?Q?b?= c") == "ab c"
    assert decode_encoded_words("x =?iso-8859-1?Q?=E9t=E9?=") == "x été"


def test_broken_encoded_words_decode_with_replacement():
    assert decode_encoded_words("=?no-such-charset?Q?caf=E9?=") == "café"
    # Nothing of the base64 alphabet is left to decode, as Python's email package finds.
    assert decode_encoded_words("=?utf-8?B?%%%?=") == ""


def test_undeclared_8_bit_header_bytes_are_read_as_utf_8_or_windows_1252():
    assert header_text("caf\udcc3\udca9") == "café"
    assert header_text("caf\udce9") == "café"


def test_folded_headers_are_unfolded():
    assert header_text("a long\r\n subject") == "a long subject"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<Anna@Acme.Example>", "anna@acme.example"),
        (" anna@acme.example. ", "anna@acme.example"),
        ("no-at-sign", ""),
        ("two@at@signs.example", ""),
        ("a@localhost", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_addresses_are_normalised_or_empty(raw, expected):
    assert normalise_address(raw) == expected


def test_address_lists_drop_what_is_not_an_address():
    assert parse_addresses('"Bakker, Jeroen" <J@Acme.example>, nobody, <x@y.example>') == (
        ("Bakker, Jeroen", "j@acme.example"),
        ("", "x@y.example"),
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<abc@Host.Example>", "abc@host.example"),
        ("  <abc@host.example> (comment)", "abc@host.example"),
        ("abc@host.example", "abc@host.example"),
        ("<ABC@host>", "ABC@host"),
        ("<>", None),
        ("", None),
        (None, None),
    ],
)
def test_message_ids_are_normalised(raw, expected):
    assert normalise_message_id(raw) == expected


def test_outbound_ids_from_make_msgid_normalise_to_the_same_value_as_replies_quote_them():
    from django.core.mail import make_msgid

    ours = make_msgid(domain="example.com")
    assert normalise_message_id(ours) == normalise_message_id(f" {ours.upper()[:-12]}{ours[-12:]}")


def test_overlong_message_ids_become_a_stable_digest():
    long_id = "<" + "x" * 900 + "@example.com>"
    first = normalise_message_id(long_id)
    assert first.startswith("sha256:")
    assert len(first) <= MAX_MESSAGE_ID_LENGTH
    assert normalise_message_id(long_id) == first


def test_references_keep_order_without_duplicates_and_are_capped():
    assert parse_message_id_list("<a@x> <b@x>\r\n <a@x>") == ("a@x", "b@x")
    many = " ".join(f"<{i}@x>" for i in range(200))
    ids = parse_message_id_list(many)
    assert len(ids) == 50
    assert ids[0] == "0@x" and ids[-1] == "199@x"


def test_in_reply_to_without_brackets_is_still_read():
    assert parse_message_id_list("abc@x.example") == ("abc@x.example",)


@pytest.mark.parametrize(
    ("subject", "reference"),
    [
        ("Re: [EE-000123] SMTP", "EE-000123"),
        ("Re: ee-000123 lower case", "EE-000123"),
        ("about EE-000001 and [EE-000002]", "EE-000002"),
        ("EE-0001234 has seven digits", None),
        ("FEE-000123 is another word", None),
        ("EE-12345 has five", None),
        ("", None),
    ],
)
def test_the_case_reference_is_found_in_a_subject(subject, reference):
    assert find_case_reference(subject) == reference


def test_the_reference_pattern_is_one_constant():
    assert CASE_REFERENCE_PATTERN.search("[EE-000123]").group(1) == "000123"


def test_reply_and_forward_prefixes_are_removed_from_a_subject():
    assert clean_subject("Re: AW: Antw: Fwd: Doorst: [EE-000001] x") == "[EE-000001] x"
    assert clean_subject("Re[2]: hello") == "hello"


def test_authentication_results_with_comments_quotes_and_versions():
    results = parse_authentication_results(
        'mx.example.com 1; spf=pass (sender ok; really) smtp.mailfrom="a;b@x.example"; '
        'dkim=fail reason="bad sig" header.d=x.example; dkim=pass header.d=y.example; '
        "dmarc/1=FAIL header.from=x.example; arc=none"
    )
    assert results.authserv_id == "mx.example.com"
    assert results.spf == "pass"
    assert results.dkim == "pass"
    assert results.dmarc == "fail"
    spf = results.results[0]
    assert spf.properties == {"smtp.mailfrom": "a;b@x.example"}
    assert results.results[1].reason == "bad sig"


def test_authentication_results_none_and_garbage():
    assert parse_authentication_results("mx.example.com; none").results == ()
    assert parse_authentication_results("") is None
    assert parse_authentication_results(";;;") is None
    assert parse_authentication_results("mx; =; spf; (unclosed").results == ()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("nl", "nl"),
        ("nl-BE", "nl"),
        ("EN-us", "en"),
        ("en-US,en;q=0.9,nl;q=0.8", "en"),
        ("de-DE, nl;q=0.4, en;q=0.6", "en"),
        ("nl;q=0.5, en;q=0.5", "nl"),
        ("en;q=0, nl;q=0.1", "nl"),
        ("en;q=abc, nl;q=0.1", "nl"),
        ("de, fr", None),
        ("", None),
        ("*", None),
    ],
)
def test_the_preferred_language_is_one_we_speak_by_q_then_order(value, expected):
    assert preferred_language(value, ["en", "nl"]) == expected


def test_addresses_are_read_before_encoded_words_are_decoded():
    word = "=?utf-8?b?YW5uYUBhY21lLmV4YW1wbGU=?="  # "anna@acme.example"
    assert parse_addresses(f"{word} <mallory@evil.example>") == (
        ("anna@acme.example", "mallory@evil.example"),
    )
    # An encoded word inside an address stays as written (and is no plausible address).
    assert parse_addresses("<=?utf-8?b?YW5uYQ==?=@acme.example>") == (
        ("", "=?utf-8?b?yw5uyq==?=@acme.example"),
    )


@given(st.text(max_size=60))
def test_no_display_name_changes_the_address(name):
    from email.header import Header

    encoded = Header(name, "utf-8").encode()
    pairs = parse_addresses(f"{encoded} <mallory@evil.example>")
    assert [address for _, address in pairs] in (["mallory@evil.example"], [])
