"""English and Dutch sentences for the stable codes of the pure modules (warm-up advice and
flags, CSV reasons, plan errors, bounce kinds)."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from . import actuals_csv, bounces, warmup

ADVICE = {
    warmup.Advice.ADVANCE: _("All well: follow the plan tomorrow."),
    warmup.Advice.HOLD: _("Hold: send tomorrow what was planned for today; do not advance."),
    warmup.Advice.STEP_BACK: _("Step back: return to the previous day's planned volume."),
}
ADVICE_SHORT = {
    warmup.Advice.ADVANCE: _("advance"),
    warmup.Advice.HOLD: _("hold"),
    warmup.Advice.STEP_BACK: _("step back"),
}
FLAGS = {
    warmup.Flag.OVER_PLAN: _("More sent than planned."),
    warmup.Flag.BEFORE_PLAN: _("Mail sent from the new IPs before the warm-up started."),
    warmup.Flag.COMPLAINTS_HIGH: _("Complaint rate at or above 0.1%."),
    warmup.Flag.COMPLAINTS_CRITICAL: _("Complaint rate at or above 0.3%."),
    warmup.Flag.BOUNCES_HIGH: _("Bounce rate at or above 2%: clean the list before growing."),
    warmup.Flag.BOUNCES_CRITICAL: _(
        "Bounce rate at or above 5%: the list harms the IPs' reputation."
    ),
}
CSV_REASONS = {
    actuals_csv.CsvReason.EMPTY_FILE: _("The file is empty."),
    actuals_csv.CsvReason.MISSING_COLUMN: _(
        "This column is missing from the header (expected: date, provider, sent, delivered, "
        "bounces, complaints)."
    ),
    actuals_csv.CsvReason.UNKNOWN_COLUMN: _(
        "This column is not one of date, provider, sent, delivered, bounces, complaints."
    ),
    actuals_csv.CsvReason.WRONG_FIELD_COUNT: _(
        "The row has a different number of fields than the header."
    ),
    actuals_csv.CsvReason.REQUIRED: _("This field is empty."),
    actuals_csv.CsvReason.INVALID_DATE: _("Not a date; write it as 2027-01-31."),
    actuals_csv.CsvReason.UNKNOWN_PROVIDER: _(
        "Not a mailbox provider; use gmail, microsoft, yahoo, apple or others."
    ),
    actuals_csv.CsvReason.NOT_A_WHOLE_NUMBER: _(
        "Not a whole number of 0 or more (write 12500, without separators)."
    ),
    actuals_csv.CsvReason.OUT_OF_RANGE: _("More than %(max_count)s: not a daily count."),
    actuals_csv.CsvReason.MORE_THAN_SENT: _("More than the number sent."),
    actuals_csv.CsvReason.MORE_THAN_DELIVERED: _("More complaints than messages delivered."),
    actuals_csv.CsvReason.DUPLICATE_ROW: _("This date and provider are already in the file."),
    actuals_csv.CsvReason.TOO_MANY_ROWS: _("The file has too many rows; split it."),
    actuals_csv.CsvReason.UNREADABLE: _("The file is not readable as CSV."),
}


def moment(value: datetime) -> str:
    """A moment as the reader reads it, in their language and the current time zone:
    "4 December 2026, 17:24 CET" (text pasted into a provider's form, mails)."""
    return date_format(timezone.localtime(value), "j F Y, H:i T")


def day(value: date) -> str:
    """A date as the reader reads it: "4 December 2026"."""
    return date_format(value, "j F Y")


def csv_sentence(error: actuals_csv.CsvRowError) -> str:
    """The reader's sentence for a refused row of a CSV of daily actuals."""
    sentence = CSV_REASONS.get(error.reason)
    if sentence is None:
        return error.message
    if error.reason == actuals_csv.CsvReason.OUT_OF_RANGE:
        return sentence % {
            "max_count": number_format(actuals_csv.MAX_DAILY_COUNT, force_grouping=True)
        }
    return str(sentence)


PLAN_ERRORS = {
    "not_a_number": _("This must be a number."),
    "unknown_provider": _("Unknown mailbox provider."),
    "share_out_of_range": _("Each share must be between 0% and 100%."),
    "shares_do_not_add_up": _("The shares per mailbox provider must add up to 100%."),
    "not_a_positive_whole_number": _("This must be a whole number of at least 1."),
    "growth_out_of_range": _("The daily growth factor must be between 1.05 and 3."),
    "cap_not_positive": _("A provider's cap must be positive."),
    "ramp_too_long": _(
        "The ramp would take more than a year; raise the starting volume per IP or the "
        "daily growth factor."
    ),
    "no_phases": _("A migration plan needs at least one phase."),
    "share_not_increasing": _("Each phase must move more than the previous one, and at most 100%."),
    "start_not_after_previous": _("Each phase must start after the previous one."),
    "over_capacity": _("The warm IPs cannot carry this phase's volume on its start date yet."),
}
BOUNCE_KINDS = {
    bounces.Kind.REPUTATION_BLOCK: _("Reputation block"),
    bounces.Kind.CONFIGURATION: _("Authentication or configuration problem"),
    bounces.Kind.RECIPIENT_POLICY: _("The recipient organisation's own policy"),
    bounces.Kind.THROTTLING: _("Volume throttling"),
    bounces.Kind.UNKNOWN: _("Unknown"),
}
BOUNCE_ADVICE = {
    bounces.Kind.REPUTATION_BLOCK: _(
        "The mailbox provider blocks the IP or domain. If you followed the best practices, "
        "ask us for Tier 1 ISP-block remediation."
    ),
    bounces.Kind.CONFIGURATION: _(
        "A set-up problem on the sending side: the guidance below fixes it."
    ),
    bounces.Kind.RECIPIENT_POLICY: _(
        "The recipient organisation's own rules refused the mail; only its administrators "
        "can change them."
    ),
    bounces.Kind.THROTTLING: _(
        "The provider slows down the volume: hold the warm-up and let retries deliver the mail."
    ),
    bounces.Kind.UNKNOWN: _(
        "No rule recognises this message; file a support case if it keeps coming."
    ),
}
PROVIDER_REQUIRED = _("Choose the mailbox provider that blocks the mail.")
# The contract's wording: shown wherever Tier 2 or inbox placement could be expected.
TIER2_EXCLUDED = _(
    "Deliverability strategy services and Tier 2 (custom) mediation are excluded from the "
    "support contract."
)
NO_INBOX_PLACEMENT_GUARANTEE = _(
    "Inbox placement rates are not guaranteed and the vendor is not responsible for them."
)
