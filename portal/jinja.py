"""The Jinja2 environment of the customer pages (settings.TEMPLATES, the Jinja2 engine).

Jinja2 renders a row of the case list in a fraction of what Django's template engine
needs, with the markup kept in the template. The page sees what a Django template would:
`url()`, `static()`, `csrf_input`, `_()`, `{% trans %}` with Django's catalogues, and
Django's own filters where the output must match (`date`, `time`, `filesizeformat`...).
The admin and the mails stay on Django templates.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from jinja2 import ChainableUndefined, Environment, Undefined
from markupsafe import Markup

from accounts.access import customer_account
from cases import deadlines, incident_selectors
from cases.models import ResolutionAgreement
from cases.rendering import render_markdown
from core.dates import localised_format
from core.numbers import percent
from deliverability.blocklists.reasons import reason_labels
from deliverability.templatetags.blocklist_chart import history_chart
from deliverability.templatetags.warmup_chart import warmup_chart


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value, arg=None):
    """Django's `date` filter, on the value in the current time zone as Django's engine
    gives it, with the language's abbreviated months (core.dates)."""
    if isinstance(value, Undefined) or value in (None, ""):
        return ""
    return defaultfilters.date(timezone.template_localtime(value), arg and localised_format(arg))


def time(value, arg=None):
    if isinstance(value, Undefined) or value in (None, ""):
        return ""
    return defaultfilters.time(timezone.template_localtime(value), arg)


def fragment_cache(timeout: int, name: str, *keys, caller):
    """`{% call fragment_cache(600, "name", key...) %}…{% endcall %}`: Django's `{% cache %}`,
    same keys, same cache."""
    cache = caches["template_fragments"]
    key = make_template_fragment_key(name, keys)
    html = cache.get(key)
    if html is None:
        html = caller()
        cache.set(key, str(html), timeout)
    return Markup(html)  # noqa: S704 - this template's own output, escaped when rendered


def incidents_for_reader(request) -> list:
    """The platform incidents affecting the signed-in customer's account, for the banner
    of every page: none for staff, anonymous readers and pages rendered without a request."""
    account = customer_account(request.user) if hasattr(request, "user") else None
    return incident_selectors.incidents_affecting(account) if account else []


def agreement_method(value) -> str:
    """The label of a ResolutionAgreement method as an event recorded it."""
    return ResolutionAgreement.Method(value).label if value else ""


def environment(**options) -> Environment:
    # Missing values and their attributes print nothing, as in Django's templates (the
    # error pages render without a request or a user).
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True, **options)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    env.globals.update(
        url=url,
        static=static,
        get_messages=get_messages,
        get_current_language=translation.get_language,
        fragment_cache=fragment_cache,
        case_next_deadline=deadlines.for_customer,
        incidents_for_reader=incidents_for_reader,
        incident_expected_resolution=incident_selectors.expected_resolution_at,
        history_chart=history_chart,
        warmup_chart=warmup_chart,
    )
    env.filters.update(
        date=date,
        time=time,
        capfirst=defaultfilters.capfirst,
        filesizeformat=defaultfilters.filesizeformat,
        floatformat=defaultfilters.floatformat,
        percent=percent,
        linebreaks=defaultfilters.linebreaks_filter,
        linebreaksbr=defaultfilters.linebreaksbr,
        truncatechars=defaultfilters.truncatechars,
        yesno=defaultfilters.yesno,
        case_markdown=render_markdown,
        agreement_method=agreement_method,
        listing_reasons=reason_labels,
        crispy=as_crispy_form,
        as_crispy_field=as_crispy_field,
    )
    return env
