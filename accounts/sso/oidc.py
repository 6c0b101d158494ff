"""mozilla-django-oidc's settings, answered per account: the library reads every provider
setting through `get_settings`, and the portal answers from the account's configuration
(set on the view or backend) and these fixed choices instead of Django settings."""

from __future__ import annotations

from django.conf import settings

# The signature algorithms accepted on an ID token: asymmetric ones only, so a token can
# never be checked with the client secret as an HMAC key.
ALGORITHMS = ("RS256", "PS256", "ES256")
# How long a started sign-in may take at the provider (state, nonce and PKCE verifier).
STATE_MAX_AGE_SECONDS = 600


def oidc_setting(attr: str, *default):
    fixed = {
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_VERIFY_SSL": True,
        "OIDC_TIMEOUT": settings.SSO_HTTP_TIMEOUT,
        "OIDC_PROXY": None,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_CREATE_USER": False,
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
        "LOGIN_REDIRECT_URL": settings.LOGIN_REDIRECT_URL,
        "LOGIN_REDIRECT_URL_FAILURE": settings.LOGIN_URL,
    }
    if attr in fixed:
        return fixed[attr]
    if default:
        return default[0]
    raise KeyError(f"{attr} is not used for single sign-on")
