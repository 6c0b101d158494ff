"""Customer pages of blocklist monitoring: thin views over selectors and services."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import customer_required
from core import dates

from .. import access
from . import assets, selectors, services
from .forms import SendingDomainForm


@customer_required
def home(request):
    matrix = selectors.blocklist_matrix(request.account)
    return render(
        request,
        "deliverability/home.html",
        {
            "matrix": matrix,
            "account": request.account,
            "next_check_at": None if matrix.running else matrix.next_check_at(timezone.now()),
        },
    )


@customer_required
def sending_ip_detail(request, pk):
    ip = access.sending_ip_for_customer(request.user, pk)
    return _asset_detail(request, ip)


@customer_required
def sending_domain_detail(request, pk):
    domain = access.sending_domain_for_customer(request.user, pk)
    return _asset_detail(request, domain)


def _asset_detail(request, asset):
    lanes, events = selectors.asset_history(asset)
    return render(
        request,
        "deliverability/asset_detail.html",
        {
            "asset": asset,
            "lanes": lanes,
            "events": events,
            "not_run": selectors.asset_not_run(asset),
        },
    )


@customer_required
def sending_domain_add(request):
    form = SendingDomainForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        try:
            domain = assets.sending_domain_add(
                account=request.account,
                name=form.cleaned_data["name"],
                purpose=form.cleaned_data["purpose"],
                added_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(domain)s is now monitored; it is checked with the next run.")
                % {"domain": domain.name},
            )
            return redirect("deliverability:home")
    cap = assets.domain_cap()
    at_cap = selectors.domain_count(request.account) >= cap
    return render(
        request,
        "deliverability/domain_form.html",
        {"form": form, "cap_sentence": assets.domain_cap_sentence(cap) if at_cap else None},
    )


@require_POST
@customer_required
def check_now(request):
    try:
        run = services.run_start_for_customer(account=request.account, requested_by=request.user)
    except services.CheckTooSoon as too_soon:
        messages.error(request, check_again_sentence(too_soon.again_at))
        return redirect(_home_url())
    return redirect(f"{_home_url()}?run={run.pk}")


def check_again_sentence(again_at) -> str:
    return _(
        "Your sending IPs and domains were checked less than %(minutes)d minutes ago; "
        "the next check can start at %(when)s."
    ) % {
        "minutes": settings.BLOCKLIST_CHECK_NOW_COOLOFF_MINUTES,
        "when": dates.date_format(timezone.localtime(again_at), "j M Y H:i T"),
    }


@customer_required
def check_progress(request, pk):
    run = access.check_run_for_customer(request.user, pk)
    return JsonResponse(
        {
            "status": run.status,
            "percent": run.progress_percent,
            "chunks_done": run.chunks_done,
            "chunks_total": run.chunks_total,
        }
    )


def _home_url():
    from django.urls import reverse

    return reverse("deliverability:home")
