"""The cases endpoints: the customer's case list and case page, filing, replying,
answering a proposed resolution and proposing an update interval. Each reaches the case
through the portal's access rule (cases/access.py), validates with the portal's form and
calls the portal's service."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from accounts.access import customer_account
from cases import selectors, services, staff_access
from cases.access import case_for_customer
from cases.forms import CaseForm, CaseSearchForm, CustomerIntervalForm, RejectForm, ReplyForm
from cases.models import Case, Channel, ResolutionAgreement

from ..pagination import CasePagination
from ..permissions import CustomerOnly, HasScope
from ..serializers import cases as s
from .base import ApiView

PROBLEM = OpenApiResponse(description="A problem (RFC 9457), application/problem+json.")
ERRORS = {
    400: PROBLEM,
    401: PROBLEM,
    403: PROBLEM,
    404: PROBLEM,
    409: PROBLEM,
    422: PROBLEM,
    429: PROBLEM,
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Retries with the same key within 24 hours get the first answer again.",
)
REFERENCE = OpenApiParameter("reference", str, OpenApiParameter.PATH, description="EE-000123")


def form_invalid(form) -> exceptions.ValidationError:
    """The portal form's sentences, per field, as the API's validation problem."""
    errors = {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }
    return exceptions.ValidationError(errors)


def account_of(request):
    """The caller's customer account (the portal's rule); staff tokens have none."""
    account = customer_account(request.user)
    if account is None:
        raise exceptions.PermissionDenied(_("This call is for a customer account's tokens."))
    return account


def files_of(request) -> MultiValueDict:
    return MultiValueDict({"attachments": request.FILES.getlist("attachments")})


def valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer


class CaseListView(ApiView):
    permission_classes = [HasScope]

    @extend_schema(
        operation_id="cases_list",
        summary="The account's cases, newest first",
        parameters=[s.CaseListQuerySerializer],
        responses={200: s.CaseSummarySerializer(many=True), **ERRORS},
        tags=["cases"],
    )
    def get(self, request):
        if request.user.is_staff:
            if not staff_access.may_read_case(request.user):
                raise exceptions.PermissionDenied(_("Your role does not read cases."))
            cases = None
        else:
            cases = account_of(request)
        form = CaseSearchForm(request.query_params)
        if not form.is_valid():
            raise form_invalid(form)
        search = form.search(timezone.get_current_timezone())
        if cases is None:
            cases = selectors.staff_cases_matching(search)
        else:
            cases = selectors.cases_matching(cases, search)
        paginator = CasePagination()
        page = paginator.paginate_queryset(cases, request, view=self)
        return paginator.get_paginated_response(s.CaseSummarySerializer(page, many=True).data)

    def get_permissions(self):
        if self.request.method == "POST":
            return [HasScope(), CustomerOnly()]
        return super().get_permissions()

    @extend_schema(
        operation_id="cases_file",
        summary="File a case, with the filing form's questions and rules",
        request={
            "application/json": s.CaseFilingSerializer,
            "multipart/form-data": s.CaseFilingSerializer,
        },
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.CaseSummarySerializer, **ERRORS},
        tags=["cases"],
    )
    def post(self, request):
        account = account_of(request)

        def file():
            serializer = valid(s.CaseFilingSerializer, request)
            form = CaseForm(serializer.form_data(), files_of(request))
            if not form.is_valid():
                raise form_invalid(form)
            case = services.case_open(
                account=account,
                requester=request.user,
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                attachments=form.cleaned_data["attachments"],
                channel=Channel.PORTAL,
                **form.answers(),
            )
            return Response(
                s.CaseSummarySerializer(case).data,
                status=status.HTTP_201_CREATED,
                headers={"Location": f"/api/v1/cases/{case.reference}/"},
            )

        return self.idempotent(request, file)


class CaseDetailView(ApiView):
    @extend_schema(
        operation_id="cases_get",
        summary="A case with its timeline, as its page shows it",
        parameters=[REFERENCE],
        responses={200: s.CaseDetailSerializer, **ERRORS},
        tags=["cases"],
    )
    def get(self, request, reference):
        if request.user.is_staff:
            return self.staff_get(request, reference)
        account = account_of(request)
        case = case_for_customer(request.user, reference, account=account)
        attachments = selectors.case_attachments(case)
        pending = next(
            (
                a
                for a in selectors.agreements(case)
                if a.outcome == ResolutionAgreement.Outcome.PENDING
            ),
            None,
        )
        case.filing_attachments = [a for a in attachments if a.message_id is None]
        case.pending_resolution = pending
        case.pending_interval = selectors.pending_interval_proposal(case) if case.is_open else None
        case.timeline = selectors.customer_timeline(case, attachments)
        return Response(s.CaseDetailSerializer(case).data)

    def staff_get(self, request, reference):
        """A staff token reads a case as its role reads it in the admin
        (cases/staff_access.py): internal notes and attachments only with their
        permissions."""
        user = request.user
        case = (
            Case.objects.select_related("account__tam", "requester", "assigned_agent")
            .filter(reference=reference)
            .first()
        )
        if case is None or not staff_access.may_read_case(user, case):
            raise Http404
        files = staff_access.may_read_attachments(user, case)
        case.filing_attachments = selectors.filing_attachments(case) if files else []
        case.pending_resolution = next(
            (
                a
                for a in selectors.agreements(case)
                if a.outcome == ResolutionAgreement.Outcome.PENDING
            ),
            None,
        )
        case.pending_interval = selectors.pending_interval_proposal(case) if case.is_open else None
        case.timeline = selectors.staff_timeline(
            case,
            internal_notes=staff_access.may_read_internal_notes(user, case),
            attachments=files,
        )
        return Response(s.CaseDetailSerializer(case, context={"staff": True}).data)


class CaseActionView(ApiView):
    """An action on one case, for the customer's own tokens with the write scope."""

    permission_classes = [HasScope, CustomerOnly]

    def case(self, request, reference):
        return case_for_customer(request.user, reference, account=account_of(request))


class CaseReplyView(CaseActionView):
    @extend_schema(
        operation_id="cases_reply",
        summary="Add information to a case, with attachments",
        parameters=[REFERENCE, IDEMPOTENCY_KEY],
        request={"application/json": s.ReplySerializer, "multipart/form-data": s.ReplySerializer},
        responses={201: s.MessageSerializer, **ERRORS},
        tags=["cases"],
    )
    def post(self, request, reference):
        def reply():
            case = self.case(request, reference)
            serializer = valid(s.ReplySerializer, request)
            form = ReplyForm({"body": serializer.validated_data["body"]}, files_of(request))
            if not form.is_valid():
                raise form_invalid(form)
            message = services.case_customer_reply(
                case=case,
                author=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
            return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)

        return self.idempotent(request, reply)


class ResolutionAcceptView(CaseActionView):
    @extend_schema(
        operation_id="cases_accept_resolution",
        summary="Agree to the proposed resolution: the case is resolved",
        parameters=[REFERENCE, IDEMPOTENCY_KEY],
        request=s.AnswerSerializer,
        responses={200: s.CaseSummarySerializer, **ERRORS},
        tags=["cases"],
    )
    def post(self, request, reference):
        def accept():
            case = self.case(request, reference)
            answer = valid(s.AnswerSerializer, request).validated_data
            agreement = services.case_accept_resolution(
                case=case, customer=request.user, answering=answer.get("answering")
            )
            return Response(s.CaseSummarySerializer(agreement.case).data)

        return self.idempotent(request, accept)


class ResolutionRejectView(CaseActionView):
    @extend_schema(
        operation_id="cases_reject_resolution",
        summary="Decline the proposed resolution, saying why: work goes on",
        parameters=[REFERENCE, IDEMPOTENCY_KEY],
        request=s.RejectSerializer,
        responses={200: s.CaseSummarySerializer, **ERRORS},
        tags=["cases"],
    )
    def post(self, request, reference):
        def reject():
            case = self.case(request, reference)
            answer = valid(s.RejectSerializer, request).validated_data
            form = RejectForm({"reason": answer["reason"]})
            if not form.is_valid():
                raise form_invalid(form)
            agreement = services.case_reject_resolution(
                case=case,
                customer=request.user,
                reason=form.cleaned_data["reason"],
                answering=answer.get("answering"),
            )
            return Response(s.CaseSummarySerializer(agreement.case).data)

        return self.idempotent(request, reject)


class UpdateIntervalView(CaseActionView):
    @extend_schema(
        operation_id="cases_propose_update_interval",
        summary="Propose how often a critical case is updated; staff accept or decline",
        parameters=[REFERENCE, IDEMPOTENCY_KEY],
        request=s.IntervalSerializer,
        responses={201: s.PendingIntervalSerializer, **ERRORS},
        tags=["cases"],
    )
    def post(self, request, reference):
        def propose():
            case = self.case(request, reference)
            data = valid(s.IntervalSerializer, request).validated_data
            form = CustomerIntervalForm({"minutes": data["minutes"]})
            if not form.is_valid():
                raise form_invalid(form)
            proposal = services.case_propose_update_interval(
                case=case, minutes=form.cleaned_data["minutes"], actor=request.user
            )
            return Response(
                s.PendingIntervalSerializer(proposal).data, status=status.HTTP_201_CREATED
            )

        return self.idempotent(request, propose)
