from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import selectors
from .domains import parse_domains, url_problem
from .models import AccountSignOn


class StartForm(forms.Form):
    email = forms.EmailField(
        label=_("Work email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class JoiningForm(forms.Form):
    allow_joining = forms.BooleanField(
        label=_("Colleagues of these domains may join by single sign-on"),
        required=False,
        help_text=_(
            "On: a colleague without a login becomes a contact of your company at their first "
            "sign-in. Off: colleagues need an invitation from you first."
        ),
    )


class AccountSignOnForm(forms.ModelForm):
    """Staff configure an account's provider. The secret is written, never shown back."""

    new_client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Never shown again. Leave it empty to keep the secret stored."),
    )
    domain_text = forms.CharField(
        label=_("email domains"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, such as example.com. People with addresses at these domains sign in "
            "only through this provider; a domain belongs to one customer account."
        ),
    )

    class Meta:
        model = AccountSignOn
        fields = ["account", "issuer", "client_id", "enabled", "allow_joining"]
        # Checked by url_problem, whose sentences say what is wrong (https, host, query).
        field_classes = {"issuer": forms.CharField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["domain_text"].initial = "\n".join(self.instance.domain_names)
        else:
            self.fields["new_client_secret"].required = True

    def clean_issuer(self):
        # Kept as typed: the ID token's and discovery's issuer must match it exactly, and
        # some providers' issuer ends in a slash.
        issuer = self.cleaned_data["issuer"].strip()
        problem = url_problem(issuer, allow_loopback_http=settings.SSO_ALLOW_LOOPBACK_HTTP)
        if problem:
            raise ValidationError(problem, code="invalid_issuer")
        return issuer

    def clean_domain_text(self):
        return parse_domains(self.cleaned_data["domain_text"])

    def clean(self):
        cleaned = super().clean()
        account = self.instance.account if self.instance.pk else cleaned.get("account")
        domains = cleaned.get("domain_text")
        if account is not None and domains:
            held = selectors.domains_held_elsewhere(domains, account=account)
            if held:
                self.add_error(
                    "domain_text",
                    _("%(domains)s already sign in through another customer account's provider.")
                    % {"domains": ", ".join(held)},
                )
            others = selectors.domains_of_other_accounts_contacts(domains, account=account)
            if others:
                self.add_error(
                    "domain_text",
                    _(
                        "Contacts of another customer account have addresses at %(domains)s: "
                        "they would lose their sign-in."
                    )
                    % {"domains": ", ".join(others)},
                )
        return cleaned
