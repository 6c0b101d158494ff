"""The blocklist endpoints: the account's sending IPs and domains on each list now, and
one asset's history, read by the selectors of the blocklist pages. An asset is reached
through the portal's access rule (deliverability/access.py)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from deliverability import access
from deliverability.blocklists import selectors

from ..models import Scope
from ..permissions import HasScope
from ..serializers import blocklists as s
from .base import ApiView
from .cases import account_of
from .responses import READ_ERRORS

ASSET_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


class DeliverabilityReadView(ApiView):
    """Reads of deliverability: a token with the deliverability or the read scope."""

    permission_classes = [HasScope]
    scopes = {"read": (Scope.DELIVERABILITY, Scope.READ), "write": Scope.DELIVERABILITY}


def _row(row, name_fields: dict) -> dict:
    lists = [s.listing(c.blocklist, c.state, c.applicable) for c in row.cells]
    return {
        "id": row.asset.pk,
        **name_fields,
        "listed_on": sum(1 for item in lists if item["state"] == "listed"),
        "lists": lists,
    }


class BlocklistStatusView(DeliverabilityReadView):
    @extend_schema(
        operation_id="blocklists_status",
        summary="Each sending IP and domain of the account on each blocklist now",
        responses={200: s.BlocklistStatusSerializer, **READ_ERRORS},
        tags=["deliverability"],
    )
    def get(self, request):
        matrix = selectors.blocklist_matrix(account_of(request))
        body = {
            "last_checked_at": matrix.last_checked_at,
            "check_running": matrix.running is not None,
            "sending_ips": [
                _row(r, {"address": r.asset.address, "stream": r.asset.stream})
                for r in matrix.ip_rows
            ],
            "sending_domains": [
                _row(r, {"name": r.asset.name, "purpose": r.asset.purpose})
                for r in matrix.domain_rows
            ],
        }
        return Response(s.BlocklistStatusSerializer(body).data)


class AssetHistoryView(DeliverabilityReadView):
    kind = ""
    missing = ""

    def find(self, user, pk):
        raise NotImplementedError

    def get(self, request, pk):
        account_of(request)
        try:
            asset = self.find(request.user, pk)
        except Http404:
            raise NotFound(str(self.missing)) from None
        query = s.HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = query.validated_data["days"]
        now = timezone.now()
        lanes, events = selectors.asset_history(asset, now=now, days=days)
        body = {
            "id": asset.pk,
            "kind": self.kind,
            "name": str(asset),
            "days": days,
            "lists": [
                {**s.listing(lane.blocklist, lane.state), "history": lane.segments}
                for lane in lanes
            ],
            "events": events,
            "not_run": selectors.asset_not_run(asset, now=now, days=days),
        }
        return Response(s.AssetHistorySerializer(body).data)


def _history_schema(operation_id: str, summary: str):
    return extend_schema_view(
        get=extend_schema(
            operation_id=operation_id,
            summary=summary,
            parameters=[ASSET_ID, s.HistoryQuerySerializer],
            responses={200: s.AssetHistorySerializer, **READ_ERRORS},
            tags=["deliverability"],
        )
    )


@_history_schema(
    "blocklists_ip_history", "A sending IP on each list now, its listing history and events"
)
class SendingIPHistoryView(AssetHistoryView):
    kind = "ip"
    missing = gettext_lazy("There is no such sending IP in your account.")
    find = staticmethod(access.sending_ip_for_customer)


@_history_schema(
    "blocklists_domain_history",
    "A sending domain on each list now, its listing history and events",
)
class SendingDomainHistoryView(AssetHistoryView):
    kind = "domain"
    missing = gettext_lazy("There is no such sending domain in your account.")
    find = staticmethod(access.sending_domain_for_customer)
