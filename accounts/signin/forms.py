from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from . import selectors


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
