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


@register.filter
def callback_progress(call, now):
    """Where a hotline call's callback stands after its latest attempt, for staff."""
    return call.progress(now, customer=False)


@register.filter
def retry_overdue(call, now) -> bool:
    """The next callback attempt of a call nobody reached yet is past due at `now`."""
    return call.next_attempt_due_at is not None and call.next_attempt_due_at < now
