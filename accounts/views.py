from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_POST

from . import services
from .forms import LanguageForm, ProfileForm
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
        },
    )


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
