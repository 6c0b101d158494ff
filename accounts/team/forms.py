from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Contact, User
from . import services

INVITABLE_ROLES = [
    (value, label) for value, label in Contact.Role.choices if value != Contact.Role.PRIMARY
]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=INVITABLE_ROLES,
        initial=Contact.Role.TECHNICAL,
        help_text=_("Your Technical Account Manager chooses the primary contacts."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=User.Language.choices,
        help_text=_("The mail, and the portal at first, are in this language."),
    )


class MailChoicesForm(forms.Form):
    case_mail = forms.ChoiceField(
        label=_("Case mail"), choices=Contact.CaseMail.choices, widget=forms.RadioSelect
    )
    blocklist_alerts = forms.BooleanField(
        label=_("Blocklist alerts"),
        required=False,
        help_text=_("A mail when a sending IP or domain of the account is listed or delisted."),
    )
    incident_mail = forms.BooleanField(
        label=_("Platform incident updates"),
        required=False,
        help_text=_("Every update of a platform incident affecting the account."),
    )

    @classmethod
    def for_contact(cls, contact: Contact, data=None):
        return cls(
            data, initial={f: getattr(contact, f) for f in services.MAIL_CHOICES}, prefix="mail"
        )


class JoinForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Type your name."))
        return name

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error(
                "password2", _("The two passwords differ; type the same password twice.")
            )
        elif one:
            try:
                services.check_password(one, email=self.email, full_name=data.get("full_name", ""))
            except ValidationError as error:
                self.add_error("password1", error)
        return data
