from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.sso.selectors import password_refused
from core import outbox

from . import second_factor, selectors


def single_sign_on_sentence(email: str) -> str | None:
    """Why a password cannot be used (or reset) for `email`: its domain signs in by the
    company's identity provider. None when it can."""
    sign_on = password_refused(email)
    if sign_on is None:
        return None
    return _(
        "Addresses at %(domain)s sign in with single sign-on, through your company's identity "
        "provider: use “Sign in with single sign-on” on the sign-in page."
    ) % {"domain": email.rsplit("@", 1)[-1].lower()}


class LockoutSentenceMixin:
    """A locked-out sign-in says so, and when to try again, instead of 'wrong password'."""

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            credentials = {"username": self.cleaned_data.get("username")}
            return ValidationError(
                selectors.lockout_sentence(self.request, credentials), code="locked_out"
            )
        return super().get_invalid_login_error()


class SignInForm(LockoutSentenceMixin, AuthenticationForm):
    def clean(self):
        # Said before the password is tried: no failure is counted towards a lockout.
        sentence = single_sign_on_sentence(self.cleaned_data.get("username") or "")
        if sentence:
            raise ValidationError(sentence, code="single_sign_on")
        return super().clean()


class StaffSignInForm(LockoutSentenceMixin, AdminAuthenticationForm):
    pass


class ResetLinkForm(PasswordResetForm):
    """Django's form with two differences. A customer login without a password yet (made
    by staff, its first link expired) may ask for a link too: customers choose their own
    password. And the link is mailed by a task after the request, so how long the page
    takes says nothing about whether the address has a login."""

    def clean_email(self):
        email = self.cleaned_data["email"]
        sentence = single_sign_on_sentence(email)
        if sentence:
            raise ValidationError(sentence, code="single_sign_on")
        return email

    def get_users(self, email):
        if single_sign_on_sentence(email):
            return
        for user in User.objects.filter(email__iexact=email, is_active=True):
            if user.has_usable_password() or not user.is_staff:
                yield user

    def save(self, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            outbox.enqueue("accounts.tasks.send_password_reset", user.pk)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        help_text=_(
            "The six digits your authenticator app shows now, or one of your backup codes."
        ),
    )

    def clean_code(self):
        code = second_factor.normalised_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError(_("Type the code your authenticator app shows."))
        return code
