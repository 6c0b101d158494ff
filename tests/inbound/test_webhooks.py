"""Providers' inbound webhooks through django-anymail, with the sample payloads of
anymail's own tests (as Mailgun, Postmark, SendGrid and Amazon SES document them): a
verified post goes into the same ingest as the pipe and the IMAP poll (a customer's
reply lands on its case, a provider's retry is counted once, a stranger's mail is
handled like any other); a wrong signature or secret is refused and stores nothing.

Amazon SNS signs with a certificate it serves from sns.<region>.amazonaws.com. These
tests stay on loopback: they sign with their own key and put its certificate in the
process's certificate cache under an Amazon address, so the real verification runs and
nothing is fetched."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from textwrap import dedent

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.core.checks import run_checks

from cases.models import CaseMessage
from inbound import sns
from inbound.models import InboundMessage

from .conftest import corpus_bytes

SECRET = "anymail:webhook-secret-0123456789"
SIGNING_KEY = "key-mailgun-signing-0123456789"
TOPIC = "arn:aws:sns:us-east-1:111111111111:SES_Inbound"
CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-12345abcde.pem"
REPLY = corpus_bytes("gmail-reply.eml")  # Anna's reply on EE-000123


@pytest.fixture
def enabled(settings):
    settings.INBOUND_WEBHOOK_PROVIDERS = ["mailgun", "postmark", "sendgrid", "amazon-ses"]
    settings.INBOUND_WEBHOOK_SECRET = SECRET
    settings.INBOUND_WEBHOOK_MAILGUN_SIGNING_KEY = SIGNING_KEY
    settings.INBOUND_WEBHOOK_SES_TOPIC_ARNS = [TOPIC]
    return settings


def basic_auth(secret=SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def post(client, url, data, *, secret=SECRET, **extra):
    headers = basic_auth(secret) if secret else {}
    return client.post(url, data=data, **headers, **extra)


# --- Mailgun ---------------------------------------------------------------------------


def mailgun_signature(key=SIGNING_KEY) -> dict:
    """Mailgun's signature fields: an HMAC-SHA256 of timestamp and token."""
    timestamp, token = "1461261330", "06c96bafc3f42a66b9edd546347a2fe18dc23461fe80dc52f0"
    signature = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256)
    return {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()}


def mailgun_payload(**fields) -> dict:
    return {
        "recipient": "support@example.com",
        "sender": "envelope-from@example.org",
        **fields,
        **mailgun_signature(),
    }


MAILGUN_PARSED = {  # forward() to a URL without "mime": parsed fields
    "message-headers": json.dumps(
        [
            ["X-Mailgun-Spf", "Pass"],
            ["Received", "from mail.example.org by mxa.mailgun.org ..."],
            ["Mime-Version", "1.0"],
            ["From", '"Displayed From" <from+test@example.org>'],
            ["Date", "Wed, 11 Oct 2017 18:31:04 -0700"],
            ["Message-Id", "<CAEPk3R+4Zr@mail.example.org>"],
            ["Subject", "Test subject"],
            ["To", '"Test Inbound" <support@example.com>, other@example.com'],
            ["Content-Type", 'multipart/mixed; boundary="089e0825ccf874a0bb055b4f7e23"'],
        ]
    ),
    "body-plain": "Test body plain",
    "body-html": "<div>Test body html</div>",
    "stripped-text": "stripped plaintext body",
}


@pytest.mark.django_db
def test_mailgun_raw_mime_lands_on_its_case_and_a_retry_is_counted_once(world, enabled, client):
    payload = mailgun_payload(**{"body-mime": REPLY.decode()})
    assert post(client, "/inbound/mailgun/mime/", payload).status_code == 200
    assert post(client, "/inbound/mailgun/mime/", payload).status_code == 200  # a retry
    row = InboundMessage.objects.get()
    assert (row.received_via, row.outcome, row.times_received) == ("webhook", "posted", 2)
    assert CaseMessage.objects.filter(case=world.cases[123], channel="email").count() == 1


@pytest.mark.django_db
def test_mailguns_parsed_sample_is_ingested_like_any_stranger_mail(world, enabled, client):
    assert post(client, "/inbound/mailgun/", mailgun_payload(**MAILGUN_PARSED)).status_code == 200
    row = InboundMessage.objects.get()
    assert (row.from_address, row.subject, row.received_via) == (
        "from+test@example.org",
        "Test subject",
        "webhook",
    )
    assert row.message_id == "CAEPk3R+4Zr@mail.example.org"


@pytest.mark.django_db
def test_a_wrong_mailgun_signature_is_refused_and_nothing_is_stored(world, enabled, client):
    payload = mailgun_payload(**{"body-mime": REPLY.decode()})
    payload["signature"] = "0" * 64
    assert post(client, "/inbound/mailgun/mime/", payload).status_code == 400
    # The right signature without the URL's secret is refused too.
    good = mailgun_payload(**{"body-mime": REPLY.decode()})
    assert post(client, "/inbound/mailgun/mime/", good, secret="").status_code == 400
    assert not InboundMessage.objects.exists()


# --- Postmark --------------------------------------------------------------------------

POSTMARK_PARSED = {  # without "Include raw email content in JSON payload"
    "FromFull": {"Email": "from+test@example.org", "Name": "Displayed From", "MailboxHash": ""},
    "ToFull": [{"Email": "support@example.com", "Name": "Support", "MailboxHash": ""}],
    "OriginalRecipient": "support@example.com",
    "Subject": "Test subject",
    "MessageID": "22c74902-a0c1-4511-804f2-341342852c90",
    "Date": "Wed, 11 Oct 2017 18:31:04 -0700",
    "TextBody": "Test body plain",
    "HtmlBody": "<div>Test body html</div>",
    "StrippedTextReply": "stripped plaintext body",
    "Headers": [
        {"Name": "Return-Path", "Value": "<envelope-from@example.org>"},
        {"Name": "Received", "Value": "from mail.example.org by inbound.postmarkapp.com ..."},
        {"Name": "MIME-Version", "Value": "1.0"},
        {"Name": "Message-ID", "Value": "<CAEPk3R+4Zr@mail.example.org>"},
    ],
}


def postmark(client, payload, **kwargs):
    return post(
        client, "/inbound/postmark/", json.dumps(payload), content_type="application/json",
        **kwargs,
    )  # fmt: skip


@pytest.mark.django_db
def test_postmarks_raw_email_lands_on_its_case(world, enabled, client):
    payload = {
        "RawEmail": REPLY.decode(),
        "MessageID": "22c74902-a0c1-4511-804f2-341342852c90",
        "Headers": [],
    }
    assert postmark(client, payload).status_code == 200
    assert postmark(client, payload).status_code == 200
    assert InboundMessage.objects.get().times_received == 2
    assert CaseMessage.objects.filter(case=world.cases[123], channel="email").count() == 1


@pytest.mark.django_db
def test_a_spoofed_customer_mail_through_a_webhook_goes_to_quarantine(world, enabled, client):
    payload = {"RawEmail": corpus_bytes("spoofed-contact-dmarc-fail.eml").decode(), "Headers": []}
    assert postmark(client, payload).status_code == 200
    row = InboundMessage.objects.get()
    assert (row.outcome, row.received_via) == ("quarantined", "webhook")
    assert not CaseMessage.objects.filter(channel="email").exists()


@pytest.mark.django_db
def test_postmarks_parsed_sample_is_ingested(world, enabled, client):
    assert postmark(client, POSTMARK_PARSED).status_code == 200
    row = InboundMessage.objects.get()
    assert (row.from_address, row.from_name, row.received_via) == (
        "from+test@example.org",
        "Displayed From",
        "webhook",
    )


@pytest.mark.django_db
def test_postmark_without_the_secret_is_refused(world, enabled, client):
    assert (
        postmark(client, POSTMARK_PARSED, secret="anymail:wrong-secret-0123456789").status_code
        == 400
    )
    assert postmark(client, POSTMARK_PARSED, secret="").status_code == 400
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_post_that_is_not_an_inbound_message_is_a_sentence_not_a_server_error(
    world, enabled, client
):
    response = post(client, "/inbound/postmark/", "not json", content_type="application/json")
    assert response.status_code == 400
    assert response.content.decode() == (
        "The postmark inbound webhook could not read this post as an inbound message."
    )
    # A delivery-tracking webhook pointed at the inbound URL by mistake.
    assert postmark(client, {"RecordType": "Delivery"}).status_code == 400
    assert post(client, "/inbound/sendgrid/", {"subject": "no headers"}).status_code == 400
    assert not InboundMessage.objects.exists()


# --- SendGrid --------------------------------------------------------------------------

SENDGRID_PARSED = {  # Inbound Parse, default (not "Send Raw")
    "headers": dedent(
        """\
        Received: from mail.example.org by mx987654321.sendgrid.net ...
        MIME-Version: 1.0
        From: "Displayed From" <from+test@example.org>
        Date: Wed, 11 Oct 2017 18:31:04 -0700
        Message-ID: <CAEPk3R+4Zr@mail.example.org>
        Subject: Test subject
        To: "Test Inbound" <support@example.com>, other@example.com
        Content-Type: multipart/mixed; boundary="94eb2c115edcf35387055b61f849"
        """
    ),
    "from": "Displayed From <from+test@example.org>",
    "to": "Test Inbound <support@example.com>, other@example.com",
    "subject": "Test subject",
    "text": "Test body plain",
    "html": "<div>Test body html</div>",
    "attachments": "0",
    "charsets": '{"to":"UTF-8","html":"UTF-8","subject":"UTF-8","from":"UTF-8","text":"UTF-8"}',
    "envelope": '{"to":["support@example.com"],"from":"envelope-from@example.org"}',
    "sender_ip": "10.10.1.71",
    "dkim": "{@example.org : pass}",
    "SPF": "pass",
    "spam_score": "1.7",
}


@pytest.mark.django_db
def test_sendgrids_raw_mime_lands_on_its_case(world, enabled, client):
    payload = {
        "email": REPLY.decode(),
        "envelope": '{"to":["support@example.com"],"from":"anna@acme.example"}',
    }
    assert post(client, "/inbound/sendgrid/", payload).status_code == 200
    assert CaseMessage.objects.filter(case=world.cases[123], channel="email").count() == 1


@pytest.mark.django_db
def test_sendgrids_parsed_sample_is_ingested(world, enabled, client):
    assert post(client, "/inbound/sendgrid/", SENDGRID_PARSED).status_code == 200
    row = InboundMessage.objects.get()
    assert (row.from_address, row.subject) == ("from+test@example.org", "Test subject")


@pytest.mark.django_db
def test_sendgrid_without_the_secret_is_refused(world, enabled, client):
    response = post(
        client, "/inbound/sendgrid/", SENDGRID_PARSED, secret="anymail:wrong-secret-0123456789"
    )
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


# --- Amazon SES (through SNS) ----------------------------------------------------------


@pytest.fixture(scope="module")
def sns_key():
    """A signing key, and its certificate kept under an Amazon SNS address."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    sns._certificates[CERT_URL] = certificate
    yield key
    sns._certificates.pop(CERT_URL, None)


def ses_notification(raw: bytes, key, *, version="1", topic=TOPIC, cert_url=CERT_URL) -> dict:
    """An SNS Notification of an SES receipt rule's SNS action (BASE64 encoding), as
    anymail's tests and AWS's documentation show it, signed with `key`."""
    ses_event = {
        "notificationType": "Received",
        "mail": {
            "timestamp": "2018-03-30T17:21:51.636Z",
            "source": "envelope-from@example.org",
            "messageId": "jili9m351il3gkburn7o2f0u6788stij94c8ld01",
            "destination": ["support@example.com"],
        },
        "receipt": {
            "recipients": ["support@example.com"],
            "spamVerdict": {"status": "PASS"},
            "action": {"type": "SNS", "topicArn": topic, "encoding": "BASE64"},
        },
        "content": base64.b64encode(raw).decode(),
    }
    message = {
        "Type": "Notification",
        "MessageId": "8f6dee70-c885-558a-be7d-bd48bbf5335e",
        "TopicArn": topic,
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(ses_event),
        "Timestamp": "2018-03-30T17:17:36.516Z",
        "SignatureVersion": version,
        "SigningCertURL": cert_url,
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }
    algorithm = sns.HASHES[version]()  # SignatureVersion 1 is SHA1, as SNS signs
    signature = key.sign(sns.string_to_sign(message), padding.PKCS1v15(), algorithm)
    message["Signature"] = base64.b64encode(signature).decode()
    return message


def ses(client, message, **kwargs):
    return post(
        client, "/inbound/amazon-ses/", json.dumps(message), content_type="text/plain",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE=message["Type"],
        HTTP_X_AMZ_SNS_MESSAGE_ID=message["MessageId"], **kwargs,
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["1", "2"])
def test_an_ses_notification_signed_by_sns_lands_on_its_case(
    world, enabled, client, sns_key, version
):
    message = ses_notification(REPLY, sns_key, version=version)
    assert ses(client, message).status_code == 200
    assert ses(client, message).status_code == 200
    row = InboundMessage.objects.get()
    assert (row.received_via, row.times_received) == ("webhook", 2)
    assert CaseMessage.objects.filter(case=world.cases[123], channel="email").count() == 1


@pytest.mark.django_db
def test_a_tampered_ses_notification_is_refused(world, enabled, client, sns_key):
    message = ses_notification(REPLY, sns_key)
    forged = ses_notification(corpus_bytes("outlook-reply.eml"), sns_key)
    message["Message"] = forged["Message"]  # another body under the first signature
    assert ses(client, message).status_code == 400
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_an_ses_notification_signed_by_another_key_is_refused(world, enabled, client, sns_key):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert ses(client, ses_notification(REPLY, stranger)).status_code == 400
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_an_ses_notification_of_another_topic_or_certificate_host_is_refused(
    world, enabled, client, sns_key, monkeypatch
):
    def no_fetching(*args, **kwargs):
        raise AssertionError("a certificate was fetched")

    monkeypatch.setattr("inbound.sns.requests.get", no_fetching)
    other_topic = ses_notification(REPLY, sns_key, topic="arn:aws:sns:us-east-1:2222:Other")
    assert ses(client, other_topic).status_code == 400
    elsewhere = ses_notification(REPLY, sns_key, cert_url="https://sns.evil.example/cert.pem")
    assert ses(client, elsewhere).status_code == 400
    # Without the secret SNS is first asked for it (401), as anymail does.
    assert ses(client, ses_notification(REPLY, sns_key), secret="").status_code == 401
    assert not InboundMessage.objects.exists()


def test_the_string_sns_signs_is_the_documented_canonical_form():
    message = {
        "Type": "Notification",
        "MessageId": "m-1",
        "TopicArn": TOPIC,
        "Message": "hello",
        "Timestamp": "2018-03-30T17:17:36.516Z",
        "SignatureVersion": "1",
    }
    assert sns.string_to_sign(message) == (
        b"Message\nhello\nMessageId\nm-1\nTimestamp\n2018-03-30T17:17:36.516Z\n"
        b"TopicArn\n" + TOPIC.encode() + b"\nType\nNotification\n"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://sns.us-east-1.amazonaws.com/a.pem",
        "https://sns.us-east-1.amazonaws.com.evil.example/a.pem",
        "https://evil.example/sns.us-east-1.amazonaws.com/a.pem",
        "https://sns.us-east-1.amazonaws.com/a.txt",
    ],
)
def test_only_amazon_sns_certificate_addresses_are_believed(url):
    with pytest.raises(sns.SnsSignatureError, match="not at an Amazon SNS address"):
        sns.check_certificate_url(url)


# --- configuration ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_provider_not_enabled_has_no_url(world, enabled, client):
    enabled.INBOUND_WEBHOOK_PROVIDERS = ["postmark"]
    payload = mailgun_payload(**{"body-mime": REPLY.decode()})
    assert post(client, "/inbound/mailgun/mime/", payload).status_code == 404
    assert not InboundMessage.objects.exists()


def test_the_system_check_names_each_missing_webhook_setting(settings):
    settings.INBOUND_WEBHOOK_PROVIDERS = ["mailgun", "amazon-ses", "mandrill"]
    settings.INBOUND_WEBHOOK_SECRET = "anymail:short"
    settings.INBOUND_WEBHOOK_MAILGUN_SIGNING_KEY = ""
    settings.INBOUND_WEBHOOK_SES_TOPIC_ARNS = []
    assert [e.msg for e in run_checks() if e.id == "inbound.E002"] == [
        "INBOUND_WEBHOOK_PROVIDERS names 'mandrill'; the providers are mailgun, postmark, "
        "sendgrid, amazon-ses.",
        "INBOUND_WEBHOOK_SECRET must be user:password, the password at least 16 characters: "
        "every provider's webhook URL carries it.",
        "Mailgun's webhook needs INBOUND_WEBHOOK_MAILGUN_SIGNING_KEY.",
        "Amazon SES's webhook needs INBOUND_WEBHOOK_SES_TOPIC_ARNS, the SNS topics its "
        "receipt rules publish to.",
    ]
    settings.INBOUND_WEBHOOK_PROVIDERS = []
    assert not [e for e in run_checks() if e.id == "inbound.E002"]


@pytest.mark.django_db
def test_a_message_that_came_through_the_mta_too_is_counted_on_the_same_row(
    world, enabled, client, sns_key
):
    from inbound.services import ingest

    ingest(REPLY)
    assert ses(client, ses_notification(REPLY, sns_key)).status_code == 200
    assert (
        post(
            client, "/inbound/mailgun/mime/", mailgun_payload(**{"body-mime": REPLY.decode()})
        ).status_code
        == 200
    )
    row = InboundMessage.objects.get()
    assert (row.received_via, row.times_received) == ("mta", 3)
    assert row.raw_bytes() == REPLY
