from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_POST

from . import services
from .access import customer_account, is_primary_contact
from .forms import IncidentMailForm, LanguageForm, ProfileForm
from .signin.services import has_second_factor as second_factor_on


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.user_update_profile(user=request.user, **form.cleaned_data)
        with override(user.language):
            messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        _remember_language(response, user.language)
        return response
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "second_factor_on": second_factor_on(request.user),
            "second_factor_required": request.user.is_staff and settings.STAFF_MFA_REQUIRED,
            "incident_mail_form": _incident_mail_form(request.user),
            "manages_account": is_primary_contact(request.user),
        },
    )


def _incident_mail_form(user) -> IncidentMailForm | None:
    """For a customer contact: their subscription to incident updates."""
    if customer_account(user) is None:
        return None
    return IncidentMailForm(initial={"incident_mail": user.contact.incident_mail})


@require_POST
@login_required
def incident_mail(request):
    """A contact subscribes themselves, and only themselves, to incident updates by mail."""
    if customer_account(request.user) is None:
        raise Http404
    form = IncidentMailForm(request.POST)
    form.is_valid()  # a checkbox: any value is valid, a missing one is "off"
    contact = services.contact_set_incident_mail(
        contact=request.user.contact, on=form.cleaned_data["incident_mail"]
    )
    if contact.incident_mail:
        messages.success(request, _("You will be mailed every platform incident update."))
    else:
        messages.success(request, _("You will no longer be mailed every platform incident update."))
    return redirect("accounts:profile")


@require_POST
def set_language(request):
    """Switch the language; a signed-in user's choice is kept on their profile."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        _remember_language(response, language)
    return response


def _remember_language(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
