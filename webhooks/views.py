"""The primary contact's webhook pages: register endpoints, choose their events, pause,
resume, rotate the signing secret, send a test event, read the delivery log and
redeliver. Another account's endpoint or delivery is a 404, as one that does not exist."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import primary_contact_required

from . import selectors, services
from .forms import EndpointForm, EventTypesForm
from .models import MAX_ENDPOINTS_PER_ACCOUNT


def _secret_page(request, endpoint, secret: str, *, new: bool):
    """The secret, this once: the response is never cached, and the secret is not kept
    anywhere the page could show it again."""
    return render(
        request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret, "new": new}
    )


@primary_contact_required
def endpoint_list(request):
    endpoints = list(selectors.endpoints_of(request.account))
    return render(
        request,
        "webhooks/endpoint_list.html",
        {"endpoints": endpoints, "at_cap": len(endpoints) >= MAX_ENDPOINTS_PER_ACCOUNT},
    )


@never_cache
@primary_contact_required
def endpoint_new(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_register(
                account=request.account, actor=request.user, **form.cleaned_data
            )
        except services.WebhookError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return _secret_page(request, endpoint, secret, new=True)
    return render(request, "webhooks/endpoint_new.html", {"form": form})


@primary_contact_required
def endpoint_detail(request, pk):
    endpoint = selectors.endpoint_of(request.account, pk)
    form = EventTypesForm(initial={"event_types": endpoint.event_types})
    return _detail(request, endpoint, form)


def _detail(request, endpoint, form, status=200):
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {"endpoint": endpoint, "form": form, "deliveries": selectors.delivery_log(endpoint)},
        status=status,
    )


@require_POST
@primary_contact_required
def endpoint_event_types(request, pk):
    endpoint = selectors.endpoint_of(request.account, pk)
    form = EventTypesForm(request.POST)
    if not form.is_valid():
        return _detail(request, endpoint, form, status=400)
    services.endpoint_change_event_types(
        endpoint=endpoint, actor=request.user, event_types=form.cleaned_data["event_types"]
    )
    messages.success(request, _("The event types are saved."))
    return redirect("webhooks:endpoint", pk)


def _act(request, pk, action, done: str):
    """One button of the endpoint's page: the service's action, then back to the page."""
    endpoint = selectors.endpoint_of(request.account, pk)
    try:
        action(endpoint=endpoint, actor=request.user)
    except services.WebhookError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("webhooks:endpoint", pk)


@require_POST
@primary_contact_required
def endpoint_pause(request, pk):
    done = _("The endpoint is paused: nothing is sent to it until you resume it.")
    return _act(request, pk, services.endpoint_pause, done)


@require_POST
@primary_contact_required
def endpoint_resume(request, pk):
    return _act(request, pk, services.endpoint_resume, _("The endpoint is active again."))


@require_POST
@primary_contact_required
def endpoint_test(request, pk):
    done = _("A test event is on its way; its delivery is in the log below.")
    return _act(request, pk, services.endpoint_send_test, done)


@never_cache
@require_POST
@primary_contact_required
def endpoint_rotate(request, pk):
    endpoint = selectors.endpoint_of(request.account, pk)
    endpoint, secret = services.endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
    return _secret_page(request, endpoint, secret, new=False)


@require_POST
@primary_contact_required
def endpoint_delete(request, pk):
    endpoint = selectors.endpoint_of(request.account, pk)
    services.endpoint_remove(endpoint=endpoint, actor=request.user)
    messages.success(request, _("The endpoint %(url)s is deleted.") % {"url": endpoint.url})
    return redirect("webhooks:list")


@require_POST
@primary_contact_required
def delivery_redeliver(request, pk, delivery_pk):
    delivery = selectors.delivery_of(request.account, pk, delivery_pk)
    try:
        services.delivery_redeliver(delivery=delivery, actor=request.user)
    except services.WebhookError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The event is sent again, as a new delivery."))
    return redirect("webhooks:endpoint", pk)
