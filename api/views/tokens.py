"""The customer's API tokens page, linked from their profile: make, name, scope and
revoke tokens. A new token is shown once, on the answer to the form that made it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import customer_required

from .. import selectors, services
from ..forms import TokenForm


@customer_required
def token_list(request):
    form = TokenForm(request.POST or None)
    context = {"form": form, "new_secret": None}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, secret = services.api_token_create(
                    owner=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                    actor=request.user,
                )
            except services.TokenError as error:
                form.add_error(None, error.message)
            else:
                # Shown on this answer only: the secret is kept nowhere.
                context.update(new_secret=secret, new_token=token, form=TokenForm())
        if form.errors:
            status = 400
    context["tokens"] = selectors.tokens_of(request.user, request.account)
    return render(request, "api/tokens.html", context, status=status)


@require_POST
@customer_required
def token_revoke(request, token_id):
    token = selectors.token_of(request.user, request.account, token_id)
    if token is None:
        raise Http404
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
