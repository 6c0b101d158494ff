"""Where a webhook may be sent: an HTTPS URL on the public internet.

The URL's host is resolved, and every address it resolves to must be public (no private,
loopback, link-local, multicast, reserved or unspecified address), when the endpoint is
registered AND at each delivery; the delivery then connects to the address that was
checked, so a name that resolves differently a moment later (DNS rebinding) cannot turn
a delivery towards the portal's own network. WEBHOOKS_ALLOW_PRIVATE_ADDRESSES lifts the
address rule (core.addresses) for the test suite's servers on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from core.addresses import is_public, resolve

from .models import URL_MAX_LENGTH


class AddressRefused(Exception):
    """The URL or its host's address may not be used, with the sentence saying why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    host: str  # as written in the URL: the Host header, TLS's server name and certificate
    port: int
    path: str  # with its query string
    address: str  # the checked address to connect to


def split_url(url: str) -> tuple[str, int, str]:
    """(host, port, path) of an acceptable URL; refuses any other with a sentence."""
    if len(url) > URL_MAX_LENGTH:
        raise AddressRefused(
            _("The URL is too long: at most %(max)d characters.") % {"max": URL_MAX_LENGTH}
        )
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise AddressRefused(_("The URL may not contain spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused(
            _("Enter a valid URL, such as https://hooks.example.com/portal.")
        ) from None
    if parts.scheme != "https":
        raise AddressRefused(_("The URL must start with https://: deliveries are encrypted."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise AddressRefused(
            _("The URL may not contain a user name or password; use the signing secret.")
        )
    host = parts.hostname
    if not host:
        raise AddressRefused(_("Enter a valid URL, such as https://hooks.example.com/portal."))
    try:
        # An internationalised name goes out as its ASCII (punycode) form, in the Host
        # header and the TLS server name alike.
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise AddressRefused(
            _("Enter a valid URL, such as https://hooks.example.com/portal.")
        ) from None
    if parts.fragment:
        raise AddressRefused(_("The URL may not contain a fragment (#…)."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return host, port or 443, path


def check(url: str, *, allow_private: bool) -> Target:
    """The URL's target, its address checked; refused with a sentence otherwise."""
    host, port, path = split_url(url)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise AddressRefused(
            _("The host %(host)s could not be found (DNS).") % {"host": host}
        ) from None
    if not addresses:
        raise AddressRefused(_("The host %(host)s could not be found (DNS).") % {"host": host})
    if not allow_private:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            # The address itself is not named: the sentence must not map the private
            # network for whoever types names into the form.
            raise AddressRefused(
                _(
                    "The host %(host)s is not at a public internet address: webhooks are only "
                    "sent to the internet."
                )
                % {"host": host}
            )
    return Target(host=host, port=port, path=path, address=addresses[0])
