"""The second factor at sign-in: a signed-in person who needs one is led to type a code
(or to set up an authenticator) before any other page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from . import services

# Whether the person signed in to this session has an authenticator, read once at sign-in.
SESSION_KEY = "signin_second_factor"
# What a person between password and code may still reach.
OPEN_VIEWS = {
    "signin:verify",
    "signin:setup",
    "signin:backup_codes",
    "logout",
    "accounts:set_language",
    "admin:logout",
}


def second_factor_needed(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if user.is_staff and settings.STAFF_MFA_REQUIRED:
        return True
    return bool(request.session.get(SESSION_KEY))


def remember_second_factor(sender, request, user, **kwargs):
    """On every sign-in (user_logged_in): note whether this person has an authenticator,
    so later requests need no query to know it."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = services.has_second_factor(user)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if second_factor_needed(request) and _view_name(request) not in OPEN_VIEWS:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('signin:verify')}?{query}")
        return self.get_response(request)


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None
