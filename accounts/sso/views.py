"""Single sign-on: start it for a work email address, come back from the provider, and
the primary contact's page for the account's configuration."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.access import primary_contact_required
from accounts.signin.middleware import SESSION_KEY as SECOND_FACTOR_KEY
from core.next_url import path_of_this_site

from . import provider, selectors, services
from .backends import SignOnBackend
from .forms import JoiningForm, StartForm
from .models import AccountSignOn
from .oidc import STATE_MAX_AGE_SECONDS, oidc_setting
from .refusals import Refusal

NEXT_KEY = "oidc_login_next"
BACKEND = f"{SignOnBackend.__module__}.{SignOnBackend.__qualname__}"


def safe_next(request) -> str | None:
    """A path of this site from `next`, or None."""
    return path_of_this_site(request, request.GET.get("next") or "")


def refused(request, refusal: Refusal, *, email: str = ""):
    status = {
        Refusal.STALE: 400,
        Refusal.TOKEN_INVALID: 400,
        Refusal.TOKEN_EXPIRED: 400,
        Refusal.PROVIDER_UNREACHABLE: 502,
        Refusal.PROVIDER_ERROR: 403,
    }.get(refusal, 403)
    return render(
        request,
        "sso/refused.html",
        {"sentence": refusal.sentence(), "refusal": refusal.value, "email": email},
        status=status,
    )


class SignOnStartView(OIDCAuthenticationRequestView):
    """Sign in with single sign-on: a work email address in (GET, so that a link can
    start it: `?email=...&next=/path/`), a redirect to that account's provider out, with
    state, nonce and a PKCE challenge kept in the session. From the portal's own forms
    (`via=form`) a page that goes on to the provider instead of the redirect."""

    def __init__(self, **kwargs):
        # The library's own __init__ reads the provider from Django settings.
        View.__init__(self, **kwargs)

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        form = StartForm(request.GET if "email" in request.GET else None)
        context = {"form": form, "next": safe_next(request) or ""}
        if not form.is_valid():
            return render(request, "sso/start.html", context, status=400 if form.is_bound else 200)
        email = form.cleaned_data["email"]
        sign_on = selectors.sign_on_for_email(email)
        if sign_on is None:
            form.add_error("email", Refusal.NOT_ENABLED.sentence())
            return render(request, "sso/start.html", context, status=400)
        try:
            configuration = provider.configuration(sign_on.issuer)
        except provider.ProviderError:
            return refused(request, Refusal.PROVIDER_UNREACHABLE, email=email)
        self.OIDC_OP_AUTH_ENDPOINT = configuration["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = sign_on.client_id
        self.login_hint = email
        response = super().get(request)
        # The library keeps state -> nonce and verifier; the account's configuration is
        # kept with them, so the callback knows whose provider answers.
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session["oidc_states"][state]["sign_on"] = sign_on.pk
        request.session[NEXT_KEY] = safe_next(request)
        request.session.modified = True
        if request.GET.get("via") == "form":
            # A form may not be redirected to another site (form-action 'self'): a page
            # that follows the link itself.
            return render(request, "sso/start.html", {"provider_url": response["Location"]})
        return response

    def get_extra_params(self, request):
        return {"login_hint": self.login_hint}


class SignOnCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the person back here with a code: the library's backend trades
    it for the ID token and checks it; the page says why when it signs nobody in."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        states = request.session.get("oidc_states")
        state = request.GET.get("state", "")
        started = states.pop(state, None) if isinstance(states, dict) and state else None
        if started is not None:
            # Used once, whatever happens next: a replayed answer finds no state.
            request.session["oidc_states"] = states
            request.session.save()
        if request.GET.get("error"):
            return refused(request, Refusal.PROVIDER_ERROR)
        if (
            started is None
            or not request.GET.get("code")
            or "sign_on" not in started
            or time.time() - started.get("added_on", 0) > STATE_MAX_AGE_SECONDS
        ):
            return refused(request, Refusal.STALE)
        sign_on = (
            AccountSignOn.objects.select_related("account").filter(pk=started["sign_on"]).first()
        )
        if sign_on is None or not sign_on.enabled:
            return refused(request, Refusal.NOT_ENABLED)
        # The backend itself, not auth.authenticate: there a refusal would count as a
        # failed password towards the client address's lockout (django-axes).
        self.user = SignOnBackend().authenticate(
            request,
            sign_on=sign_on,
            nonce=started.get("nonce"),
            code_verifier=started.get("code_verifier"),
        )
        if self.user is not None:
            self.user.backend = BACKEND
        if self.user is None or not self.user.is_active:
            return refused(request, getattr(request, "sso_refusal", Refusal.TOKEN_INVALID))
        self.next_url = request.session.get(NEXT_KEY)
        response = self.login_success()
        # The company's identity provider decides how its people prove who they are
        # (its own second factor included): the portal asks no code of its own after it.
        request.session[SECOND_FACTOR_KEY] = False
        request.session.pop(NEXT_KEY, None)
        return response

    @property
    def success_url(self):
        return self.next_url or super().success_url


@require_http_methods(["GET", "POST"])
@primary_contact_required
def account_sign_on(request):
    """The primary contact sees the account's single sign-on and lets colleagues join
    through it, or not."""
    sign_on = selectors.sign_on_of_account(request.account)
    if request.method == "POST":
        if sign_on is None:
            raise Http404
        form = JoiningForm(request.POST)
        form.is_valid()  # a checkbox: any value is valid, a missing one is "off"
        sign_on = services.sign_on_set_joining(
            sign_on=sign_on, actor=request.user, on=form.cleaned_data["allow_joining"]
        )
        if sign_on.allow_joining:
            messages.success(
                request, _("Colleagues of your domains may now join by single sign-on.")
            )
        else:
            messages.success(
                request, _("Colleagues now need an invitation before they can sign in.")
            )
        return redirect("accounts:single_sign_on")
    form = JoiningForm(initial={"allow_joining": sign_on.allow_joining}) if sign_on else None
    return render(request, "sso/account_sign_on.html", {"sign_on": sign_on, "form": form})
