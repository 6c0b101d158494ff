"""Providers' inbound webhooks, the third way in beside the MTA pipe and the IMAP poll:
Mailgun, Postmark, SendGrid and Amazon SES (through SNS) post each message they receive
for the support address, and django-anymail's views read it.

Each post is verified before anything is read: the basic-auth secret every provider is
given in its URL (INBOUND_WEBHOOK_SECRET), and per provider what it signs with:
Mailgun's HMAC with the signing key, Amazon SNS's certificate signature (sns.py) for one
of the named topics. Postmark and SendGrid sign nothing: the secret is their proof. A
post that fails is refused (400) and nothing is stored.

A verified message goes, as MIME bytes, into the same `ingest` as the other ways in:
the same de-duplication (a provider's retry is counted on the stored row), quarantine
and routing. Where anymail sends its `inbound` signal, these views call `ingest`.
A provider not named in INBOUND_WEBHOOK_PROVIDERS, or not fully configured, has no URL
(404).
"""

from __future__ import annotations

import functools
import logging
from email.message import Message

from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailWebhookValidationFailure,
)
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from anymail.webhooks.base import AnymailBaseWebhookView, AnymailBasicAuthMixin
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
from django.conf import settings
from django.http import Http404, HttpResponseBadRequest

from . import sns
from .models import ReceivedVia
from .services import ingest

log = logging.getLogger(__name__)
MAILGUN, POSTMARK, SENDGRID, AMAZON_SES = "mailgun", "postmark", "sendgrid", "amazon-ses"
PROVIDERS = (MAILGUN, POSTMARK, SENDGRID, AMAZON_SES)


def webhook_problems(settings=settings) -> list[str]:
    """Sentences naming each missing or wrong webhook setting; empty when all is well.
    Shared by the system check and the views."""
    providers = settings.INBOUND_WEBHOOK_PROVIDERS
    problems = [
        f"INBOUND_WEBHOOK_PROVIDERS names {name!r}; the providers are {', '.join(PROVIDERS)}."
        for name in providers
        if name not in PROVIDERS
    ]
    if not providers:
        return problems
    user, _, password = settings.INBOUND_WEBHOOK_SECRET.partition(":")
    if not user or len(password) < 16:
        problems.append(
            "INBOUND_WEBHOOK_SECRET must be user:password, the password at least 16 "
            "characters: every provider's webhook URL carries it."
        )
    if MAILGUN in providers and not settings.INBOUND_WEBHOOK_MAILGUN_SIGNING_KEY:
        problems.append("Mailgun's webhook needs INBOUND_WEBHOOK_MAILGUN_SIGNING_KEY.")
    if AMAZON_SES in providers and not settings.INBOUND_WEBHOOK_SES_TOPIC_ARNS:
        problems.append(
            "Amazon SES's webhook needs INBOUND_WEBHOOK_SES_TOPIC_ARNS, the SNS topics "
            "its receipt rules publish to."
        )
    return problems


def message_bytes(message: Message) -> bytes:
    """The MIME bytes of anymail's message (raw when the provider sent raw MIME)."""
    try:
        return message.as_bytes()
    except (UnicodeError, LookupError, ValueError):
        # A header anymail built from a provider's parsed fields that cannot be
        # encoded as is: kept as text, which ingest reads like any other message.
        return message.as_string().encode("utf-8", "replace")


class _Settings:
    """The webhook settings, passed to anymail's view when each post comes (so that they
    are read from this project's settings block, not an ANYMAIL dict)."""

    webhook_secret = None

    @classmethod
    def view(cls, provider):
        kwargs = {"webhook_secret": [settings.INBOUND_WEBHOOK_SECRET]}
        if provider == MAILGUN:
            kwargs["webhook_signing_key"] = settings.INBOUND_WEBHOOK_MAILGUN_SIGNING_KEY
        return cls.as_view(**kwargs)


class _Ingest:
    """Stands where anymail sends its `inbound` signal: the message is stored."""

    @staticmethod
    def send(sender, event, esp_name):
        ingest(message_bytes(event.message), received_via=ReceivedVia.WEBHOOK)


class MailgunInbound(_Settings, MailgunInboundWebhookView):
    signal = _Ingest


class PostmarkInbound(_Settings, PostmarkInboundWebhookView):
    signal = _Ingest


class SendGridInbound(_Settings, SendGridInboundWebhookView):
    signal = _Ingest

    def __init__(self, **kwargs):
        # SendGrid's own __init__ only warns, on every post, that anymail no longer tests
        # against SendGrid; the tests here do, with SendGrid's documented payloads.
        AnymailBaseWebhookView.__init__(self, **kwargs)


class AmazonSesInbound(_Settings, AmazonSESInboundWebhookView):
    signal = _Ingest

    def validate_request(self, request):
        # anymail runs this before its own basic-auth check; the secret comes first, so
        # that no stranger's post makes the server fetch a certificate.
        AnymailBasicAuthMixin.validate_request(self, request)
        try:
            sns.verify(
                self._parse_sns_message(request),
                topics=settings.INBOUND_WEBHOOK_SES_TOPIC_ARNS,
            )
        except sns.SnsSignatureError as exc:
            raise AnymailWebhookValidationFailure(str(exc)) from exc


def provider_view(provider: str, view_class):
    """anymail's view, answering only when the provider is named and configured."""

    @functools.wraps(view_class.as_view())
    def when_enabled(request, *args, **kwargs):
        if provider not in settings.INBOUND_WEBHOOK_PROVIDERS or webhook_problems():
            raise Http404(f"The {provider} inbound webhook is not enabled.")
        try:
            return view_class.view(provider)(request, *args, **kwargs)
        except (AnymailAPIError, AnymailConfigurationError, KeyError, ValueError) as exc:
            # A verified post anymail cannot read (or a tracking webhook pointed here):
            # a sentence for the provider's log, the detail in ours.
            log.warning("The %s inbound webhook could not read a post: %r", provider, exc)
            return HttpResponseBadRequest(
                f"The {provider} inbound webhook could not read this post as an inbound message.",
                content_type="text/plain",
            )

    return when_enabled
