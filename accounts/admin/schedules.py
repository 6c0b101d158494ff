"""Office hours calendars and on-call shifts in the admin, and the admin site's titles."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..admin_autocomplete import AutocompleteAdmin
from ..models import (
    Holiday,
    OfficeHoursCalendar,
    OfficeHoursChange,
    OnCallShift,
    OpeningRange,
)


class OpeningRangeInline(admin.TabularInline):
    model = OpeningRange
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


class OfficeHoursChangeInline(admin.StackedInline):
    model = OfficeHoursChange
    extra = 0
    fields = [("kind", "starts_on", "ends_on"), ("opens", "closes"), "note", "note_nl"]


@admin.register(OfficeHoursCalendar)
class OfficeHoursCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "account_count"]
    search_fields = ["name"]
    inlines = [OpeningRangeInline, HolidayInline, OfficeHoursChangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(account_total=Count("accounts"))

    @admin.display(description=_("accounts"), ordering="account_total")
    def account_count(self, obj):
        return obj.account_total


admin.site.site_header = _("Email Enterprise Support: staff")
admin.site.site_title = _("Support staff")
admin.site.index_title = _("Workplace")


class CurrentShiftFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("now", _("On call now")), ("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "now":
            return queryset.filter(starts_at__lte=now, ends_at__gt=now)
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(OnCallShift)
class OnCallShiftAdmin(AutocompleteAdmin, admin.ModelAdmin):
    list_display = ["agent", "starts_at", "ends_at", "note"]
    list_filter = [CurrentShiftFilter, "agent"]
    list_select_related = ["agent"]
    autocomplete_fields = ["agent"]
    date_hierarchy = "starts_at"
    search_fields = ["agent__full_name", "agent__email", "note"]
