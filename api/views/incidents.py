"""The incident endpoints: the platform incidents affecting the caller's account, once
staff published them (cases/incident_selectors.py), in the caller's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from cases import incident_selectors
from cases.models.incident import INCIDENT_PREFIX

from ..serializers import incidents as s
from .base import ApiView
from .cases import account_of
from .responses import READ_ERRORS


class IncidentPagination(CursorPagination):
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-started_at", "-id")


class IncidentListView(ApiView):
    @extend_schema(
        operation_id="incidents_list",
        summary="Platform incidents affecting the account, newest first",
        parameters=[s.IncidentListQuerySerializer],
        responses={200: s.IncidentSerializer(many=True), 400: READ_ERRORS[401], **READ_ERRORS},
        tags=["incidents"],
    )
    def get(self, request):
        incidents = incident_selectors.published_incidents_affecting(account_of(request))
        query = s.IncidentListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if status := query.validated_data.get("status"):
            incidents = incidents.filter(status=status)
        paginator = IncidentPagination()
        page = paginator.paginate_queryset(incidents, request, view=self)
        return paginator.get_paginated_response(s.IncidentSerializer(page, many=True).data)


def incident_pk(reference: str) -> int:
    """INC-00012 -> 12; anything else is no incident."""
    number = reference.upper().removeprefix(INCIDENT_PREFIX)
    if not (number.isascii() and number.isdigit()) or len(number) > 12:
        raise exceptions.NotFound(_("There is no such incident."))
    return int(number)


class IncidentDetailView(ApiView):
    @extend_schema(
        operation_id="incidents_get",
        summary="One platform incident affecting the account, with its updates",
        parameters=[
            OpenApiParameter("reference", str, OpenApiParameter.PATH, description="INC-00012")
        ],
        responses={200: s.IncidentSerializer, **READ_ERRORS},
        tags=["incidents"],
    )
    def get(self, request, reference):
        incidents = incident_selectors.published_incidents_affecting(account_of(request))
        incident = incidents.filter(pk=incident_pk(reference)).first()
        if incident is None:
            # A draft, a dismissed one, another region's: as if there were none.
            raise exceptions.NotFound(_("There is no such incident."))
        return Response(s.IncidentSerializer(incident).data)
