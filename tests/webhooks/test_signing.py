"""The signature receivers check: v1= hex HMAC-SHA256 of "{timestamp}.{delivery_id}.{body}"
with the endpoint's secret (the expected value below was computed with openssl, as the
shell recipe in docs/webhooks.md does)."""

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


def verify(**changes):
    args = {
        "timestamp": str(AT),
        "delivery_id": DELIVERY,
        "body": BODY,
        "signature_header": OPENSSL,
        "now": AT + 10,
        **changes,
    }
    return signing.verify(SECRET, **args)


def test_a_receiver_accepts_the_delivery_as_sent():
    assert verify()


def test_a_receiver_refuses_a_changed_body_delivery_id_or_timestamp():
    assert not verify(body=BODY + b" ")
    assert not verify(delivery_id="6f1c0e9e-6d33-4f0c-9a57-2f6f3f1a0b12")
    assert not verify(timestamp=str(AT + 1), now=AT + 1)
    assert not verify(timestamp="yesterday")


def test_a_receiver_refuses_an_old_or_future_timestamp_a_replay():
    assert verify(now=AT + signing.TOLERANCE_SECONDS)
    assert not verify(now=AT + signing.TOLERANCE_SECONDS + 1)
    assert not verify(now=AT - signing.TOLERANCE_SECONDS - 1)


def test_each_secret_is_new():
    assert len({signing.new_secret() for _ in range(20)}) == 20
    assert signing.new_secret().startswith("whsec_")
