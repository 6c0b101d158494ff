from django import forms
from django.utils.translation import gettext_lazy as _

from core.events import EventType

from .addresses import AddressRefused, split_url
from .models import URL_MAX_LENGTH


class EventTypesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            choices=EventType.choices,
            label=_("Send these events"),
            error_messages={
                "required": _("Choose at least one event type."),
                "invalid_choice": _("Choose event types from the list."),
            },
            **kwargs,
        )


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=URL_MAX_LENGTH,
        help_text=_("An HTTPS address on the internet that accepts a POST of JSON."),
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/support-portal"}),
    )
    event_types = EventTypesField()

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        try:
            split_url(url)
        except AddressRefused as exc:
            raise forms.ValidationError(exc.message) from None
        return url


class EventTypesForm(forms.Form):
    event_types = EventTypesField()
