"""Numbers in the reader's language: decimal comma and thousands separator as their
language writes them ("99,5 %" and "12.345" in Dutch; "99.5%" and "12,345" in English)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import pgettext


def grouped(value: int | float) -> str:
    """A count with thousands separated."""
    return number_format(value, force_grouping=True)


def percent(share: float | None, decimals: int = 1) -> str:
    """A share (0 to 1) as a percentage, with at most `decimals` decimals: 0.995 ->
    "99.5%" ("99,5 %" in Dutch), 0.75 -> "75%"."""
    if share is None:
        return ""
    value = round(share * 100, decimals)
    shown = number_format(value, decimal_pos=decimals if value % 1 else 0, force_grouping=True)
    # Translators: a percentage; Dutch puts a (non-breaking) space before the sign.
    return pgettext("percentage", "%(number)s%%") % {"number": shown}
