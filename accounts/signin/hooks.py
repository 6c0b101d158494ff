"""The callables django-axes is configured with (see AXES_* in portal/settings.py)."""

from __future__ import annotations

from django.conf import settings
from django.template.response import TemplateResponse

from . import throttle


def axes_username(request, credentials) -> str | None:
    """One counter per login, whatever letter case it is typed in."""
    if credentials and "username" in credentials:
        return throttle.normalised_login(credentials["username"])
    return throttle.normalised_login(request.POST.get("username"))


def client_ip(request) -> str | None:
    return throttle.client_ip(
        request.META,
        behind_proxy=settings.BEHIND_TLS_PROXY,
        proxy_count=settings.TRUSTED_PROXY_COUNT,
    )


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page as rendered, with its lockout sentence (the sign-in forms put it
    in place of the wrong-password one), answered with 429 Too Many Requests."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if original_response is not None and original_response.status_code == 200:
        original_response.status_code = status
        return original_response
    from .selectors import lockout_sentence

    return TemplateResponse(
        request,
        "signin/locked_out.html",
        {"sentence": lockout_sentence(request, credentials)},
        status=status,
    )
