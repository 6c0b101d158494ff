"""The probes' runners against real endpoints on loopback: what each answer is by the
contract's classification, and that a runner never raises."""

import socket

import pytest

from availability.probing import probe_http, probe_smtp
from tests.probe_servers import SmtpEndpoint

from .probe_fixtures import CREDENTIAL


def http(endpoint, **overrides):
    options = {"method": "GET", "url": endpoint.url, "expected_status": 200, "timeout": 1}
    return probe_http(**{**options, **overrides})


def smtp(endpoint, **overrides):
    options = {
        "host": "127.0.0.1",
        "port": endpoint.port,
        "starttls": False,
        "username": CREDENTIAL[0],
        "password": CREDENTIAL[1],
        "mail_from": "probe@platform.example",
        "rcpt_to": "sink@platform.example",
        "timeout": 2,
    }
    return probe_smtp(**{**options, **overrides})


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("mode", "ok", "server_side"),
    [("200", True, False), ("500", False, True), ("503", False, True), ("404", False, False)],
)
def test_an_http_answer_is_classified_by_its_status(http_endpoint, mode, ok, server_side):
    http_endpoint.mode = mode
    outcome = http(http_endpoint)
    assert (outcome.ok, outcome.server_side, outcome.code) == (ok, server_side, int(mode))
    assert outcome.reply.startswith(mode)
    assert outcome.latency_ms is not None and outcome.latency_ms < 1000
    assert http_endpoint.requests == [("GET", "/v1/health")]


def test_an_http_endpoint_that_hangs_is_a_server_side_timeout(http_endpoint):
    http_endpoint.mode = "hang"
    outcome = http(http_endpoint)
    assert (outcome.ok, outcome.server_side, outcome.code) == (False, True, None)
    assert outcome.reply == "No answer within 1 s."
    assert 1000 <= outcome.latency_ms < 2500


def test_a_refused_connection_is_server_side():
    outcome = probe_http(
        method="GET", url=f"http://127.0.0.1:{closed_port()}/", expected_status=200, timeout=1
    )
    assert (outcome.ok, outcome.server_side) == (False, True)
    assert outcome.reply.startswith("Connection failed")


def test_the_method_and_the_expected_status_are_the_probes(http_endpoint):
    http_endpoint.mode = "204"
    outcome = http(http_endpoint, method="HEAD", expected_status=204)
    assert outcome.ok and http_endpoint.requests == [("HEAD", "/v1/health")]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "http://127.0.0.1:port/", "not a url", ""])
def test_a_probe_misconfigured_fails_without_counting_and_never_raises(url):
    outcome = probe_http(method="GET", url=url, expected_status=200, timeout=1)
    assert (outcome.ok, outcome.server_side) == (False, False)


def test_an_smtp_injection_goes_through_auth_to_the_sink(smtp_endpoint):
    outcome = smtp(smtp_endpoint)
    assert (outcome.ok, outcome.server_side, outcome.code) == (True, False, 250)
    ((mail_from, rcpt_tos, content),) = smtp_endpoint.messages
    assert (mail_from, rcpt_tos) == ("probe@platform.example", ["sink@platform.example"])
    assert b"Subject: Availability probe" in content


@pytest.mark.parametrize(
    ("mode", "code", "step"), [("421", 421, "MAIL FROM"), ("451", 451, "DATA")]
)
def test_temporary_smtp_replies_are_server_side(smtp_endpoint, mode, code, step):
    smtp_endpoint.mode = mode
    outcome = smtp(smtp_endpoint)
    assert (outcome.ok, outcome.server_side, outcome.code) == (False, True, code)
    assert outcome.reply.startswith(f"{step}: {code} ")
    assert smtp_endpoint.messages == []


def test_a_dropped_smtp_connection_is_server_side(smtp_endpoint):
    smtp_endpoint.mode = "drop"
    outcome = smtp(smtp_endpoint)
    assert (outcome.ok, outcome.server_side, outcome.code) == (False, True, None)
    assert outcome.reply.startswith("Connection dropped")


def test_an_smtp_endpoint_that_refuses_the_connection_is_server_side():
    outcome = probe_smtp(
        host="127.0.0.1",
        port=closed_port(),
        starttls=False,
        username="",
        password="",
        mail_from="probe@platform.example",
        rcpt_to="sink@platform.example",
        timeout=1,
    )
    assert (outcome.ok, outcome.server_side) == (False, True)


def test_a_refused_credential_is_the_servers_5xx(smtp_endpoint):
    outcome = smtp(smtp_endpoint, password="wrong")
    assert (outcome.ok, outcome.server_side, outcome.code) == (False, True, 535)


def test_without_the_credential_the_server_refuses_the_mail(smtp_endpoint):
    outcome = smtp(smtp_endpoint, username="", password="")
    assert (outcome.ok, outcome.server_side, outcome.code) == (False, True, 530)


def test_starttls_the_server_does_not_offer_is_the_probes_configuration(smtp_endpoint):
    outcome = smtp(smtp_endpoint, starttls=True)
    assert (outcome.ok, outcome.server_side) == (False, False)
    assert "STARTTLS" in outcome.reply


def test_an_smtp_probe_without_host_or_sink_fails_without_counting():
    outcome = probe_smtp(
        host="",
        port=25,
        starttls=False,
        username="",
        password="",
        mail_from="",
        rcpt_to="",
        timeout=1,
    )
    assert (outcome.ok, outcome.server_side) == (False, False)


def test_a_server_without_auth_takes_the_probe_without_a_credential():
    with SmtpEndpoint() as endpoint:
        outcome = smtp(endpoint, username="", password="")
    assert outcome.ok and len(endpoint.messages) == 1
