import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from core.next_url import path_of_this_site

from . import hooks, second_factor, services
from .forms import CodeForm, ResetLinkForm, SignInForm
from .middleware import SESSION_KEY

# Backup codes wait here between the page that made them and the page that shows them once.
CODES_KEY = "signin_backup_codes"


class SignInView(auth_views.LoginView):
    """Django's sign-in, landing staff in the admin (where they work) and customers on
    their home, unless the page they came from is named."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if self.request.user.is_staff:
            return reverse("admin:index")
        return super().get_default_redirect_url()


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view with limits: a few mails per address an hour (the page is the
    same whether a link went out, was held back or the address is unknown) and a cap on
    requests per client address (said plainly: it tells nothing about any address)."""

    form_class = ResetLinkForm

    def form_valid(self, form):
        decision = services.password_reset_request(
            email=form.cleaned_data["email"], client_ip=hooks.client_ip(self.request)
        )
        if decision.client_again_at is not None:
            form.add_error(
                None,
                _(
                    "Too many reset requests from your network. Please try again at "
                    "%(time)s (%(zone)s)."
                )
                % _time_and_zone(decision.client_again_at),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if decision.mail:
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


def _time_and_zone(moment) -> dict:
    local = timezone.localtime(moment)
    return {"time": formats.time_format(local, "H:i"), "zone": local.tzname()}


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return path_of_this_site(request, candidate) or (
        reverse("admin:index") if request.user.is_staff else reverse("home")
    )


def _with_next(name: str, next_url: str) -> str:
    from urllib.parse import urlencode

    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _signed_in_with(request, device) -> None:
    otp_login(request, device)
    # A new session key once the second factor is in: a key seen before it is worth nothing.
    request.session.cycle_key()
    request.session[SESSION_KEY] = True


@login_required
def verify(request):
    """Second step of signing in: a code from the authenticator, or a backup code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not services.has_second_factor(user):
        if user.is_staff and settings.STAFF_MFA_REQUIRED:
            return redirect(_with_next("signin:setup", next_url))
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        check = services.second_factor_check(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            _signed_in_with(request, check.device)
            return redirect(next_url)
        status = 400
        if check.again_at is not None:
            status = 429
            form.add_error(
                "code",
                _("Too many wrong codes. You can try again at %(time)s.")
                % {"time": formats.time_format(timezone.localtime(check.again_at), "H:i:s")},
            )
        else:
            form.add_error(
                "code",
                _(
                    "That code is not right. Type the code your app shows now; it changes "
                    "every 30 seconds."
                ),
            )
    return render(request, "signin/verify.html", {"form": form, "next": next_url}, status=status)


@login_required
def setup(request):
    """Set up an authenticator app: scan the QR code (or type the secret), type a code."""
    user = request.user
    next_url = _next_url(request)
    if not user.is_verified() and services.has_second_factor(user):
        # Between password and code: only the code opens the door, not a new authenticator.
        return redirect(_with_next("signin:verify", next_url))
    device = services.second_factor_start(user=user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            request.session[CODES_KEY] = services.second_factor_confirm(user=user, device=device)
            _signed_in_with(request, device)
            return redirect(_with_next("signin:backup_codes", next_url))
        status = 400
        form.add_error(
            "code",
            _(
                "That code is not right. Check that the app was set up with this page's QR code "
                "or secret, and type the code it shows now."
            ),
        )
    qr = segno.make(device.config_url, error="m")
    # segno writes the SVG from the URI's bits alone: no text goes into it.
    qr_svg = mark_safe(qr.svg_inline(scale=5, dark="#000", light="#fff", omitsize=True))  # noqa: S308
    return render(
        request,
        "signin/setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": qr_svg,
            "secret": second_factor.secret_for_people(device.key),
            "config_url": device.config_url,
            "replacing": services.has_second_factor(user),
        },
        status=status,
    )


@login_required
def backup_codes(request):
    """The backup codes, shown once; new ones on request (the old ones stop working)."""
    if not request.user.is_verified():
        return redirect(_with_next("signin:verify", request.get_full_path()))
    next_url = _next_url(request)
    if request.method == "POST":
        request.session[CODES_KEY] = services.backup_codes_renew(user=request.user)
        return redirect(_with_next("signin:backup_codes", next_url))
    codes = request.session.pop(CODES_KEY, None)
    return render(request, "signin/backup_codes.html", {"codes": codes, "next": next_url})


@require_POST
@login_required
def remove(request):
    """A customer turns the second factor off (staff cannot while it is required)."""
    user = request.user
    if not user.is_verified():
        return redirect(_with_next("signin:verify", reverse("accounts:profile")))
    if user.is_staff and settings.STAFF_MFA_REQUIRED:
        messages.error(request, _("Staff sign in with a second factor; it cannot be turned off."))
        return redirect("accounts:profile")
    services.second_factor_remove(user=user)
    request.session[SESSION_KEY] = False
    messages.success(request, _("Two-step sign-in is off: you sign in with your password alone."))
    return redirect("accounts:profile")
