"""The admin of a record kept as it was written (an audit event, a sent mail, a probe's
result): listed and read by whoever may view it, added, changed and deleted by nobody."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
