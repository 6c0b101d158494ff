"""Signing in to the support mailbox with OAuth2 (SASL XOAUTH2), against a real Dovecot
whose oauth2 passdb asks a token-introspection server on loopback: a Microsoft token of
the client-credentials flow (msal, at a loopback authority) and a Google service
account's delegated token (google-auth) read mail; a kept token is replaced before it
expires; a refused token or client is a sentence and an alert, never a traceback."""

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import mail
from django.utils import timezone

from accounts import roles
from cases.models import CaseMessage
from inbound import imap_oauth2
from inbound.imap import ImapMailbox
from inbound.imap_config import (
    ImapConfig,
    ImapConfigurationError,
    ImapLoginError,
    ImapTokenError,
    auth_problems,
)
from inbound.models import MailboxStatus
from inbound.polling import poll_mailbox
from tests.factories import StaffFactory
from tests.imap_server import DovecotServer, free_port, unavailable_reason
from tests.oauth2_server import CLIENT_ID, CLIENT_SECRET, GOOGLE_SCOPE, OAuth2Server

from .conftest import corpus_bytes

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=unavailable_reason() or "")


@pytest.fixture(scope="module")
def servers():
    with OAuth2Server(username="support") as auth:
        with DovecotServer(tls=False, oauth2_introspection_url=auth.introspection_url) as imap:
            yield auth, imap


@pytest.fixture
def auth(servers):
    auth, imap = servers
    auth.reset()
    imap.empty()
    imap_oauth2._tokens.clear()
    return auth


@pytest.fixture
def imap(servers, auth):
    return servers[1]


@pytest.fixture
def microsoft(settings, auth, imap):
    """The settings of a Microsoft 365 mailbox, its authority on loopback."""
    settings.INBOUND_IMAP_HOST = imap.host
    settings.INBOUND_IMAP_PORT = imap.port
    settings.INBOUND_IMAP_TLS = "none"
    settings.INBOUND_IMAP_ALLOW_PLAINTEXT = True
    settings.INBOUND_IMAP_USER = "support"
    settings.INBOUND_IMAP_PASSWORD = ""
    settings.INBOUND_IMAP_AUTH = "oauth2-microsoft"
    settings.INBOUND_IMAP_OAUTH2_CLIENT_ID = CLIENT_ID
    settings.INBOUND_IMAP_OAUTH2_CLIENT_SECRET = CLIENT_SECRET
    settings.INBOUND_IMAP_OAUTH2_AUTHORITY = auth.authority
    settings.INBOUND_IMAP_OAUTH2_CA_FILE = auth.ca_file
    settings.INBOUND_IMAP_TIMEOUT = 5
    return settings


@pytest.fixture
def google(microsoft, auth, tmp_path):
    """The settings of a Google Workspace mailbox: a service account key whose token
    endpoint is the loopback server, which knows its public key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth.google_public_key = key.public_key()
    auth.google_subject = "support"
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    key_file = tmp_path / "service-account.json"
    key_file.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "support-portal",
                "private_key_id": "test-key",
                "private_key": pem,
                "client_email": "poller@support-portal.iam.gserviceaccount.com",
                "client_id": "1234567890",
                "token_uri": auth.google_token_uri,
            }
        )
    )
    microsoft.INBOUND_IMAP_AUTH = "oauth2-google"
    microsoft.INBOUND_IMAP_OAUTH2_SERVICE_ACCOUNT_FILE = str(key_file)
    return microsoft


@pytest.mark.django_db
def test_a_microsoft_token_signs_in_and_the_poll_reads_the_mail(world, microsoft, auth, imap):
    imap.append(corpus_bytes("gmail-reply.eml"))
    assert poll_mailbox() == {"stored": 1}
    assert CaseMessage.objects.filter(case=world.cases[123], channel="email").count() == 1
    [request] = auth.token_requests
    assert (request["grant_type"], request["client_id"], request["scope"]) == (
        "client_credentials",
        CLIENT_ID,
        "https://outlook.office365.com/.default",
    )
    # Dovecot asked the introspection server about exactly the token issued.
    assert auth.introspected == auth.issued


@pytest.mark.django_db
def test_a_google_service_account_token_signs_in_for_the_mailbox(world, google, auth, imap):
    imap.append(corpus_bytes("gmail-reply.eml"))
    assert poll_mailbox() == {"stored": 1}
    [request] = auth.token_requests
    assert request["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert auth.introspected == auth.issued


@pytest.mark.django_db
def test_a_kept_token_is_reused_and_replaced_before_it_expires(world, microsoft, auth, imap):
    start = timezone.now()
    assert poll_mailbox(now=start) == {"stored": 0}
    assert poll_mailbox(now=start + timedelta(minutes=30)) == {"stored": 0}
    assert len(auth.issued) == 1
    first = auth.issued[0]
    # Within the refresh margin of the hour's end: a new token, before the old one
    # lapses (the server no longer accepts the old one, so using it would fail).
    auth.expire(first)
    almost = start + timedelta(seconds=3600 - imap_oauth2.REFRESH_MARGIN + 1)
    imap.append(corpus_bytes("gmail-reply.eml"))
    assert poll_mailbox(now=almost) == {"stored": 1}
    assert len(auth.issued) == 2 and auth.introspected[-1] == auth.issued[1] != first


@pytest.mark.django_db
def test_a_refused_token_is_reported_to_managers_and_forgotten(world, microsoft, auth, imap):
    manager = StaffFactory(role=roles.SUPPORT_MANAGERS)
    auth.reject_all = True
    start = timezone.now()
    result = poll_mailbox(now=start)
    assert result["error"] == (
        f"The IMAP server {imap.host}:{imap.port} refused the Microsoft OAuth2 token for "
        "'support': [AUTHENTICATIONFAILED] Authentication failed."
    )
    [alert] = [m for m in mail.outbox if manager.email in m.to]
    assert alert.subject == "The support mailbox cannot be read: ImapLoginError"
    assert "refused the Microsoft OAuth2 token" in alert.body
    assert MailboxStatus.objects.get().failures == 1
    # Fixed at the provider: after the backoff, a new token is asked for and works.
    auth.reject_all = False
    assert poll_mailbox(now=start + timedelta(minutes=1)) == {"stored": 0}
    assert len(auth.issued) == 2


@pytest.mark.django_db
def test_a_refused_client_secret_is_named_with_the_providers_words(world, microsoft, auth):
    microsoft.INBOUND_IMAP_OAUTH2_CLIENT_SECRET = "wrong"
    result = poll_mailbox()
    assert result["error"] == (
        f"Microsoft's token endpoint at {auth.authority} refused the application "
        f"'{CLIENT_ID}': AADSTS7000215: Invalid client secret provided."
    )
    assert auth.issued == []


@pytest.mark.django_db
def test_a_google_mailbox_not_delegated_is_named(world, google, auth):
    auth.google_subject = "someone-else"
    result = poll_mailbox()
    assert result["error"].startswith("Google's token endpoint refused a token for 'support':")
    assert "Not delegated." in result["error"]


def test_an_unreachable_token_endpoint_is_a_token_error():
    config = ImapConfig(
        host="127.0.0.1", username="support", password="", auth="oauth2-microsoft",
        oauth2_client_id=CLIENT_ID, oauth2_client_secret=CLIENT_SECRET,
        oauth2_authority=f"https://127.0.0.1:{free_port()}/tenant", timeout=2,
    )  # fmt: skip
    imap_oauth2._tokens.clear()
    with pytest.raises(ImapTokenError, match="Microsoft's token endpoint at https://127.0.0.1"):
        imap_oauth2.access_token(config)
    assert issubclass(ImapTokenError, ImapLoginError)


def test_a_server_without_xoauth2_is_named(servers):
    plain_only = DovecotServer(tls=False)
    with plain_only:
        config = ImapConfig(
            host=plain_only.host, port=plain_only.port, username="support", password="",
            tls="none", allow_plaintext=True, auth="oauth2-microsoft",
            oauth2_client_id=CLIENT_ID, oauth2_client_secret=CLIENT_SECRET,
            oauth2_authority="https://login.example.com/tenant", timeout=5,
        )  # fmt: skip
        with pytest.raises(ImapLoginError, match="does not offer OAuth2 sign-in"):
            ImapMailbox(config).open()


# --- settings, no server needed --------------------------------------------------------


def test_each_missing_oauth2_setting_is_named():
    assert auth_problems(auth="oauth2-microsoft", username="") == [
        "INBOUND_IMAP_AUTH is 'oauth2-microsoft': INBOUND_IMAP_USER names the mailbox.",
        "INBOUND_IMAP_AUTH is 'oauth2-microsoft': it needs INBOUND_IMAP_OAUTH2_CLIENT_ID and "
        "INBOUND_IMAP_OAUTH2_CLIENT_SECRET.",
        "INBOUND_IMAP_AUTH is 'oauth2-microsoft': it needs INBOUND_IMAP_OAUTH2_TENANT (or "
        "INBOUND_IMAP_OAUTH2_AUTHORITY).",
    ]
    assert auth_problems(auth="oauth2-google", username="support@example.com") == [
        "INBOUND_IMAP_AUTH is 'oauth2-google': it needs INBOUND_IMAP_OAUTH2_SERVICE_ACCOUNT_FILE "
        "(the service account's JSON key)."
    ]
    assert auth_problems(auth="basic", username="u") == [
        "INBOUND_IMAP_AUTH is 'basic'; use 'password', 'oauth2-microsoft' or 'oauth2-google'."
    ]
    assert auth_problems(
        auth="oauth2-microsoft",
        username="u",
        client_id="c",
        client_secret="s",
        authority="http://login.example.com/t",
    ) == [  # fmt: skip
        "INBOUND_IMAP_OAUTH2_AUTHORITY is 'http://login.example.com/t'; it must be an "
        "https:// address."
    ]


def test_the_tenant_gives_microsofts_authority_and_the_secret_stays_out_of_the_repr(settings):
    settings.INBOUND_IMAP_HOST = "outlook.office365.com"
    settings.INBOUND_IMAP_USER = "support@example.com"
    settings.INBOUND_IMAP_AUTH = "oauth2-microsoft"
    settings.INBOUND_IMAP_OAUTH2_CLIENT_ID = CLIENT_ID
    settings.INBOUND_IMAP_OAUTH2_CLIENT_SECRET = "very-secret"
    settings.INBOUND_IMAP_OAUTH2_TENANT = "contoso.onmicrosoft.com"
    settings.INBOUND_IMAP_OAUTH2_AUTHORITY = ""
    config = ImapConfig.from_settings()
    assert config.oauth2_authority == "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    assert "very-secret" not in repr(config)


def test_the_system_check_names_a_missing_oauth2_setting(settings):
    from django.core.checks import run_checks

    settings.INBOUND_IMAP_HOST = "imap.gmail.com"
    settings.INBOUND_IMAP_USER = "support@example.com"
    settings.INBOUND_IMAP_AUTH = "oauth2-google"
    settings.INBOUND_IMAP_OAUTH2_SERVICE_ACCOUNT_FILE = ""
    errors = [e.msg for e in run_checks() if e.id == "inbound.E001"]
    assert errors == [
        "INBOUND_IMAP_AUTH is 'oauth2-google': it needs INBOUND_IMAP_OAUTH2_SERVICE_ACCOUNT_FILE "
        "(the service account's JSON key)."
    ]
    with pytest.raises(ImapConfigurationError, match="SERVICE_ACCOUNT_FILE"):
        ImapConfig.from_settings()


def test_the_google_scope_is_full_mail_access():
    assert imap_oauth2.GOOGLE_SCOPE == GOOGLE_SCOPE
