"""The signature receivers check: v1= hex HMAC-SHA256 of "{timestamp}.{delivery_id}.{body}"
with the endpoint's secret (the expected value below was computed with openssl, as the
shell recipe in docs/webhooks.md does), and the receiver recipes of docs/webhooks.md run
as written."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine

from webhooks import signing

SECRET = "whsec_test"
DELIVERY = "6f1c0e9e-6d33-4f0c-9a57-2f6f3f1a0b11"
BODY = b'{"id":"e1","type":"ping"}'
AT = 1764925200
OPENSSL = "v1=3491aae870622be073ba8f71cd7055a0193308ebfa52983d03be426f245c7b43"


def test_the_signature_is_the_documented_hmac():
    assert signing.signature(SECRET, AT, DELIVERY, BODY) == OPENSSL


def test_the_headers_carry_the_delivery_the_timestamp_and_the_signature():
    headers = signing.headers(SECRET, AT, DELIVERY, "ping", BODY)
    assert headers["X-Portal-Delivery"] == DELIVERY
    assert headers["X-Portal-Timestamp"] == str(AT)
    assert headers["X-Portal-Signature"] == OPENSSL
    assert headers["X-Portal-Event"] == "ping"


def documented(language: str) -> str:
    """The recipe of docs/webhooks.md in `language` (its one fenced block of it)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    (block,) = re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)
    return block


@pytest.fixture
def receive():
    """The documented Python receiver, at the signing moment AT + 10 seconds."""
    recipe = {}
    exec(compile(documented("python"), "docs/webhooks.md", "exec"), recipe)  # noqa: S102
    handled, processed = [], set()

    def call(body=BODY, now=AT + 10, **headers):
        sent = {**signing.headers(SECRET, AT, DELIVERY, "ping", BODY), **headers}
        with time_machine.travel(now, tick=False):
            return recipe["receive"](SECRET, sent, body, processed, handled.append)

    call.handled = handled
    return call


def test_the_documented_receiver_processes_a_delivery_as_sent(receive):
    assert receive() == 200
    assert receive.handled == [BODY]


def test_it_acknowledges_a_retry_of_a_delivery_it_processed_without_doing_it_twice(receive):
    """Retries keep the delivery id: one whose 2xx was lost comes again, and a refusal
    would have the portal retry it for a day and pause the endpoint."""
    assert receive() == 200
    assert receive(now=AT + 60) == 200
    assert receive.handled == [BODY]


def test_it_refuses_a_changed_body_delivery_id_or_timestamp(receive):
    assert receive(body=BODY + b" ") == 400
    assert receive(**{"X-Portal-Delivery": "6f1c0e9e-6d33-4f0c-9a57-2f6f3f1a0b12"}) == 400
    assert receive(**{"X-Portal-Timestamp": str(AT + 1)}) == 400
    assert receive(**{"X-Portal-Timestamp": "yesterday"}) == 400
    assert receive(**{"X-Portal-Signature": ""}) == 400
    assert receive.handled == []


def test_it_refuses_an_old_or_future_timestamp_a_replay(receive):
    assert receive(now=AT + 301) == 400
    assert receive(now=AT - 301) == 400
    assert receive.handled == []
    assert receive(now=AT + 300) == 200


@pytest.mark.skipif(not shutil.which("openssl"), reason="the shell recipe needs openssl")
def test_the_documented_shell_recipe_checks_and_acknowledges(tmp_path):
    script = documented("sh")
    for name, value in (("TIMESTAMP", AT), ("DELIVERY", DELIVERY), ("SECRET", SECRET)):
        script = re.sub(rf"{name}='[^']*'", f"{name}='{value}'", script)
    (tmp_path / "body.json").write_bytes(BODY)

    def run(signature, now=AT + 10):
        fake_date = tmp_path / "bin"
        fake_date.mkdir(exist_ok=True)
        (fake_date / "date").write_text(f"#!/bin/sh\necho {now}\n")
        (fake_date / "date").chmod(0o755)
        env = {"PATH": f"{fake_date}:/usr/bin:/bin", "X_PORTAL_SIGNATURE": signature}
        result = subprocess.run(
            ["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        return result.stdout.strip()

    assert run(OPENSSL).startswith("valid")
    assert run(OPENSSL).startswith("already processed")
    assert run(OPENSSL[:-1] + "0").startswith("INVALID")
    assert run(OPENSSL, now=AT + 301).startswith("INVALID")


def test_each_secret_is_new():
    assert len({signing.new_secret() for _ in range(20)}) == 20
    assert signing.new_secret().startswith("whsec_")
