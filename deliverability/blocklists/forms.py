from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SendingDomain


class SendingDomainForm(forms.ModelForm):
    """A customer's own sending domain; the model says what is wrong with a bad name."""

    class Meta:
        model = SendingDomain
        fields = ["name", "purpose"]
        help_texts = {
            "name": _(
                "The domain as it appears in your mail, e.g. news.example.com. Blocklists "
                "are asked about its registrable domain (example.com)."
            ),
        }

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account

    def validate_unique(self):
        try:
            self.instance.validate_unique()
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("name", _("This domain is already monitored for that use."))
