"""API tokens in the admin: Support Managers make staff tokens for the vendor's own
integrations (the secret shown once); whoever may revoke a token (api/staff_access.py)
revokes it. Nothing else about a token is ever edited."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User

from . import services, staff_access
from .forms import TokenForm
from .models import STAFF_SCOPES, ApiToken


class StaffTokenForm(forms.ModelForm):
    expires = TokenForm.base_fields["expires"]

    class Meta:
        model = ApiToken
        fields = ["owner", "name"]
        help_texts = {
            "owner": _("The staff login the integration acts as, with its role's reading."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A superuser's token would read with every right there is: integrations act as
        # a staff login with a role.
        self.fields["owner"].queryset = User.objects.filter(
            is_staff=True, is_active=True, is_superuser=False
        )

    expires_at = TokenForm.expires_at

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        try:
            services.refuse_over_limit(owner)
        except services.TokenError as error:
            raise forms.ValidationError(error.message) from None
        return owner


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "shown", "owner", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["owner"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "owner__is_staff"]
    search_fields = ["name", "prefix", "owner__email"]
    readonly_fields = [
        "owner",
        "name",
        "scopes",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    exclude = ["token_hash"]
    actions = ["revoke"]

    def get_queryset(self, request):
        return staff_access.tokens_in_scope(request.user).select_related("owner")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("api.view_apitoken")

    def has_add_permission(self, request):
        return staff_access.may_add_staff_token(request.user)

    def has_change_permission(self, request, obj=None):
        # The change page only shows the token; revoking is the action.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffTokenForm
            kwargs["fields"] = ["owner", "name", "expires"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_exclude(self, request, obj=None):
        return self.exclude if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change or not staff_access.may_add_staff_token(request.user):
            raise PermissionDenied
        token, secret = services.api_token_create(
            owner=form.cleaned_data["owner"],
            name=form.cleaned_data["name"],
            scopes=list(STAFF_SCOPES),
            expires_at=form.expires_at(),
            actor=request.user,
        )
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
        obj._state.adding = False
        obj.new_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        # Shown on this answer only: the secret is kept nowhere, not even in a message.
        return TemplateResponse(
            request,
            "admin/api/apitoken/created.html",
            {
                **self.admin_site.each_context(request),
                "token": obj,
                "secret": obj.new_secret,
                "opts": self.opts,
                "title": _("API token made"),
            },
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        tokens = list(queryset.select_related("owner__contact__account", "account"))
        # All or nothing: a selection holding a token the reader may not revoke is refused.
        if not all(staff_access.may_revoke_token(request.user, t) for t in tokens):
            raise PermissionDenied
        count = 0
        for token in tokens:
            count += services.api_token_revoke(token=token, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not staff_access.may_revoke_token(request.user):
            actions.pop("revoke", None)
        return actions
