from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class PasswordResetRequest(models.Model):
    """A request for a password-reset link, kept an hour or so to limit the mails per
    address and the requests per client address. Kept whether or not the address belongs
    to a login: the page never tells."""

    email = models.CharField(_("email address"), max_length=254)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    mailed = models.BooleanField(
        _("link mailed"), help_text=_("Off when the address had its hourly mails already.")
    )

    class Meta:
        verbose_name = _("password-reset request")
        verbose_name_plural = _("password-reset requests")
        indexes = [
            models.Index(fields=["email", "requested_at"], name="reset_request_email_time"),
            models.Index(fields=["client_ip", "requested_at"], name="reset_request_ip_time"),
            models.Index(fields=["requested_at"], name="reset_request_time"),
        ]

    def __str__(self):
        return f"{self.email} {self.requested_at:%Y-%m-%d %H:%M}"


class Authenticator(TOTPDevice):
    """A person's authenticator app (the TOTP device of django-otp), as staff see it in
    the admin: who has one, since when, last used; deleting it resets their second factor."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator (second factor)")
        verbose_name_plural = _("authenticators (second factor)")
