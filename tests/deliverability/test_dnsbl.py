"""DNSBL names and answer decoding: the pure functions."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliverability.blocklists import dnsbl
from deliverability.blocklists.dnsbl import ErrorKind, ListSpec, State

ZEN = ListSpec(
    zone="zen.spamhaus.org",
    codes={"127.0.0.2": "SBL", "127.0.0.4": "XBL", "127.0.0.10": "PBL (ISP maintained)"},
    error_codes={
        "127.255.255.252": ErrorKind.REFUSED,
        "127.255.255.254": ErrorKind.REFUSED,
        "127.255.255.255": ErrorKind.RATE_LIMITED,
    },
)
DBL = ListSpec(
    zone="dbl.spamhaus.org",
    kind="domain",
    codes={"127.0.1.2": "spam domain"},
    error_codes={"127.0.1.255": ErrorKind.REFUSED},
)
SURBL = ListSpec(zone="multi.surbl.org", kind="domain", bitmask={8: "PH", 16: "MW", 64: "ABUSE"})
URIBL = ListSpec(
    zone="multi.uribl.com",
    kind="domain",
    bitmask={2: "black", 4: "grey", 8: "red"},
    error_codes={"127.0.0.1": ErrorKind.REFUSED},
)


def test_an_ipv4_address_is_queried_with_its_octets_reversed():
    assert dnsbl.query_name("192.0.2.99", "zen.spamhaus.org", "ip") == "99.2.0.192.zen.spamhaus.org"


def test_an_ipv6_address_is_queried_with_its_nibbles_reversed():
    name = dnsbl.query_name("2001:db8::1", "zen.spamhaus.org", "ip")
    assert name == "1." + "0." * 23 + "8.b.d.0.1.0.0.2.zen.spamhaus.org"


def test_a_domain_is_queried_by_its_registrable_domain():
    name = dnsbl.query_name("Bounce.Mail.Example.co.uk.", "dbl.spamhaus.org", "domain")
    assert name == "example.co.uk.dbl.spamhaus.org"


def test_a_public_suffix_has_no_registrable_domain():
    assert dnsbl.registrable_domain("co.uk") is None
    with pytest.raises(ValueError):
        dnsbl.query_name("co.uk", "dbl.spamhaus.org", "domain")


def test_private_suffixes_of_the_public_suffix_list_count():
    assert dnsbl.registrable_domain("a.b.github.io") == "b.github.io"


def test_an_internationalised_domain_is_queried_in_punycode():
    assert dnsbl.registrable_domain("mail.bücher.example") == "xn--bcher-kva.example"


@pytest.mark.parametrize("bad", ["", "localhost", "exa mple.com", "-a.com", "1.2.3.4", "a..com"])
def test_things_that_are_not_host_names_are_refused(bad):
    with pytest.raises(ValueError):
        dnsbl.normalise_host(bad)


def test_nxdomain_is_clean():
    assert dnsbl.decode(ZEN, []).state == State.CLEAN


def test_a_listing_is_decoded_into_its_reasons_with_the_txt():
    out = dnsbl.decode(ZEN, ["127.0.0.4", "127.0.0.2"], txt="https://check.spamhaus.org/")
    assert out.state == State.LISTED
    assert out.reasons == ("SBL", "XBL")
    assert out.codes == ("127.0.0.2", "127.0.0.4")
    assert out.txt == "https://check.spamhaus.org/"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("127.255.255.252", ErrorKind.REFUSED),
        ("127.255.255.254", ErrorKind.REFUSED),
        ("127.255.255.255", ErrorKind.RATE_LIMITED),
    ],
)
def test_spamhaus_error_codes_are_errors_not_listings(code, kind):
    out = dnsbl.decode(ZEN, [code])
    assert out.state == State.ERROR
    assert out.error_kind == kind


def test_an_ip_sent_to_the_dbl_is_an_error():
    assert dnsbl.decode(DBL, ["127.0.1.255"]).error_kind == ErrorKind.REFUSED


def test_uribl_blocking_our_queries_is_an_error():
    assert dnsbl.decode(URIBL, ["127.0.0.1"]).error_kind == ErrorKind.REFUSED


def test_an_error_code_among_listings_makes_the_whole_answer_an_error():
    assert dnsbl.decode(ZEN, ["127.0.0.2", "127.255.255.254"]).state == State.ERROR


def test_an_answer_outside_the_loopback_range_is_an_error():
    out = dnsbl.decode(ZEN, ["192.0.2.1"])
    assert (out.state, out.error_kind) == (State.ERROR, ErrorKind.OUTSIDE_RANGE)


def test_bitmask_lists_are_decoded_bit_by_bit():
    assert dnsbl.decode(SURBL, ["127.0.0.24"]).reasons == ("PH", "MW")
    assert dnsbl.decode(URIBL, ["127.0.0.6"]).reasons == ("black", "grey")


def test_an_undocumented_code_is_a_listing_that_names_its_code():
    assert dnsbl.decode(ZEN, ["127.0.0.99"]).reasons == ("code 127.0.0.99",)


def test_spamhaus_is_queried_through_dqs_when_a_key_is_set():
    assert dnsbl.effective_zone("zen.spamhaus.org", "zen.dq.spamhaus.net", "") == "zen.spamhaus.org"
    assert (
        dnsbl.effective_zone("zen.spamhaus.org", "zen.dq.spamhaus.net", "k3y")
        == "k3y.zen.dq.spamhaus.net"
    )


def test_the_health_points_follow_rfc_5782():
    assert dnsbl.health_point_names(ZEN) == (
        "2.0.0.127.zen.spamhaus.org",
        "1.0.0.127.zen.spamhaus.org",
    )
    assert dnsbl.health_point_names(DBL, "dbltest.com") == (
        "dbltest.com.dbl.spamhaus.org",
        "invalid.dbl.spamhaus.org",
    )


def test_a_zone_that_lists_the_world_is_unhealthy():
    listed = dnsbl.decode(ZEN, ["127.0.0.2"])
    assert dnsbl.zone_is_healthy(listed, dnsbl.clean())
    assert not dnsbl.zone_is_healthy(listed, listed)
    assert not dnsbl.zone_is_healthy(dnsbl.clean(), dnsbl.clean())
    assert not dnsbl.zone_is_healthy(dnsbl.error(ErrorKind.TIMEOUT), dnsbl.clean())


@given(st.ip_addresses())
def test_the_ip_label_turns_back_into_the_same_address(ip):
    label = dnsbl.reversed_ip(str(ip))
    parts = list(reversed(label.split(".")))
    if ip.version == 4:
        assert ipaddress.ip_address(".".join(parts)) == ip
    else:
        assert len(parts) == 32
        groups = ["".join(parts[i : i + 4]) for i in range(0, 32, 4)]
        assert ipaddress.ip_address(":".join(groups)) == ip


@given(st.lists(st.ip_addresses(v=4), max_size=4))
def test_no_answer_is_ever_both_listed_and_an_error(answers):
    out = dnsbl.decode(ZEN, [str(a) for a in answers])
    assert out.state in (State.LISTED, State.CLEAN, State.ERROR)
    if out.state == State.LISTED:
        assert out.reasons and not out.error_kind
        assert all(ipaddress.ip_address(c) in dnsbl.LOOPBACK_V4 for c in out.codes)
        assert not set(out.codes) & set(ZEN.error_codes)
    if out.state == State.ERROR:
        assert out.error_kind in ErrorKind.ALL and not out.reasons
    if any(ipaddress.ip_address(a) not in dnsbl.LOOPBACK_V4 for a in answers):
        assert out.state == State.ERROR


@given(
    st.lists(st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True), min_size=1, max_size=3),
    st.sampled_from(["example.com", "example.co.uk", "example.nl"]),
)
def test_any_host_under_a_domain_reduces_to_that_domain(labels, domain):
    assert dnsbl.registrable_domain(".".join([*labels, domain])) == domain
