"""What a call may do: the token's scopes, decided per view and method."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import permissions

from .models import ApiToken, Scope

SAFE = ("GET", "HEAD", "OPTIONS")


def scopes_of(request) -> frozenset[str]:
    """A token's scopes; a signed-in browser (reading only) has the read scope."""
    if isinstance(request.auth, ApiToken):
        return frozenset(request.auth.scopes)
    if request.user.is_authenticated:
        return frozenset({Scope.READ})
    return frozenset()


def required_scopes(view, method: str) -> tuple[str, ...]:
    """The scopes a view accepts for `method`, any one of them: `view.scopes` maps "read"
    and "write" to a scope or a tuple of scopes (default: read, and cases:write)."""
    scopes = getattr(view, "scopes", {"read": Scope.READ, "write": Scope.CASES_WRITE})
    needed = scopes["read" if method in SAFE else "write"]
    return (needed,) if isinstance(needed, str) else tuple(needed)


class HasScope(permissions.BasePermission):
    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        needed = required_scopes(view, request.method)
        if not scopes_of(request) & set(needed):
            self.message = (
                _("This token lacks the “%(scope)s” scope this request needs.")
                % {"scope": needed[0]}
                if len(needed) == 1
                else _("This token lacks a scope this request needs: one of %(scopes)s.")
                % {"scopes": ", ".join(f"“{scope}”" for scope in needed)}
            )
            return False
        return True


class CustomerOnly(permissions.BasePermission):
    """Calls that act for a customer (filing, replying, agreeing): not for staff tokens."""

    def has_permission(self, request, view):
        if request.user.is_staff:
            self.message = _("Staff tokens read cases; staff act on cases in the admin.")
            return False
        return True
