"""A list by date (the admin's `date_hierarchy`) that refuses an impossible year in its
query string like any other bad filter, instead of failing: Django lets a year too large
for a date (OverflowError) or the year 9999 (whose next year does not exist) through."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class DatedChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class DatedListAdmin:
    """For a ModelAdmin with a `date_hierarchy` (the admin site adds it to each)."""

    def get_changelist(self, request, **kwargs):
        return DatedChangeList
