"""Django's `date` filter with each language's abbreviated months (core.dates), for the
Django templates (mails, charts, the admin); a builtin of the Django engine, so it
replaces Django's own `date` in every template without a `{% load %}`."""

from django import template
from django.template import defaultfilters

from core.dates import localised_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    return defaultfilters.date(value, localised_format(arg) if arg else arg)
