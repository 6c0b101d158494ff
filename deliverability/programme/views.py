"""Customer pages of the TAM's programme: plans, remediation, bounce diagnosis, guidance,
trends notes and planning sessions. Thin: access helper, form, one service call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.access import customer_account, customer_required
from core.text_limits import TEXT_MAX_LENGTH

from .. import access
from ..blocklists.reasons import reason_labels
from . import bounces, guidance_library, selectors, services, warmup
from .forms import CHECKLIST_LABELS, BounceDiagnosisForm, RemediationRequestForm
from .texts import (
    ADVICE,
    ADVICE_SHORT,
    BOUNCE_ADVICE,
    BOUNCE_KINDS,
    FLAGS,
    PLAN_ERRORS,
    moment,
)


def _signed_in_reader(view):
    """Pages for customers and staff alike (bounce diagnosis, guidance)."""

    @login_required
    def wrapper(request, *args, **kwargs):
        request.account = customer_account(request.user)
        if request.account is None and not request.user.is_staff:
            return render(request, "accounts/no_account.html", status=403)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _plan_error(error):
    if error is None:
        return None
    sentence = PLAN_ERRORS.get(error.code, str(error))
    if error.phase:
        return _("Phase %(number)s: %(sentence)s") % {"number": error.phase, "sentence": sentence}
    return sentence


@customer_required
def plan_list(request):
    plans = selectors.plans_for_account(request.account)
    return render(request, "deliverability/plan_list.html", {"plans": plans})


def _flagged_days(flagged):
    """Flagged days of a warm-up plan in the reader's words."""
    return [
        {
            "date": f.date,
            "advice": ADVICE[f.advice],
            "advice_short": ADVICE_SHORT[f.advice],
            "advice_code": f.advice,
            "reasons": [
                (warmup.Provider.LABELS[e.provider], [FLAGS[code] for code in e.flags])
                for e in f.evaluations
            ],
        }
        for f in flagged
    ]


@customer_required
def plan_detail(request, pk):
    plan = access.warmup_plan_for_customer(request.user, pk)
    progress = selectors.plan_progress(plan)
    flagged = _flagged_days(progress.flagged)
    return render(
        request,
        "deliverability/plan_detail.html",
        {
            "plan": plan,
            "progress": progress,
            "flagged": flagged,
            "plan_error": _plan_error(progress.error),
            "migration_error": _plan_error(progress.migration_error),
        },
    )


@customer_required
def remediation_list(request):
    requests_ = selectors.remediation_requests_for_account(request.account)
    return render(request, "deliverability/remediation_list.html", {"requests": requests_})


def _prefill(request):
    """Initial values from a blocklist listing (?listing=) or a diagnosed bounce (GET fields)."""
    initial, listing = {}, None
    if request.GET.get("listing"):
        try:
            listing = access.listing_for_customer(request.user, int(request.GET["listing"]))
        except ValueError:
            raise Http404 from None
        if listing.sending_ip:
            initial["affected_ips"] = listing.sending_ip.address
        else:
            initial["from_domain"] = listing.sending_domain.name
        initial["bounce_text"] = _("Listed on %(list)s since %(since)s. %(reasons)s") % {
            "list": listing.blocklist.name,
            "since": moment(listing.since) if listing.since else "?",
            "reasons": reason_labels(listing.reasons),
        }
        if listing.since:
            initial["first_seen"] = timezone.localdate(listing.since)
    for name in ("provider", "affected_ips", "from_domain", "bounce_text"):
        if request.GET.get(name):
            initial[name] = request.GET[name][:TEXT_MAX_LENGTH]
    if request.GET.get("bounce_text"):
        initial["bounce_text"] = f"{moment(timezone.now())} {initial['bounce_text']}"
        initial["first_seen"] = timezone.localdate()
    initial.update(selectors.remediation_defaults(request.account, initial))
    return initial, listing


def _known_rule(rule_id: str) -> str:
    """A bounce rule id from the page, kept only when it names a rule of the table."""
    return rule_id if rule_id in {rule.id for rule in bounces.load_rules()} else ""


@customer_required
def remediation_new(request):
    initial, listing = _prefill(request)
    evidence = selectors.checklist_evidence(request.account)
    for name in ("warmup_followed", "complaint_rate_ok"):
        if getattr(evidence, name) is not None:
            initial[name] = getattr(evidence, name)
    bounce_rule = _known_rule(request.GET.get("rule", ""))
    form = RemediationRequestForm(request.POST or None, initial=initial, listing=listing)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if listing is None:
            fields["provider_label"] = dict(form.fields["provider"].choices)[fields["provider"]]
        else:
            fields.update(provider="", provider_label=listing.blocklist.name)
        try:
            remediation = services.remediation_open(
                account=request.account,
                requester=request.user,
                fields=fields,
                listing=listing,
                bounce_rule=_known_rule(request.POST.get("rule", "")),
            )
        except services.RemediationRefused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Your remediation request is filed as support case %(ref)s.")
                % {"ref": remediation.case.reference},
            )
            return redirect("deliverability:remediation", pk=remediation.pk)
    listings = selectors.listed_states_for_account(request.account)
    return render(
        request,
        "deliverability/remediation_form.html",
        {
            "form": form,
            "listing": listing,
            "listings": listings,
            "evidence": evidence,
            "evidence_plans": [
                {"plan": e.plan, "flagged": _flagged_days(e.flagged)} for e in evidence.plans
            ],
            "checklist": list(CHECKLIST_LABELS),
            "rule": bounce_rule,
        },
    )


@customer_required
def remediation_detail(request, pk):
    remediation = access.remediation_request_for_customer(request.user, pk)
    steps = selectors.remediation_steps(remediation)
    return render(
        request,
        "deliverability/remediation_detail.html",
        {"remediation": remediation, "steps": steps},
    )


@_signed_in_reader
def bounce_diagnosis(request):
    form = BounceDiagnosisForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        language = get_language()
        results = []
        for diagnosis in bounces.classify(form.cleaned_data["text"]):
            article = None
            if diagnosis.guidance:
                try:
                    article = guidance_library.get_article(diagnosis.guidance, language)
                except guidance_library.ArticleNotFound:
                    article = None
            results.append(
                {
                    "d": diagnosis,
                    "provider_label": bounces.Provider.LABELS.get(diagnosis.provider, ""),
                    "kind_label": BOUNCE_KINDS[diagnosis.kind],
                    "advice": BOUNCE_ADVICE[diagnosis.kind],
                    "article": article,
                }
            )
    return render(
        request,
        "deliverability/bounce_diagnosis.html",
        {"form": form, "results": results, "is_customer": request.account is not None},
    )


@_signed_in_reader
def guidance_list(request):
    articles = guidance_library.list_articles(get_language())
    return render(request, "deliverability/guidance_list.html", {"articles": articles})


@_signed_in_reader
def guidance_article(request, slug):
    try:
        article = guidance_library.get_article(slug, get_language())
    except guidance_library.ArticleNotFound:
        raise Http404 from None
    return render(request, "deliverability/guidance_article.html", {"article": article})


@customer_required
def programme_home(request):
    return render(
        request,
        "deliverability/programme_home.html",
        {
            "notes": selectors.trend_notes_for_account(request.account),
            "sessions": selectors.planning_sessions_for_account(request.account),
        },
    )


@customer_required
def planning_session_detail(request, pk):
    session = access.planning_session_for_customer(request.user, pk)
    return render(
        request,
        "deliverability/planning_session.html",
        {"session": session, "steps": list(session.next_steps.order_by("due_on", "pk"))},
    )
