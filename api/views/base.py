"""What every API view shares: the caller's language and time zone, no caching of
answers, idempotent POSTs, and the portal's refusals as problems."""

from __future__ import annotations

from django.utils.cache import patch_cache_control
from rest_framework import exceptions
from rest_framework.views import APIView

from accounts.middleware import activate_preferences
from cases.services import CaseError

from .. import idempotency


class Conflict(exceptions.APIException):
    """A service refused the action in the object's present state (its sentence)."""

    status_code = 409
    default_code = "conflict"


class ApiView(APIView):
    def perform_authentication(self, request):
        super().perform_authentication(request)
        # The token's owner is known only now (the middleware saw no one): speak their
        # language, show times in their zone, refusals of scope and rate included.
        if request.user.is_authenticated:
            activate_preferences(request, request.user)

    def handle_exception(self, exc):
        if isinstance(exc, CaseError):
            exc = Conflict(exc.message)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers are the caller's own: no proxy or browser keeps them.
        patch_cache_control(response, private=True, no_store=True)
        return response

    def idempotent(self, request, handler):
        return idempotency.run(self, request, handler)
