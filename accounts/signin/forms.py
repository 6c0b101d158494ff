from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import second_factor, selectors


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
    pass


class StaffSignInForm(LockoutSentenceMixin, AdminAuthenticationForm):
    pass


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
