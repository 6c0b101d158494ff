"""Single sign-on per customer account, by OpenID Connect: one configuration per account,
and the email domains whose people must sign in through it."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Account


class AccountSignOn(models.Model):
    """The account's identity provider. Staff configure it; the account's primary contact
    decides whether new colleagues may join through it."""

    account = models.OneToOneField(
        Account,
        on_delete=models.CASCADE,
        related_name="sign_on",
        verbose_name=_("customer account"),
    )
    issuer = models.URLField(
        _("issuer URL"),
        max_length=300,
        help_text=_(
            "The identity provider's issuer, such as https://login.example.com/realms/acme; "
            "its configuration is read from {issuer}/.well-known/openid-configuration."
        ),
    )
    client_id = models.CharField(_("client ID"), max_length=255)
    # Sent to the provider's token endpoint, so kept as given; never shown back.
    client_secret = models.CharField(_("client secret"), max_length=500)
    enabled = models.BooleanField(
        _("enabled"),
        default=False,
        help_text=_(
            "When on, people of these domains sign in only through single sign-on: "
            "password sign-in and password reset are refused for them."
        ),
    )
    allow_joining = models.BooleanField(
        _("colleagues may join by single sign-on"),
        default=False,
        help_text=_(
            "A person of these domains without a login becomes a contact of the account at "
            "their first sign-in. The primary contact turns this on or off."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("single sign-on configuration")
        verbose_name_plural = _("single sign-on configurations")
        ordering = ["account__name"]

    def __str__(self):
        return str(self.account)

    @property
    def domain_names(self) -> list[str]:
        """Uses prefetched domains when present."""
        return sorted(d.domain for d in self.domains.all())


class SignOnDomain(models.Model):
    """An email domain whose people sign in through one account's provider; a domain
    belongs to one account at most."""

    sign_on = models.ForeignKey(AccountSignOn, on_delete=models.CASCADE, related_name="domains")
    # Lower case, ASCII (IDNA): written only by the service, which normalises it.
    domain = models.CharField(_("email domain"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("single sign-on domain")
        verbose_name_plural = _("single sign-on domains")
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")),
                name="sign_on_domain_lower_case",
            ),
        ]

    def __str__(self):
        return self.domain
