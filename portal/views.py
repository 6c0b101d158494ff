import zoneinfo

from django.shortcuts import render
from django.utils import timezone

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
