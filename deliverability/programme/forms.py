import math

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from . import actuals_csv
from .models import RemediationRequest, RemediationStep
from .texts import PROVIDER_REQUIRED

CHECKLIST_LABELS = {
    "authentication_in_place": _(
        "SPF, DKIM and DMARC are in place and aligned with the From domain."
    ),
    "one_click_unsubscribe": _(
        "Bulk mail carries one-click unsubscribe (List-Unsubscribe and List-Unsubscribe-Post) "
        "and unsubscribes are honoured within two days."
    ),
    "complaint_rate_ok": _(
        "The complaint rate is under the providers' thresholds (below 0.3%, aiming below 0.1%)."
    ),
    "warmup_followed": _("New IPs were warmed up following the IP warm-up plan."),
}


class RemediationRequestForm(forms.ModelForm):
    class Meta:
        model = RemediationRequest
        fields = [
            "provider",
            "affected_ips",
            "from_domain",
            "dkim_domain",
            "return_path_domain",
            "bounce_text",
            "sample_headers",
            "daily_volume",
            "ip_type",
            "first_seen",
            *CHECKLIST_LABELS,
        ]
        widgets = {
            "affected_ips": forms.Textarea(attrs={"rows": 2}),
            "bounce_text": forms.Textarea(attrs={"rows": 4}),
            "sample_headers": forms.Textarea(attrs={"rows": 4}),
            # A date input takes ISO dates only, whatever the reader's language.
            "first_seen": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "bounce_text": _(
                "The full error text as the provider returned it, with the times it came."
            ),
            "sample_headers": _("The headers of one affected message, as sent."),
        }

    def __init__(self, *args, listing=None, **kwargs):
        super().__init__(*args, **kwargs)
        if listing is not None:
            # A blocklist listing goes to the list's operator: no mailbox provider to name.
            del self.fields["provider"]
        else:
            self.fields["provider"].required = True
            self.fields["provider"].error_messages["required"] = PROVIDER_REQUIRED
        for name, label in CHECKLIST_LABELS.items():
            self.fields[name] = forms.BooleanField(label=label, required=True)
            self.fields[name].error_messages["required"] = _(
                "Confirm this best practice; Tier 1 remediation relies on it."
            )
        _bootstrap(self)


def _bootstrap(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class BounceDiagnosisForm(forms.Form):
    text = forms.CharField(
        label=_("Bounce or deferral messages"),
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
        max_length=200_000,
        help_text=_("Paste one or more messages; separate them with an empty line."),
    )


class ActualsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("Columns: date, provider, sent, delivered, bounces, complaints."),
    )
    text = forms.CharField(
        label=_("or paste the rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            # Refused whole, never cut: the import is all rows or none.
            if upload.size > actuals_csv.MAX_CSV_BYTES:
                raise forms.ValidationError({"file": _too_big(upload.size)})
            try:
                data["csv"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    {"file": _("The file is not UTF-8 text; export it as CSV (UTF-8).")}
                ) from None
        elif data.get("text"):
            size = len(data["text"].encode())
            if size > actuals_csv.MAX_CSV_BYTES:
                raise forms.ValidationError({"text": _too_big(size)})
            data["csv"] = data["text"]
        else:
            raise forms.ValidationError(_("Choose a CSV file or paste the rows."))
        return data


def _too_big(size: int) -> str:
    return _(
        "This is %(size)s KB of rows; at most %(max)s KB can be imported at once. "
        "Split them over several uploads."
    ) % {
        "size": number_format(math.ceil(size / 1024), force_grouping=True),
        "max": number_format(actuals_csv.MAX_CSV_BYTES // 1024, force_grouping=True),
    }


class RemediationStepForm(forms.ModelForm):
    class Meta:
        model = RemediationStep
        fields = ["kind", "on", "channel", "provider_reference", "outcome", "text"]
