"""Dates in the reader's language: Django's date formats, with each language's own way of
abbreviating a month.

Django's "M" is the month's abbreviation with a capital ("Nov"): right in English, but
Dutch writes abbreviated months in lower case ("25 nov 2026"), Django's "b". Which letter
a language uses is a translation, so the catalogue of each language decides.
"""

from __future__ import annotations

import re

from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.translation import pgettext

# An "M" not escaped by a backslash.
_MONTH_ABBREVIATION = re.compile(r"(?<!\\)M")


def localised_format(format_string: str) -> str:
    """`format_string` with the active language's letter for an abbreviated month."""
    letter = pgettext("date format letter of an abbreviated month", "M")
    if letter == "M" or "M" not in format_string:
        return format_string
    return _MONTH_ABBREVIATION.sub(letter, format_string)


def date_format(value, format_string: str) -> str:
    """Django's `formats.date_format`, with the language's abbreviated months."""
    return dateformat.format(value, localised_format(get_format(format_string)))
