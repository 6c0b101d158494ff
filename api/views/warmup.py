"""The warm-up endpoints: the account's plans, and the upload of a plan's daily actuals
with the same all-or-nothing validation as the CSV import (ActualsUploadForm, then
`actuals_import`): one bad row refuses the whole file, each row's errors named."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from deliverability import access
from deliverability.programme import selectors, services
from deliverability.programme.actuals_csv import MAX_CSV_BYTES
from deliverability.programme.forms import ActualsUploadForm
from deliverability.programme.texts import csv_sentence

from ..models import Scope
from ..permissions import CustomerOnly, HasScope
from ..problems import problem_response
from ..serializers import warmup as s
from .base import ApiView
from .blocklists import DeliverabilityReadView
from .cases import IDEMPOTENCY_KEY, account_of, form_invalid, valid
from .responses import READ_ERRORS, UPLOAD_ERRORS

PLAN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


class WarmupPlanListView(DeliverabilityReadView):
    @extend_schema(
        operation_id="warmup_plans_list",
        summary="The account's IP warm-up plans",
        responses={200: s.WarmupPlanSerializer(many=True), **READ_ERRORS},
        tags=["deliverability"],
    )
    def get(self, request):
        plans = selectors.plans_for_account(account_of(request))
        return Response(s.WarmupPlanSerializer(plans, many=True).data)


def rejected(errors) -> Response:
    """The refused rows as a validation problem: each row's field under `errors`
    ("line.3.sent", "line.4" for the row as a whole), and `rows` with the stable codes."""
    by_field: dict[str, list[str]] = {}
    rows = []
    for error in errors:
        sentence = csv_sentence(error)
        key = f"line.{error.line}.{error.field}" if error.field else f"line.{error.line}"
        by_field.setdefault(key, []).append(sentence)
        rows.append(
            {"line": error.line, "field": error.field, "reason": error.reason, "detail": sentence}
        )
    response = problem_response(
        400,
        _("Nothing was imported: correct the rows named in “errors” and upload the file again."),
        errors=by_field,
    )
    response.data["rows"] = rows
    return response


class TooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


class ActualsUploadView(ApiView):
    permission_classes = [HasScope, CustomerOnly]
    scopes = {"read": Scope.DELIVERABILITY, "write": Scope.DELIVERABILITY}

    def handle_exception(self, exc):
        if isinstance(exc, RequestDataTooBig):
            # Multipart text fields are capped before any form sees them: refused whole
            # with a sentence, as the form refuses rows over its own limit.
            exc = TooLarge(
                _(
                    "The rows are over the size limit: at most %(max)s KB can be imported "
                    "at once. Split them over several uploads."
                )
                % {"max": number_format(MAX_CSV_BYTES // 1024, force_grouping=True)}
            )
        return super().handle_exception(exc)

    @extend_schema(
        operation_id="warmup_actuals_upload",
        summary="Upload daily actuals of a warm-up plan as CSV: every row, or none",
        parameters=[PLAN_ID, IDEMPOTENCY_KEY],
        request={
            "multipart/form-data": s.ActualsUploadSerializer,
            "application/json": s.ActualsUploadSerializer,
        },
        responses={200: s.ActualsImportedSerializer, **UPLOAD_ERRORS},
        tags=["deliverability"],
    )
    def post(self, request, pk):
        def upload():
            try:
                plan = access.warmup_plan_for_customer(request.user, pk)
            except Http404:
                raise NotFound(_("There is no such warm-up plan in your account.")) from None
            given = valid(s.ActualsUploadSerializer, request).validated_data
            form = ActualsUploadForm(
                {"text": given.get("text", "")},
                {"file": given["file"]} if given.get("file") else {},
            )
            if not form.is_valid():
                raise form_invalid(form)
            try:
                count = services.actuals_import(plan=plan, text=form.cleaned_data["csv"])
            except services.ActualsRejected as exc:
                return rejected(exc.errors)
            return Response(s.ActualsImportedSerializer({"plan": plan.pk, "imported": count}).data)

        return self.idempotent(request, upload)
