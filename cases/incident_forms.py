"""The staff's forms of a platform incident: declare or publish it, post an update,
resolve it, link cases. Each bad field gets its own sentence."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region

from .forms import TEXT_LIMIT
from .models import Case, IncidentScope, IncidentSeverity

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _text(label, required_message, *, rows=4, **kwargs):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[TEXT_LIMIT],
        error_messages={"required": required_message},
        **kwargs,
    )


class IncidentTextsForm(forms.Form):
    """What customers read, in English and in Dutch: each customer reads their language."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Write the title customers see.")},
    )
    title_nl = forms.CharField(
        label=_("Title in Dutch"),
        max_length=200,
        error_messages={"required": _("Write the title in Dutch too: Dutch customers read it.")},
    )
    text = _text(_("What customers see"), _("Write what customers see of the incident."))
    text_nl = _text(
        _("What customers see, in Dutch"),
        _("Write what customers see in Dutch too: Dutch customers read it."),
    )


class IncidentDeclareForm(IncidentTextsForm):
    scope = forms.ChoiceField(
        label=_("Affected component"),
        choices=IncidentScope.choices,
        error_messages={"required": _("Choose the affected component.")},
    )
    region = forms.ModelChoiceField(
        label=_("Region or cluster"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("Every region"),
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=IncidentSeverity.choices, initial=IncidentSeverity.UNAVAILABLE
    )
    started_at = forms.DateTimeField(
        label=_("Started"),
        widget=DATETIME_WIDGET,
        error_messages={
            "required": _("Give the moment the incident started."),
            "invalid": _("Give the start as a date and time, e.g. 2026-11-25 10:00."),
        },
    )

    field_order = ["scope", "region", "severity", "started_at"]

    def clean_started_at(self):
        started = self.cleaned_data["started_at"]
        if started > timezone.now():
            raise forms.ValidationError(_("The start of the incident cannot be in the future."))
        return started


class IncidentUpdateForm(forms.Form):
    text = _text(_("Update"), _("Write the update customers read."))
    text_nl = _text(
        _("Update, in Dutch"), _("Write the update in Dutch too: Dutch customers read it.")
    )
    expected_resolution_at = forms.DateTimeField(
        label=_("Expected resolution"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("Leave it empty when nobody can tell yet."),
        error_messages={"invalid": _("Give the expected resolution as a date and time.")},
    )
    # The latest update the poster saw: a form sent twice is not posted twice.
    after_update = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_expected_resolution_at(self):
        expected = self.cleaned_data["expected_resolution_at"]
        if expected is not None and expected <= timezone.now():
            raise forms.ValidationError(_("The expected resolution must be in the future."))
        return expected


class IncidentResolveForm(forms.Form):
    summary = _text(
        _("Post-incident summary"),
        _("Write the post-incident summary: it is attached to every linked case."),
        rows=6,
    )
    summary_nl = _text(
        _("Post-incident summary, in Dutch"),
        _("Write the summary in Dutch too: Dutch customers read it."),
        rows=6,
    )


class IncidentDismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is no incident"),
        max_length=500,
        help_text=_("For example: the probe's credential expired; the API answered throughout."),
        error_messages={"required": _("Say why the draft is no incident: it stays on record.")},
    )


class LinkCasesForm(forms.Form):
    """The candidates ticked for linking; only cases still proposed are accepted."""

    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick the cases to link."),
            "invalid_choice": _("A ticked case is no longer proposed: reload the page."),
            "invalid_pk_value": _("A ticked case is no longer proposed: reload the page."),
        },
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["cases"].queryset = candidates
