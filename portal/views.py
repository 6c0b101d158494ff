import zoneinfo

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token

from accounts import office_hours, selectors
from accounts.access import customer_required


@customer_required
def home(request):
    now = timezone.now()
    account = selectors.account_for_home(request.account.pk, today=now.date())
    availability = selectors.availability(account.office_hours, now=now, days=8)
    viewer_tz = zoneinfo.ZoneInfo(request.user.time_zone)
    return render(
        request,
        "portal/home.html",
        {
            "account": account,
            "tam": account.tam,
            "availability": availability,
            "hours_by_day": office_hours.by_local_day(
                availability.coming_days, viewer_tz, now.astimezone(viewer_tz).date(), 7
            ),
            "today": now.astimezone(viewer_tz).date(),
            "viewer_time_zone": request.user.time_zone,
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
