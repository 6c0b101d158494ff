import zoneinfo

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token

from accounts import office_hours, selectors
from accounts.access import customer_required
from cases import selectors as cases_selectors
from deliverability.blocklists import selectors as blocklist_selectors
from deliverability.programme import selectors as programme_selectors


@customer_required
def home(request):
    now = timezone.now()
    account = selectors.account_for_home(request.account.pk, today=now.date())
    availability = selectors.availability(account.office_hours, now=now, days=8)
    viewer_tz = zoneinfo.ZoneInfo(request.user.time_zone)
    today = now.astimezone(viewer_tz).date()
    return render(
        request,
        "portal/home.html",
        {
            "account": account,
            "tam": account.tam,
            "availability": availability,
            "hours_by_day": office_hours.by_local_day(
                availability.coming_days, viewer_tz, today, 7
            ),
            "today": today,
            "now": now,
            "viewer_time_zone": request.user.time_zone,
            "cases": cases_selectors.cases_for_home(account),
            "blocklists": blocklist_selectors.blocklist_summary(account),
            "warmup": programme_selectors.warmup_summary(account, today),
            "sla": cases_selectors.sla_attainment_this_month(account, now, viewer_tz),
        },
    )


@requires_csrf_token
def server_error(request):
    """The branded 500 page. Rendered without the request (no context processors, no
    signed-in user): whatever failed, the database included, cannot fail it again."""
    html = loader.get_template("500.html").render(
        {
            "hotline": settings.SEVERITY1_HOTLINE,
            "hotline_dial": settings.SEVERITY1_HOTLINE.replace(" ", ""),
            "support_email": settings.SUPPORT_EMAIL_ADDRESS,
        }
    )
    return HttpResponseServerError(html)
