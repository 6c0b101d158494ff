"""Bounce diagnosis: one test per rule of the data file, splitting, extraction, unknowns."""

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliverability.programme.bounces import (
    RULES_FILE,
    Kind,
    classify,
    classify_message,
    load_rules,
    split_messages,
)
from deliverability.programme.warmup import Provider

RULES = load_rules()
RAW_RULES = tomllib.loads(RULES_FILE.read_text())["rule"]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_each_rule_classifies_its_own_sample(rule):
    diagnosis = classify_message(rule.sample)
    assert diagnosis.rule_id == rule.id
    assert diagnosis.kind == rule.kind
    assert diagnosis.guidance == rule.guidance
    if rule.provider:
        assert diagnosis.provider == rule.provider
    # a sample is one message: the splitter keeps it whole
    assert split_messages(rule.sample) == [rule.sample]


def test_every_rule_has_a_sample_a_source_and_a_known_provider():
    assert len(RULES) == len(RAW_RULES) >= 40
    for row in RAW_RULES:
        assert row["sample"] and row["source"], row["id"]
        assert row["provider"] in ("", *Provider.ALL)


def test_every_kind_except_unknown_has_rules_and_config_rules_name_an_article():
    kinds = {rule.kind for rule in RULES}
    assert kinds == set(Kind.ALL) - {Kind.UNKNOWN}
    assert all(rule.guidance for rule in RULES if rule.kind == Kind.CONFIGURATION)


def test_a_pasted_s3150_bounce_is_a_tier_1_candidate_with_the_ip():
    (diagnosis,) = classify(
        "Remote Server returned '550 5.7.1 Unfortunately, messages from [198.51.100.7] "
        "weren't sent. Please contact your Internet service provider since part of their "
        "network is on our block list (S3150). [VI1EUR04FT.eop-eur04.prod.protection.outlook.com]'"
    )
    assert diagnosis.provider == Provider.MICROSOFT
    assert diagnosis.kind == Kind.REPUTATION_BLOCK
    assert diagnosis.remediation_candidate
    assert diagnosis.rule_id == "microsoft-s3150"
    assert (diagnosis.status_code, diagnosis.reply_code, diagnosis.ip) == (
        "5.7.1",
        "550",
        "198.51.100.7",
    )


def test_the_same_code_means_different_things_at_different_providers():
    gmail = classify_message(
        "550-5.7.25 The IP address sending this message does not have a PTR record - gsmtp"
    )
    microsoft = classify_message(
        "550 5.7.25 The IP address sending this message does not have a PTR record setup. "
        "As a policy, Outlook.com does not accept messages from IPv6 addresses"
    )
    assert (gmail.rule_id, gmail.provider) == ("gmail-ptr", Provider.GMAIL)
    assert (microsoft.rule_id, microsoft.provider) == ("microsoft-no-ipv6-ptr", "microsoft")


def test_a_general_rule_takes_the_provider_from_the_text():
    diagnosis = classify_message(
        "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using "
        "zen.spamhaus.org (mx.icloud.com)"
    )
    assert (diagnosis.rule_id, diagnosis.provider) == ("spamhaus-listing", Provider.APPLE)
    listed = classify_message("554 rejected: 203.0.113.9 listed at dnsbl.example.net")
    assert listed.provider == Provider.OTHERS


def test_the_sending_domain_is_picked_from_the_text():
    assert classify_message(RULES[[r.id for r in RULES].index("gmail-dmarc")].sample).domain == (
        "example.com"
    )
    ms = classify_message(
        "550 5.7.515 Access denied, sending domain News.Example.org doesn't meet the required "
        "authentication level."
    )
    assert (ms.domain, ms.ip) == ("news.example.org", "")


def test_an_ipv6_address_is_found():
    diagnosis = classify_message(
        "550 5.7.25 [2001:db8::25] The IP address sending this message does not have a PTR "
        "record. Outlook.com"
    )
    assert diagnosis.ip == "2001:db8::25"


def test_several_messages_are_split_and_each_is_diagnosed():
    paste = """
421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating
421-4.7.28 from your SPF domain [example.com 30]. To protect our users from spam,
421 4.7.28 mail sent from your domain has been temporarily rate limited. - gsmtp
553 5.7.1 [BL21] Connections will not be accepted from 203.0.113.50, see Spamhaus
-----
450 4.2.2 The user's mailbox is full
and some text that belongs to it

550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown
"""
    results = classify(paste)
    assert [r.rule_id for r in results] == [
        "gmail-unusual-rate-unsolicited",
        "yahoo-spamhaus",
        "",
        "unknown-recipient",
    ]
    assert results[0].text.startswith("421-4.7.28 Gmail") and results[0].text.endswith("gsmtp")
    assert results[0].domain == "example.com"
    assert results[1].ip == "203.0.113.50"
    assert (
        results[2].text == "450 4.2.2 The user's mailbox is full and some text that belongs to it"
    )
    assert results[2].kind == Kind.UNKNOWN
    assert results[3].guidance == "list-hygiene"


def test_nothing_pasted_gives_no_messages():
    assert classify("") == []
    assert classify("\n  \n---\n") == []


@pytest.mark.parametrize(
    "text",
    [
        "250 2.0.0 OK 1700000000 a1-20020a17090 - gsmtp",
        "Thanks for your message, I am out of the office until Monday.",
        "452 4.3.1 Insufficient system storage",
        "552 5.2.2 Mailbox full: someone@outlook.com",
        "554 5.6.0 Message content rejected due to malformed MIME",
        "550 5.7.1 Message rejected",
        "550 Requested action not taken: mailbox unavailable",
        "554 5.7.1 <a@example.net>: Recipient address rejected: Access denied",
        "Delivery has failed to these recipients or groups",
        "",
        "S31500 TSS040 BL210 5.7.6060 CS03",
    ],
)
def test_text_no_rule_knows_is_unknown_not_a_guess(text):
    diagnosis = classify_message(text)
    assert diagnosis.kind == Kind.UNKNOWN
    assert diagnosis.rule_id == "" and diagnosis.guidance == ""
    assert not diagnosis.remediation_candidate


def test_status_codes_are_not_read_from_ip_addresses():
    diagnosis = classify_message("connection from 2.0.0.127 and 203.0.113.4 refused")
    assert diagnosis.status_code == ""
    assert diagnosis.ip == "2.0.0.127"


def test_a_broken_rules_file_fails_with_a_sentence_naming_the_rule(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nid = "a"\nprovider = ""\nkind = "configuration"\npattern = "x"\n')
    with pytest.raises(ValueError, match=r"Rule 1 \(a\) .* without a guidance article"):
        load_rules(path)
    path.write_text('[[rule]]\nid = "b"\nprovider = "gmx"\nkind = "throttling"\npattern = "x"\n')
    with pytest.raises(ValueError, match="unknown provider 'gmx'"):
        load_rules(path)
    path.write_text('[[rule]]\nid = "c"\nprovider = ""\nkind = "throttling"\npattern = "("\n')
    with pytest.raises(ValueError, match=r"Rule 1 \(c\) .* no valid pattern"):
        load_rules(path)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_classifier_never_raises_on_any_text(text):
    for diagnosis in classify(text):
        assert diagnosis.kind in Kind.ALL
        assert diagnosis.provider in Provider.ALL


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(RULES), min_size=1, max_size=5))
def test_samples_pasted_together_are_each_recognised(rules):
    results = classify("\n\n".join(rule.sample for rule in rules))
    assert [r.rule_id for r in results] == [rule.id for rule in rules]


def test_a_whole_non_delivery_report_is_one_message():
    report = """Delivery has failed to these recipients or groups:

someone@hotmail.com
Your message couldn't be delivered. The recipient's email provider rejected it.

Diagnostic information for administrators:

Generating server: AM0PR04MB1234.eurprd04.prod.outlook.com
someone@hotmail.com
Remote Server returned '550 5.7.1 Unfortunately, messages from [198.51.100.8] weren't sent. \
Please contact your Internet service provider since part of their network is on our block \
list (S3150).'

Original message headers:
Received: from mta.example.com (198.51.100.8) by example.net
"""
    (diagnosis,) = classify(report)
    assert diagnosis.rule_id == "microsoft-s3150"
    assert diagnosis.text.startswith("Delivery has failed")
    assert diagnosis.text.endswith("by example.net")
    assert diagnosis.ip == "198.51.100.8"


def test_a_paste_without_any_status_code_is_one_unknown_message():
    (diagnosis,) = classify("Hello,\n\nour mail does not arrive.\n\nRegards")
    assert diagnosis.kind == Kind.UNKNOWN
    assert diagnosis.text == "Hello, our mail does not arrive. Regards"


def test_an_ip_address_is_never_read_as_a_status_code():
    assert classify_message("Delivery from 10.5.7.25 and 10.5.1.1 was refused").kind == (
        Kind.UNKNOWN
    )


def test_a_microsoft_365_tenant_rejecting_on_spamhaus_is_named_microsoft():
    diagnosis = classify_message(
        "550 5.7.1 Service unavailable, Client host [203.0.113.90] blocked using Spamhaus. "
        "To request removal from this list see https://www.spamhaus.org/query/ip/203.0.113.90 "
        "(AS3130). [BN8NAM11FT.eop-nam11.prod.protection.outlook.com]"
    )
    assert (diagnosis.rule_id, diagnosis.provider) == ("spamhaus-listing", Provider.MICROSOFT)
    assert diagnosis.remediation_candidate


def test_a_multi_line_reply_quoted_in_a_delivery_status_notification_stays_whole():
    dsn = (
        "Diagnostic-Code: smtp; 550-5.7.26 Unauthenticated email from example.com is not\n"
        "550-5.7.26 accepted due to domain's DMARC policy. Please contact the administrator\n"
        "550 5.7.26 of example.com domain. - gsmtp\n"
    )
    (diagnosis,) = classify(dsn)
    assert diagnosis.rule_id == "gmail-dmarc"
    assert diagnosis.domain == "example.com"
