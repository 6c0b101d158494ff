"""`{{ listing.reasons|listing_reasons:", " }}` in the Django templates (the listing mail)."""

from django import template

from deliverability.blocklists.reasons import reason_labels

register = template.Library()


@register.filter
def listing_reasons(reasons, separator="; "):
    return reason_labels(reasons, separator)
