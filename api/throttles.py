"""Rates per token and per customer account, counted in the shared cache."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.access import customer_account

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Each token (a browser session counts as one) on its own."""

    scope = "token"

    def get_rate(self):
        # Read at each request, not at import: the setting decides, as documented.
        return settings.API_RATE_PER_TOKEN

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = f"ip{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AccountRateThrottle(SimpleRateThrottle):
    """Every token of one customer account together: more tokens buy no more calls.
    A staff login counts on its own."""

    scope = "account"

    def get_rate(self):
        return settings.API_RATE_PER_ACCOUNT

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        account = customer_account(request.user)
        ident = f"a{account.pk}" if account is not None else f"s{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
