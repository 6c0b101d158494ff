from django import template

from ..models import ResolutionAgreement
from ..rendering import render_markdown

register = template.Library()


@register.filter
def case_markdown(text):
    return render_markdown(text)


@register.filter
def agreement_method(value):
    """The label of a ResolutionAgreement method as an event recorded it."""
    return ResolutionAgreement.Method(value).label if value else ""
