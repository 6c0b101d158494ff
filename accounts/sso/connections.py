"""HTTP to a customer's identity provider, which names its own endpoints (jwks_uri,
token_endpoint): every connection goes to an address checked to be public at the moment
it is made, so neither a provider's document nor a name that resolves differently later
(DNS rebinding) can point the portal at its own network. SSO_ALLOW_LOOPBACK_HTTP lets the
test suite's provider on loopback through."""

from __future__ import annotations

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import create_connection

from core.addresses import AddressNotPublic, public_addresses


class _PublicOnly:
    def _new_conn(self):
        try:
            addresses = public_addresses(
                self._dns_host, self.port, allow_loopback=settings.SSO_ALLOW_LOOPBACK_HTTP
            )
        except AddressNotPublic as exc:
            raise NewConnectionError(self, str(exc)) from None
        except OSError as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        try:
            # TLS still checks the certificate against the URL's host name.
            return create_connection(
                (addresses[0], self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(self, f"connecting to {self.host} timed out") from exc
        except OSError as exc:
            raise NewConnectionError(self, f"could not connect to {self.host}: {exc}") from exc


class _HTTPConnection(_PublicOnly, HTTPConnection):
    pass


class _HTTPSConnection(_PublicOnly, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session() -> requests.Session:
    """A session whose connections go to public addresses only, and no proxy from the
    environment (it would connect for us, unchecked). Callers follow no redirect."""
    http = requests.Session()
    http.trust_env = False
    adapter = _PublicOnlyAdapter()
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http
