"""The admin's autocomplete fields, showing again only the ids their column can hold.

Django's widget looks up the posted ids to show them again when a form is refused; an
id that is no whole number of the column ("1.5", a number past 64 bits), which only a
hand-made request sends, failed that lookup and the page with it."""

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError


def _holds(field, value) -> bool:
    try:
        field.target_field.clean(value, None)
    except ValidationError:
        return False
    return True


class AutocompleteSelect(widgets.AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if _holds(self.field, v)], attr)


class AutocompleteAdmin:
    """Mixed into a ModelAdmin or an inline with `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
