from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.text_limits import TEXT_MAX_LENGTH, TextLengthValidator

from . import classification, search
from .filetypes import attachment_type
from .models import (
    RATING_COMMENT_MAX_LENGTH,
    RATING_SCORES,
    REFERENCE_PREFIX,
    CallbackOutcome,
    Category,
    FailureCause,
    Incident,
    IncidentStatus,
    ResolutionAgreement,
    Severity,
    Status,
)

YES, NO = "yes", "no"
# Multi-line text is checked on the server only: a textarea's maxlength would cut a
# longer paste without a word, where the form says how long it is and keeps it.
TEXT_LIMIT = TextLengthValidator(TEXT_MAX_LENGTH)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _attachments_help_text() -> str:
    return _("Up to %(count)s files of at most %(size)s each: logs, screenshots, PDF, CSV.") % {
        "count": settings.CASES_ATTACHMENT_MAX_FILES,
        "size": filesizeformat(settings.CASES_ATTACHMENT_MAX_BYTES),
    }


# Fields are built once, at import: the help text is translated when a page shows it.
_attachments_help = lazy(_attachments_help_text, str)


class AttachmentsField(forms.FileField):
    """Several files, each within the size and type limits of the settings."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", _attachments_help())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(AttachmentsField, self).clean(f, initial) for f in files]
        files = [f for f in files if f]
        if len(files) > settings.CASES_ATTACHMENT_MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(count)s files.")
                % {"count": settings.CASES_ATTACHMENT_MAX_FILES}
            )
        for f in files:
            if f.size > settings.CASES_ATTACHMENT_MAX_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is %(size)s; attachments may be at most %(max)s.")
                    % {
                        "name": f.name,
                        "size": filesizeformat(f.size),
                        "max": filesizeformat(settings.CASES_ATTACHMENT_MAX_BYTES),
                    }
                )
            guessed = attachment_type(f.name)
            if guessed not in settings.CASES_ATTACHMENT_TYPES:
                raise forms.ValidationError(
                    _("“%(name)s” is not a file type we accept (logs, screenshots, PDF, CSV).")
                    % {"name": f.name}
                )
            # Stored with the type of its name, not the browser's claim.
            f.content_type = guessed
        return files


class PastMomentField(forms.DateTimeField):
    """A moment that has happened, typed in the reader's time zone: not in the future,
    and not before 2000 (a slip in the year, such as 0001, would otherwise reach the
    database, which cannot hold it in UTC)."""

    EARLIEST = datetime(2000, 1, 1)  # noqa: DTZ001 (compared with the typed wall time)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        typed = value.replace(tzinfo=None)  # as typed: no arithmetic on year 1
        if typed < self.EARLIEST:
            raise forms.ValidationError(
                _("Give a date in %(year)s or later.") % {"year": self.EARLIEST.year},
                code="too_early",
            )
        now = timezone.localtime().replace(tzinfo=None)
        if typed > now + timedelta(minutes=1):
            raise forms.ValidationError(_("This moment is still to come."), code="future")


def need_choices():
    return [
        (_("Supported by the contract"), Category.choices),
        (
            _("Not part of the contract"),
            [(key, label) for key, (label, _note) in classification.EXCLUDED_REQUESTS.items()],
        ),
    ]


# The contract's unavailability is a server-side timeout or internal error. In SMTP our
# servers say so with a temporary 4xx reply (421 service not available, 451 local error)
# or by timing out or dropping the connection; 535 (authentication), 550 (our policy
# refusing the customer's content) and quotas are the customer's side.
API_CAUSES = [
    (FailureCause.SERVER, _("Our servers time out or answer with an internal error (HTTP 5xx)")),
    (
        FailureCause.OTHER,
        _(
            "Another reason: authentication (401, 403), rejected requests (400, 422) or rate "
            "limits (429)"
        ),
    ),
]
SMTP_CAUSES = [
    (
        FailureCause.SERVER,
        _(
            "Our servers time out, drop the connection or answer with a temporary error from our "
            "side (421, 451)"
        ),
    ),
    (
        FailureCause.OTHER,
        _(
            "Another reason: authentication fails (535), our policy rejects the content (550) or "
            "a sending quota is reached"
        ),
    ),
]


class CaseForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    need = forms.ChoiceField(label=_("What do you need?"), choices=need_choices)
    api_all_failing = forms.ChoiceField(
        label=_("Are all API calls failing right now?"),
        choices=[(NO, _("No, or some calls still succeed")), (YES, _("Yes, all of them fail"))],
        widget=forms.RadioSelect,
        initial=NO,
        required=False,
    )
    api_failure_cause = forms.ChoiceField(
        label=_("Why do the API calls fail?"),
        choices=API_CAUSES,
        widget=forms.RadioSelect,
        required=False,
    )
    smtp_all_failing = forms.ChoiceField(
        label=_("Are all SMTP injections failing right now?"),
        choices=[(NO, _("No, or some still succeed")), (YES, _("Yes, all of them fail"))],
        widget=forms.RadioSelect,
        initial=NO,
        required=False,
    )
    smtp_failure_cause = forms.ChoiceField(
        label=_("Why do the SMTP injections fail?"),
        choices=SMTP_CAUSES,
        widget=forms.RadioSelect,
        required=False,
    )
    failing_since = PastMomentField(
        label=_("Failing since"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("In your own time zone."),
    )
    error_samples = forms.CharField(
        label=_("Sample request ids or error text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[TEXT_LIMIT],
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happens, what you expected, and what you tried. Markdown is fine."),
        validators=[TEXT_LIMIT],
    )
    attachments = AttachmentsField()

    def clean(self):
        data = super().clean()
        need = data.get("need")
        note = classification.scope_note(need) if need else None
        if note:
            self.scope_note = note
            raise forms.ValidationError(note, code="out_of_scope")
        if need == Category.SOFTWARE_BUG:
            for channel in ("api", "smtp"):
                if data.get(f"{channel}_all_failing") == YES and not data.get(
                    f"{channel}_failure_cause"
                ):
                    self.add_error(
                        f"{channel}_failure_cause",
                        _("Tell us why they fail: server-side errors, or another reason."),
                    )
        return data

    def answers(self) -> dict:
        d = self.cleaned_data
        bug = d["need"] == Category.SOFTWARE_BUG
        return {
            "category": d["need"],
            "api_all_failing": bug and d.get("api_all_failing") == YES,
            "api_failure_cause": d.get("api_failure_cause", "") if bug else "",
            "smtp_all_failing": bug and d.get("smtp_all_failing") == YES,
            "smtp_failure_cause": d.get("smtp_failure_cause", "") if bug else "",
            "failing_since": d.get("failing_since") if bug else None,
            "error_samples": d.get("error_samples", ""),
        }


# The case page's small forms render with cases/_form_fields.html (plain Bootstrap).
class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Markdown is fine."),
        validators=[TEXT_LIMIT],
    )
    attachments = AttachmentsField(widget=MultipleFileInput(attrs={"class": "form-control"}))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does this not solve the problem?"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        validators=[TEXT_LIMIT],
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How well did the resolution solve the problem? (1 poor, 5 excellent)"),
        choices=[(n, str(n)) for n in RATING_SCORES],
        coerce=int,
        # Bootstrap's button group: each score a button, the radio itself hidden.
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        validators=[TextLengthValidator(RATING_COMMENT_MAX_LENGTH)],
    )

    @staticmethod
    def score_from_link(value: str | None) -> int | None:
        """The score a link in the resolution's mail chose (?rate=4), if it is one."""
        if value and value.isascii() and value.isdigit() and len(value) == 1:
            return int(value) if int(value) in RATING_SCORES else None
        return None


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does this case need your Technical Account Manager?"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        validators=[TEXT_LIMIT],
    )


# --- staff (admin) ---------------------------------------------------------------


class StaffTextForm(forms.Form):
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), validators=[TEXT_LIMIT]
    )


class StaffReplyForm(StaffTextForm):
    attachments = AttachmentsField()
    wait_on_customer = forms.BooleanField(
        label=_("Then wait on the customer for the information asked (told in the same mail)"),
        required=False,
    )


class RecordAgreementForm(forms.Form):
    customer_name = forms.CharField(label=_("Who agreed"), max_length=150)
    agreed_at = PastMomentField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=[
            c
            for c in ResolutionAgreement.Method.choices
            if c[0] != ResolutionAgreement.Method.PORTAL
        ],
    )


class ReclassifyForm(forms.Form):
    severity = forms.ChoiceField(label=_("New severity"), choices=Severity.choices)
    reason = forms.CharField(
        label=_("Reason (the customer is told)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[TEXT_LIMIT],
    )


class MergeDuplicateForm(forms.Form):
    original = forms.RegexField(
        label=_("The original case (its reference)"),
        regex=re.compile(rf"^\s*{REFERENCE_PREFIX}\d{{6,}}\s*$", re.IGNORECASE),
        max_length=16,
        help_text=_("An earlier case of the same account that reports the same problem."),
        error_messages={"invalid": _("Give the reference of a case, such as EE-000123.")},
        widget=forms.TextInput(attrs={"placeholder": f"{REFERENCE_PREFIX}000123"}),
    )

    def clean_original(self) -> str:
        return self.cleaned_data["original"].strip().upper()


class CallbackForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallbackOutcome.choices)
    at = PastMomentField(
        label=_("When (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[TEXT_LIMIT],
    )


class IntervalForm(forms.Form):
    minutes = forms.IntegerField(label=_("Update interval (minutes)"), min_value=5, max_value=10080)


class IntervalAnswerForm(forms.Form):
    """The proposal the page showed: an answer never lands on a proposal made since."""

    answering = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CustomerIntervalForm(forms.Form):
    minutes = forms.TypedChoiceField(
        label=_("Send me an update every"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        coerce=int,
        choices=[
            (15, _("15 minutes")),
            (30, _("30 minutes")),
            (60, _("hour")),
            (120, _("2 hours")),
            (240, _("4 hours")),
            (1440, _("day")),
        ],
    )


class HotlineIntakeForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    contact_person = forms.CharField(label=_("Contact person"), max_length=150)
    phone = forms.CharField(label=_("Phone number"), max_length=40)
    email = forms.EmailField(label=_("Email address"))
    description = forms.CharField(
        label=_("Description of the critical issue"),
        help_text=_(
            "The problem in the caller's words: what fails, since when, the errors seen. "
            "Its first line is the subject of a case filed from the call."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[TEXT_LIMIT],
    )
    incident = forms.ModelChoiceField(
        label=_("Platform incident"),
        queryset=Incident.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=_("Not about an active incident"),
        help_text=_(
            "Link the call when the caller reports an active incident: the call keeps its own "
            "15-minute callback, and its case is linked too."
        ),
        error_messages={
            "invalid_choice": _("The chosen incident is no longer active: choose again below.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Incident.objects.filter(status=IncidentStatus.ACTIVE).select_related("region")
        incidents = self.fields["incident"]
        incidents.queryset = active.order_by("-started_at")
        incidents.label_from_instance = _incident_choice
        # Shown only during an incident: the intake stays five facts the rest of the time.
        if not active.exists():
            del self.fields["incident"]


def _incident_choice(incident) -> str:
    where = incident.region.name if incident.region else _("every region")
    return f"{incident.reference} {incident.title} ({incident.get_scope_display()}, {where})"


class SearchDateField(forms.DateField):
    """A day of the case list's search, as a date input sends it (2026-11-25)."""

    # Before 2000 is a slip in the year; after 2999 the day after it would not exist.
    EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            input_formats=["%Y-%m-%d"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": _("Give the date as year-month-day, such as 2026-11-25.")},
            **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        if value is not None and value < self.EARLIEST:
            raise forms.ValidationError(
                _("Give a date in %(year)s or later.") % {"year": self.EARLIEST.year},
                code="too_early",
            )
        if value is not None and value > self.LATEST:
            raise forms.ValidationError(
                _("Give a date before %(year)s.") % {"year": self.LATEST.year + 1},
                code="too_late",
            )


def _status_choices():
    return [
        ("", _("Any status")),
        (search.ANY_OPEN, _("Open")),
        (search.ANY_CLOSED, _("Resolved or closed")),
        (_("One status"), Status.choices),
    ]


class CaseSearchForm(forms.Form):
    """The customer's search of their case list, read from the address (GET), so that a
    search is a link to keep. Every field may be left empty."""

    MAX_WORDS = 8

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=search.TEXT_MAX_LENGTH,
        help_text=_("Reference, subject, description or the text of a message."),
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
        error_messages={
            "max_length": _(
                "Search for %(limit_value)d characters at most; this search has %(show_value)d."
            )
        },
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_status_choices,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": _("Choose a status from the list: “%(value)s” is not one.")
        },
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("Any severity")), *Severity.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": _("Choose a severity from the list: “%(value)s” is not one.")
        },
    )
    opened_from = SearchDateField(label=_("Opened from"))
    opened_to = SearchDateField(label=_("Opened to"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opened_from", "opened_to"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean_q(self):
        text = " ".join(self.cleaned_data["q"].split())
        if len(text.split()) > self.MAX_WORDS:
            raise forms.ValidationError(
                _("Search for %(count)d words at most.") % {"count": self.MAX_WORDS},
                code="too_many_words",
            )
        return text

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("opened_from"), cleaned.get("opened_to")
        if first and last and last < first:
            self.add_error(
                "opened_to",
                forms.ValidationError(
                    _("“To” is before “from”: give a day on or after %(day)s.")
                    % {"day": first.isoformat()},
                    code="before_from",
                ),
            )
        return cleaned

    def search(self, zone) -> search.CaseSearch:
        """The valid search, with its days as moments in the reader's time zone `zone`."""
        data = self.cleaned_data
        start, end = search.opened_range(data["opened_from"], data["opened_to"], zone)
        return search.CaseSearch(
            text=data["q"],
            status=data["status"],
            severity=data["severity"],
            opened_from=start,
            opened_before=end,
        )

    def described(self) -> list[tuple[str, str]]:
        """What a valid search searched for, field label and the value as chosen."""
        data, shown = self.cleaned_data, []
        if data["q"]:
            shown.append((self.fields["q"].label, f"“{data['q']}”"))
        for name in ("status", "severity"):
            if data[name]:
                shown.append(
                    (self.fields[name].label, _choice_label(self.fields[name], data[name]))
                )
        for name in ("opened_from", "opened_to"):
            if data[name]:
                shown.append((self.fields[name].label, data[name]))
        return shown


def _choice_label(field, value) -> str:
    for key, label in field.choices:
        for inner_key, inner_label in label if isinstance(label, list | tuple) else [(key, label)]:
            if inner_key == value:
                return str(inner_label)
    return value
