"""Reads of webhooks shared by the customer pages and the admin."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Account

from .models import Delivery, Endpoint

# The delivery log shows the latest; older ones stay for staff in the admin.
LOG_LENGTH = 50


def endpoints_of(account: Account) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(account=account).order_by("created_at", "pk")


def endpoint_of(account: Account, pk: int) -> Endpoint:
    """The account's endpoint; 404 for another account's, exactly as for none."""
    return get_object_or_404(Endpoint.objects.select_related("account"), pk=pk, account=account)


def delivery_of(account: Account, endpoint_pk: int, pk: int) -> Delivery:
    return get_object_or_404(
        Delivery.objects.select_related("endpoint__account"),
        pk=pk,
        endpoint_id=endpoint_pk,
        endpoint__account=account,
    )


def delivery_log(endpoint: Endpoint) -> list[Delivery]:
    return list(
        Delivery.objects.filter(endpoint=endpoint)
        .defer("body")
        .order_by("-created_at", "-pk")[:LOG_LENGTH]
    )
