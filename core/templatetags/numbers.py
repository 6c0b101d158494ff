"""`grouped` and `percent` (core.numbers) for the Django templates: `{% load numbers %}`."""

from django import template

from core import numbers

register = template.Library()

register.filter("grouped", numbers.grouped)
register.filter("percent", numbers.percent)
