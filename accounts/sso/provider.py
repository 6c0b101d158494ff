"""What the portal reads from an identity provider: its configuration (OpenID Connect
discovery) and its signing keys (JWKS), each kept in the cache for a while."""

from __future__ import annotations

import hashlib
import json

import requests
from django.conf import settings
from django.core.cache import cache

from . import connections
from .domains import url_problem

# A provider's configuration or key set is a few kilobytes; more is refused unread.
MAX_DOCUMENT_BYTES = 256 * 1024


class ProviderError(Exception):
    """The provider could not be read, or what it said cannot be used."""


def _cache_key(kind: str, url: str) -> str:
    return f"sso:{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def _get_json(url: str) -> dict:
    problem = url_problem(url, allow_loopback_http=settings.SSO_ALLOW_LOOPBACK_HTTP, issuer=False)
    if problem:
        raise ProviderError(f"{url}: {problem}")
    try:
        with (
            connections.session() as http,
            http.get(
                url, timeout=settings.SSO_HTTP_TIMEOUT, stream=True, allow_redirects=False
            ) as response,
        ):
            response.raise_for_status()
            body = response.raw.read(MAX_DOCUMENT_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise ProviderError(f"{url}: {exc}") from exc
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ProviderError(f"{url}: the answer is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise ProviderError(f"{url}: the answer is not JSON") from exc
    if not isinstance(document, dict):
        raise ProviderError(f"{url}: the answer is not a JSON object")
    return document


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def configuration(issuer: str, *, fresh: bool = False) -> dict:
    """The provider's configuration, checked: its issuer is the one configured (OpenID
    Connect Discovery 1.0, section 4.3) and it names the endpoints the portal uses."""
    key = _cache_key("configuration", issuer)
    document = None if fresh else cache.get(key)
    if document is None:
        document = _get_json(discovery_url(issuer))
        if document.get("issuer") != issuer:
            raise ProviderError(
                f"the provider calls itself {str(document.get('issuer'))[:300]!r}, not {issuer!r}"
            )
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = document.get(name)
            if not isinstance(value, str) or url_problem(
                value, allow_loopback_http=settings.SSO_ALLOW_LOOPBACK_HTTP, issuer=False
            ):
                raise ProviderError(f"the provider's {name} is missing or not HTTPS")
        cache.set(key, document, settings.SSO_DISCOVERY_CACHE_SECONDS)
    return document


def signing_keys(jwks_uri: str, *, fresh: bool = False) -> list[dict]:
    """The provider's public keys. A caller that finds no key for a token's key id asks
    again with `fresh`: providers rotate their keys."""
    key = _cache_key("jwks", jwks_uri)
    keys = None if fresh else cache.get(key)
    if keys is None:
        keys = _get_json(jwks_uri).get("keys")
        if not isinstance(keys, list):
            raise ProviderError("the provider's key set has no keys")
        keys = [k for k in keys if isinstance(k, dict)]
        cache.set(key, keys, settings.SSO_DISCOVERY_CACHE_SECONDS)
    return keys
