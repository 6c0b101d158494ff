from django import template

from .. import sla
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


@register.filter
def callback_verdict(call, now):
    """Met, breached or pending: the callback deadline of a hotline call at `now`."""
    return sla.verdict(call.callback_due_at, call.called_back_at, now)
