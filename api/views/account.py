"""The account endpoint: its Technical Account Manager and whether the office hours are
open now, read as the customer home reads them (accounts/selectors.py)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from accounts import office_hours, selectors

from ..serializers import account as s
from .base import ApiView
from .cases import account_of
from .responses import READ_ERRORS

# The days of hours listed, from today in the caller's zone.
WEEK_DAYS = 7


class AccountView(ApiView):
    @extend_schema(
        operation_id="account_get",
        summary="The account's Technical Account Manager and office hours now",
        responses={200: s.AccountSerializer, **READ_ERRORS},
        tags=["account"],
    )
    def get(self, request):
        now = timezone.now()
        account = selectors.account_for_home(account_of(request).pk, today=now.date())
        # One day more than shown: in a zone ahead of the calendar's, its last day is ours.
        availability = selectors.availability(account.office_hours, now=now, days=WEEK_DAYS + 1)
        viewer_tz = timezone.get_current_timezone()
        week = office_hours.by_local_day(
            availability.coming_days, viewer_tz, now.astimezone(viewer_tz).date(), WEEK_DAYS
        )
        hours = SimpleNamespace(
            time_zone=account.office_hours.time_zone,
            open_now=availability.open_now,
            closes_at=availability.closes_at,
            next_opening=availability.next_opening,
            week=[
                {"date": day, "hours": [{"opens": a, "closes": b} for a, b in intervals]}
                for day, intervals in week
            ],
            changes=availability.changes,
        )
        return Response(
            s.AccountSerializer(
                SimpleNamespace(
                    name=account.name, technical_account_manager=account.tam, office_hours=hours
                )
            ).data
        )
