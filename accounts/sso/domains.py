"""Pure checks of what staff type into a single sign-on configuration: the email domains
that must use it and the identity provider's issuer URL."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.addresses import is_loopback, is_public

# One configuration names a company's own domains: a few, never a list of the world's.
MAX_DOMAINS = 50
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def email_domain(email: str | None) -> str | None:
    """The domain of an email address, lower-cased, or None when there is none."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower().rstrip(".")
    try:
        return normalised_domain(domain)
    except ValidationError:
        return None


def normalised_domain(value: str) -> str:
    """A domain as stored: lower case, in its ASCII (IDNA) form. Raises ValidationError."""
    word = value.strip().lower().rstrip(".")
    try:
        ascii_word = word.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_word = ""
    labels = ascii_word.split(".")
    if (
        not ascii_word
        or len(ascii_word) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            _("“%(value)s” is not an email domain such as example.com."),
            params={"value": value.strip()[:100]},
            code="invalid_domain",
        )
    return ascii_word


def parse_domains(text: str) -> list[str]:
    """Domains typed one per line (or separated by commas or spaces), normalised, each
    once. Raises ValidationError naming every word that is not a domain."""
    words = [w for w in re.split(r"[\s,;]+", text or "") if w]
    domains: list[str] = []
    errors: list[ValidationError] = []
    for word in words:
        try:
            domain = normalised_domain(word.removeprefix("@"))
        except ValidationError as exc:
            errors.append(exc)
            continue
        if domain not in domains:
            domains.append(domain)
    if errors:
        raise ValidationError(errors)
    if not domains:
        raise ValidationError(
            _("Name at least one email domain, such as example.com."), code="no_domains"
        )
    if len(domains) > MAX_DOMAINS:
        raise ValidationError(
            _("Name at most %(limit)d domains."), params={"limit": MAX_DOMAINS}, code="too_many"
        )
    return domains


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _names_an_address_not_public(host: str | None, *, allow_loopback: bool) -> bool:
    # A name is resolved, and its addresses checked, when the portal connects.
    try:
        ipaddress.ip_address(host or "")
    except ValueError:
        return False
    return not (is_public(host) or (allow_loopback and is_loopback(host)))


def url_problem(url: str, *, allow_loopback_http: bool, issuer: bool = True) -> str | None:
    """Why `url` cannot be an identity provider's address (its issuer or an endpoint), or
    None: HTTPS with a host, no user name, query or fragment. Plain HTTP only on this
    machine's loopback, and only when allowed (tests)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a port that is no number
    except ValueError:
        return _("This is not a URL.")
    if parts.scheme == "http" and allow_loopback_http and is_loopback_host(host):
        pass
    elif parts.scheme != "https":
        return _("The identity provider's address must start with https://.")
    if not host:
        return _("The URL has no host name.")
    if _names_an_address_not_public(host, allow_loopback=allow_loopback_http):
        return _("The identity provider's address must be on the public internet.")
    if parts.username or parts.password:
        return _("The URL must not hold a user name or password.")
    if issuer and (parts.query or parts.fragment):
        return _("The issuer URL must not have a query (?) or a fragment (#).")
    return None
