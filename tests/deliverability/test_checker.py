"""The asynchronous checker against a real DNS server on loopback."""

import pytest

from deliverability.blocklists import checker, dnsbl
from deliverability.blocklists.dnsbl import ErrorKind, ListSpec, State
from tests.dns_server import RcodeServer, SilentServer

ZEN = ListSpec(
    zone="zen.spamhaus.org",
    codes={"127.0.0.2": "SBL", "127.0.0.4": "XBL"},
    error_codes={"127.255.255.254": ErrorKind.REFUSED, "127.255.255.255": ErrorKind.RATE_LIMITED},
)


def _options(server, **kw):
    return checker.Options(
        nameservers=checker.parse_nameservers([server.nameserver]), timeout=0.5, retries=0, **kw
    )


def _ask(server, *ips, spec=ZEN):
    queries = [checker.Query(ip, dnsbl.query_name(ip, spec.zone, "ip"), spec) for ip in ips]
    return checker.check(queries, _options(server))


def test_a_listed_ip_is_listed_with_its_reasons_and_txt(dns_zones):
    server = dns_zones(
        {"66.2.0.192.zen.spamhaus.org": ["127.0.0.2", "127.0.0.4"]},
        {"66.2.0.192.zen.spamhaus.org": "https://check.spamhaus.org/query/ip/192.0.2.66"},
    )
    out = _ask(server, "192.0.2.66")["192.0.2.66"]
    assert out.state == State.LISTED
    assert out.reasons == ("SBL", "XBL")
    assert "check.spamhaus.org" in out.txt


def test_an_unlisted_ip_is_clean(dns_zones):
    assert _ask(dns_zones(), "192.0.2.67")["192.0.2.67"].state == State.CLEAN


def test_an_ipv6_listing_is_found_by_its_nibbles(dns_zones):
    name = dnsbl.query_name("2001:db8::66", "zen.spamhaus.org", "ip")
    server = dns_zones({name: ["127.0.0.2"]})
    assert _ask(server, "2001:db8::66")["2001:db8::66"].state == State.LISTED


def test_a_rate_limit_answer_is_an_error_not_a_listing(dns_zones):
    server = dns_zones({"68.2.0.192.zen.spamhaus.org": ["127.255.255.255"]})
    out = _ask(server, "192.0.2.68")["192.0.2.68"]
    assert (out.state, out.error_kind) == (State.ERROR, ErrorKind.RATE_LIMITED)


def test_an_answer_outside_loopback_is_an_error(dns_zones):
    server = dns_zones({"69.2.0.192.zen.spamhaus.org": ["203.0.113.9"]})
    assert _ask(server, "192.0.2.69")["192.0.2.69"].error_kind == ErrorKind.OUTSIDE_RANGE


def test_a_server_that_never_answers_gives_a_timeout():
    server = SilentServer()
    try:
        out = _ask(server, "192.0.2.70")["192.0.2.70"]
    finally:
        server.close()
    assert (out.state, out.error_kind) == (State.ERROR, ErrorKind.TIMEOUT)


def test_a_timeout_is_asked_again_and_then_reported(dns_zones):
    server = dns_zones({"5.2.0.192.zen.spamhaus.org": ["127.0.0.2"]})
    silent = SilentServer()
    nameservers = checker.parse_nameservers([silent.nameserver])
    try:
        alone = checker.check(
            [checker.Query(1, "5.2.0.192.zen.spamhaus.org", ZEN)],
            checker.Options(nameservers=nameservers, timeout=0.2, retries=1),
        )
        # The second try goes to the next nameserver, which answers.
        then_answered = checker.check(
            [checker.Query(1, "5.2.0.192.zen.spamhaus.org", ZEN)],
            checker.Options(
                nameservers=nameservers + checker.parse_nameservers([server.nameserver]),
                timeout=0.2,
                retries=1,
            ),
        )
    finally:
        silent.close()
    assert (alone[1].state, alone[1].error_kind) == (State.ERROR, ErrorKind.TIMEOUT)
    assert then_answered[1].state == State.LISTED


@pytest.mark.parametrize(("rcode", "kind"), [("SERVFAIL", "servfail"), ("REFUSED", "refused")])
def test_servfail_and_refused_are_errors_of_their_kind(rcode, kind):
    server = RcodeServer(rcode)
    try:
        out = _ask(server, "192.0.2.71")["192.0.2.71"]
    finally:
        server.close()
    assert (out.state, out.error_kind) == (State.ERROR, kind)


def test_a_healthy_zone_passes_its_test_points(dns_zones):
    server = dns_zones()
    assert checker.zone_health({"zen": (ZEN, "")}, _options(server)) == {"zen": True}


def test_a_zone_that_lists_the_world_is_unhealthy(dns_zones):
    server = dns_zones({"1.0.0.127.zen.spamhaus.org": ["127.0.0.2"]})
    assert checker.zone_health({"zen": (ZEN, "")}, _options(server)) == {"zen": False}


def test_a_zone_without_its_listed_test_point_is_unhealthy(dns_zones):
    server = dns_zones()
    other = ListSpec(zone="bl.spamcop.net")
    server.update({})
    assert checker.zone_health({"c": (other, "")}, _options(server)) == {"c": False}


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("::1", ("::1", 53)),
        ("[::1]:5353", ("::1", 5353)),
    ],
)
def test_nameservers_are_read_with_their_ports(value, parsed):
    assert checker.parse_nameservers([value]) == (parsed,)


@pytest.mark.parametrize("bad", ["dns.example:53", "127.0.0.1:0", "127.0.0.1:http", "[::1]x"])
def test_a_bad_nameserver_setting_says_what_is_wrong(bad):
    with pytest.raises(ValueError, match="address|port"):
        checker.parse_nameservers([bad])


def test_concurrency_is_bounded_and_every_query_gets_an_answer(dns_zones):
    server = dns_zones({"5.2.0.192.zen.spamhaus.org": ["127.0.0.2"]})
    ips = [f"192.0.2.{i}" for i in range(1, 101)]
    queries = [checker.Query(ip, dnsbl.query_name(ip, ZEN.zone, "ip"), ZEN) for ip in ips]
    out = checker.check(queries, _options(server, concurrency=5))
    assert len(out) == 100
    assert [ip for ip, o in out.items() if o.state == State.LISTED] == ["192.0.2.5"]
    assert all(o.state == State.CLEAN for ip, o in out.items() if ip != "192.0.2.5")


def test_a_name_too_long_for_dns_is_an_invalid_query(dns_zones):
    server = dns_zones()
    spec = ListSpec(zone="zen.spamhaus.org")
    out = checker.check([checker.Query(1, "a" * 70 + ".zen.spamhaus.org", spec)], _options(server))
    assert out[1].error_kind == ErrorKind.INVALID_QUERY


def test_many_names_too_long_for_dns_each_get_their_outcome(dns_zones):
    # c-ares refuses such a name before its query returns: nothing may pile up on the stack.
    server = dns_zones()
    spec = ListSpec(zone="zen.spamhaus.org")
    queries = [checker.Query(i, f"{i:070}.zen.spamhaus.org", spec) for i in range(3000)]
    out = checker.check(queries, _options(server, concurrency=5))
    assert {o.error_kind for o in out.values()} == {ErrorKind.INVALID_QUERY}
    assert len(out) == 3000


def test_a_name_asked_for_several_assets_is_asked_once(dns_zones, monkeypatch):
    server = dns_zones({"5.2.0.192.zen.spamhaus.org": ["127.0.0.2"]})
    sent = []
    original = checker._Nameserver.ask

    def counting(self, name, rdtype, then):
        sent.append((name, rdtype))
        return original(self, name, rdtype, then)

    monkeypatch.setattr(checker._Nameserver, "ask", counting)
    name = dnsbl.query_name("192.0.2.5", ZEN.zone, "ip")
    out = checker.check([checker.Query(k, name, ZEN) for k in "abc"], _options(server))
    assert {k: o.state for k, o in out.items()} == {"a": "listed", "b": "listed", "c": "listed"}
    assert sent == [(name, checker.A), (name, checker.TXT)]
