from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User, time_zone_choices


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("time zone"),
        choices=time_zone_choices,
        help_text=_("Dates and times in the portal are shown in this time zone."),
    )

    class Meta:
        model = User
        fields = ["full_name", "phone", "language", "time_zone"]
        help_texts = {"language": _("The portal and its emails use this language.")}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=User.Language.choices)
    next = forms.CharField(required=False)


class IncidentMailForm(forms.Form):
    incident_mail = forms.BooleanField(
        label=_("Mail me every platform incident update"),
        required=False,
        help_text=_(
            "Every update of a platform incident affecting your account, whether or not you "
            "filed a case about it."
        ),
    )
