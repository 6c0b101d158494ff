from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    # The app's own configuration, among the two this module holds.
    default = True
    name = "accounts.signin"
    label = "signin"
    verbose_name = _("Sign-in")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import remember_second_factor

        # Every sign-in passes here, whichever page or test helper signed the person in.
        user_logged_in.connect(remember_second_factor, dispatch_uid="signin_second_factor")


class SignInLockoutsConfig(AxesConfig):
    """django-axes under a name staff understand in the admin."""

    verbose_name = _("Sign-in lockouts")
