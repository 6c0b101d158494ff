from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Scope

NEVER = "never"


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses the token, such as “Monitoring” or “On-call tool”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("May"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        error_messages={"required": _("Choose at least one thing the token may do.")},
    )
    expires = forms.ChoiceField(
        label=_("Expires"),
        choices=[
            ("30", _("in 30 days")),
            ("90", _("in 90 days")),
            ("365", _("in a year")),
            (NEVER, _("never")),
        ],
        initial="90",
    )

    def expires_at(self):
        value = self.cleaned_data["expires"]
        if value == NEVER:
            return None
        return timezone.now() + timedelta(days=int(value))
