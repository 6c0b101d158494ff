"""Customer pages of support cases: thin views over the access helper, a form and
one service call."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import customer_required
from core.downloads import private_file_response

from . import classification, deadlines, incident_selectors, selectors, services
from .access import attachment_for_customer, case_for_customer, cases_visible_to, may_rate
from .forms import (
    CaseForm,
    CaseSearchForm,
    CustomerIntervalForm,
    EscalateForm,
    RatingForm,
    RejectForm,
    ReplyForm,
)
from .models import Channel, ResolutionAgreement, Status
from .search import NO_SEARCH


def _page_number(request, name: str) -> int:
    number = request.GET.get(name, "")
    # ASCII digits only: "²" is a digit to str.isdigit, and no number to int().
    return int(number) if number.isascii() and number.isdigit() and len(number) < 7 else 1


@customer_required
def case_list(request):
    now = timezone.now()
    form = CaseSearchForm(request.GET if _searching(request) else None)
    context = {"form": form, "now": now, "search": None, "search_params": ""}
    if form.is_bound and not form.is_valid():
        # Which field is wrong and why, above an empty list rather than a wrong one.
        return render(request, "cases/case_list.html", context)
    search = form.search(timezone.get_current_timezone()) if form.is_bound else NO_SEARCH
    if search != NO_SEARCH:
        context["search"] = search
        kept = {name: form.data[name] for name in form.fields if form.data.get(name)}
        context["search_params"] = urlencode(kept) + "&"
    if search.shows_open():
        opened = selectors.open_cases_page(
            request.account, page=_page_number(request, "open"), search=search
        )
        context.update(open_cases=opened.cases, open_page=opened)
    if search.shows_closed():
        closed = selectors.closed_cases_page(
            request.account, page=_page_number(request, "page"), search=search
        )
        context.update(closed_cases=closed.cases, closed_page=closed)
    return render(request, "cases/case_list.html", context)


def _searching(request) -> bool:
    return any(request.GET.get(name) for name in CaseSearchForm.base_fields)


@customer_required
def case_new(request):
    now = timezone.now()
    form = CaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        case = services.case_open(
            account=request.account,
            requester=request.user,
            subject=form.cleaned_data["subject"],
            description=form.cleaned_data["description"],
            attachments=form.cleaned_data["attachments"],
            channel=Channel.PORTAL,
            **form.answers(),
        )
        messages.success(request, _("Case %(reference)s is filed.") % {"reference": case.reference})
        return redirect("cases:detail", reference=case.reference)
    opening = selectors.next_opening(request.account, now)
    return render(
        request,
        "cases/case_new.html",
        {
            "form": form,
            "scope_note": getattr(form, "scope_note", None),
            "next_opening": opening,
            "office_open_now": opening is not None and opening <= now,
            "known_incidents": incident_selectors.incidents_affecting(request.account),
            "scope_notes": [
                (key, note) for key, (_label, note) in classification.EXCLUDED_REQUESTS.items()
            ],
        },
    )


def _detail_context(request, case, **forms):
    now = timezone.now()
    contents = selectors.case_contents(case, request.user)
    pending = None
    agreements = selectors.agreements(case) if contents.has_agreements else []
    for agreement in agreements:
        if agreement.outcome == ResolutionAgreement.Outcome.PENDING:
            pending = agreement
    attachments = selectors.case_attachments(case) if contents.has_attachments else []
    proposal = None
    if contents.pending_interval_proposal_id and case.is_open:
        proposal = selectors.pending_interval_proposal(case)
    hotline_calls = selectors.hotline_calls(case) if contents.has_hotline_calls else []
    rating = selectors.rating(case) if contents.rating_id else None
    following = case.requester_id == request.user.pk or contents.followed_by_user
    # Whom the service lets rate, from the rows the page read already.
    rater = may_rate(
        request.user,
        case,
        _accepted(agreements),
        following=contents.followed_by_user,
    )
    return {
        "case": case,
        # Called by the template only when its cached rendering is out of date.
        "timeline": lambda: selectors.customer_timeline(case, attachments),
        "timeline_version": contents.timeline_version,
        "attachments": attachments,
        "agreements": agreements,
        "pending_agreement": pending,
        "verdict": selectors.first_response_verdict(case, now),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "escalate_form": forms.get("escalate_form") or EscalateForm(),
        "interval_form": forms.get("interval_form")
        or CustomerIntervalForm(initial={"minutes": case.agreed_update_interval}),
        "interval_proposal": proposal,
        "hotline_calls": hotline_calls,
        "rating": rating,
        "rating_form": _rating_form(request, case, rating, now, forms.get("rating_form"))
        if rater
        else None,
        # The promises the page tells the truth about: our callback, and what the case
        # waits for (missed, when its moment passed).
        "callback": deadlines.callback_promise(hotline_calls, now),
        "promise": deadlines.for_customer(case, now, with_callback=False),
        "following": following,
        "escalate_again_at": _escalate_again_at(case, now),
        "reopen_window_days": settings.CASES_REOPEN_WINDOW_DAYS,
        "now": now,
        "Status": Status,
    }


def _accepted(agreements):
    """The accepted proposal a rating is about (as `services.rated_agreement` picks it)."""
    accepted = [a for a in agreements if a.outcome == ResolutionAgreement.Outcome.ACCEPTED]
    return max(accepted, key=lambda a: (a.decided_at, a.pk), default=None)


def _rating_form(request, case, rating, now, bound):
    """The form to rate the resolution, or to change one's own rating while it may be
    changed; None when the reader cannot. A link from the resolution's mail chooses the
    score (?rate=4): the page shows it chosen, only a POST rates."""
    if bound is not None:
        return bound
    if rating is None and not case.resolved_by_agreement:
        return None
    if rating is not None and (
        rating.rated_by_id != request.user.pk or now > rating.changeable_until
    ):
        return None
    initial = {"score": rating.score, "comment": rating.comment} if rating else {}
    chosen = RatingForm.score_from_link(request.GET.get("rate"))
    if chosen is not None:
        initial["score"] = chosen
    return RatingForm(initial=initial)


def _escalate_again_at(case, now):
    """When the escalate form shows again (the service decides from the events on record;
    the case's last escalation time tells the page without a query)."""
    if case.escalated_at is None:
        return None
    again = case.escalated_at + timedelta(hours=settings.CASES_ESCALATION_INTERVAL_HOURS)
    return again if again > now else None


@customer_required
def case_detail(request, reference):
    case = case_for_customer(request.user, reference, account=request.account)
    # A duplicate's address leads to the case it was merged into (of the same account).
    original = (
        cases_visible_to(request.account).filter(pk=case.duplicate_of_id).only("reference").first()
        if case.duplicate_of_id
        else None
    )
    if original is not None:
        return redirect("cases:detail", reference=original.reference)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


def _act(request, case, form_name, form, action):
    """Run a service for a valid form and show the case again (or the case the action
    returns); on a refusal or a bad form, show the page again."""
    status = 400
    if form.is_valid():
        try:
            shown = action(form.cleaned_data) or case
        except services.CaseError as error:
            messages.error(request, error.message)
            status = error.status
        else:
            return redirect("cases:detail", reference=shown.reference)
    return render(
        request,
        "cases/case_detail.html",
        _detail_context(request, case, **{form_name: form}),
        status=status,
    )


@require_POST
@customer_required
def case_reply(request, reference):
    case = case_for_customer(request.user, reference, account=request.account)
    form = ReplyForm(request.POST, request.FILES)

    def action(data):
        message = services.case_customer_reply(
            case=case, author=request.user, body=data["body"], attachments=data["attachments"]
        )
        if message.case_id == case.duplicate_of_id:
            messages.success(
                request,
                _("Case %(old)s is merged into case %(new)s: your reply is added there.")
                % {"old": case.reference, "new": message.case.reference},
            )
            return message.case
        if message.case_id != case.pk:
            messages.success(
                request,
                _(
                    "Case %(old)s was resolved too long ago to reopen: your reply opened "
                    "case %(new)s."
                )
                % {"old": case.reference, "new": message.case.reference},
            )
            return message.case
        if not case.is_open:
            messages.success(request, _("Your reply reopened the case."))
        else:
            messages.success(request, _("Your reply is added to the case."))
        return None

    return _act(request, case, "reply_form", form, action)


def _answering(request) -> int:
    """The proposal the customer's page showed; 0 (never a proposal) when missing."""
    value = request.POST.get("answering", "")
    # ASCII digits only ("²" is a digit to str.isdigit), and short enough for int().
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


@require_POST
@customer_required
def case_accept(request, reference):
    case = case_for_customer(request.user, reference, account=request.account)
    try:
        services.case_accept_resolution(
            case=case, customer=request.user, answering=_answering(request)
        )
    except services.CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: the case is resolved by mutual agreement."))
    return redirect("cases:detail", reference=case.reference)


@require_POST
@customer_required
def case_reject(request, reference):
    case = case_for_customer(request.user, reference, account=request.account)
    form = RejectForm(request.POST)

    def action(data):
        services.case_reject_resolution(
            case=case, customer=request.user, reason=data["reason"], answering=_answering(request)
        )
        messages.success(request, _("We keep working on the case."))

    return _act(request, case, "reject_form", form, action)


@require_POST
@customer_required
def case_rate(request, reference):
    case = case_for_customer(request.user, reference, account=request.account)
    form = RatingForm(request.POST)

    def action(data):
        services.case_rate_resolution(
            case=case, customer=request.user, score=data["score"], comment=data["comment"]
        )
        messages.success(request, _("Thank you: your rating of the resolution is on record."))

    return _act(request, case, "rating_form", form, action)


@require_POST
@customer_required
def case_escalate(request, reference):
    case = case_for_customer(request.user, reference, account=request.account)
    form = EscalateForm(request.POST)

    def action(data):
        services.case_escalate(case=case, customer=request.user, reason=data["reason"])
        messages.success(
            request,
            _("%(tam)s, your Technical Account Manager, is told about the case.")
            % {"tam": case.account.tam},
        )

    return _act(request, case, "escalate_form", form, action)


@require_POST
@customer_required
def case_interval(request, reference):
    case = case_for_customer(request.user, reference, account=request.account)
    form = CustomerIntervalForm(request.POST)

    def action(data):
        services.case_propose_update_interval(
            case=case, minutes=data["minutes"], actor=request.user
        )
        messages.success(
            request,
            _("Your proposal is on record: the new interval applies once we accept it."),
        )

    return _act(request, case, "interval_form", form, action)


@require_POST
@customer_required
def case_interval_answer(request, reference, answer):
    """The customer accepts or declines the update interval staff proposed."""
    case = case_for_customer(request.user, reference, account=request.account)
    answer_service = {
        "accept": services.case_accept_update_interval,
        "decline": services.case_decline_update_interval,
    }[answer]
    try:
        answer_service(case=case, actor=request.user, answering=_answering(request))
    except services.CaseError as error:
        messages.error(request, error.message)
    else:
        if answer == "accept":
            messages.success(request, _("The new update interval is agreed."))
        else:
            messages.success(request, _("You declined the proposed update interval."))
    return redirect("cases:detail", reference=case.reference)


@require_POST
@customer_required
def case_follow(request, reference):
    case = case_for_customer(request.user, reference, account=request.account)
    follow = request.POST.get("follow") == "1"
    services.case_set_following(case=case, user=request.user, follow=follow)
    if follow:
        messages.success(request, _("You get the mail about this case."))
    else:
        messages.success(request, _("You no longer get the mail about this case."))
    return redirect("cases:detail", reference=case.reference)


@customer_required
def attachment_download(request, reference, attachment_id):
    _case, attachment = attachment_for_customer(
        request.user, reference, attachment_id, account=request.account
    )
    return attachment_response(attachment)


def attachment_response(attachment):
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
