"""Providers' inbound webhooks (webhooks.py), under /inbound/."""

from django.urls import path

from . import webhooks

app_name = "inbound"
urlpatterns = [
    # Mailgun posts the raw MIME message when the URL ends in "mime": use that one.
    path(
        "mailgun/mime/",
        webhooks.provider_view("mailgun", webhooks.MailgunInbound),
        name="mailgun_mime",
    ),
    path("mailgun/", webhooks.provider_view("mailgun", webhooks.MailgunInbound), name="mailgun"),
    path(
        "postmark/", webhooks.provider_view("postmark", webhooks.PostmarkInbound), name="postmark"
    ),
    path(
        "sendgrid/", webhooks.provider_view("sendgrid", webhooks.SendGridInbound), name="sendgrid"
    ),
    path(
        "amazon-ses/",
        webhooks.provider_view("amazon-ses", webhooks.AmazonSesInbound),
        name="amazon_ses",
    ),
]
