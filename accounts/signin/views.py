from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import hooks, services


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view with limits: a few mails per address an hour (the page is the
    same whether a link went out, was held back or the address is unknown) and a cap on
    requests per client address (said plainly: it tells nothing about any address)."""

    def form_valid(self, form):
        decision = services.password_reset_request(
            email=form.cleaned_data["email"], client_ip=hooks.client_ip(self.request)
        )
        if decision.client_again_at is not None:
            form.add_error(
                None,
                _(
                    "Too many reset requests from your network. Please try again at "
                    "%(time)s (%(zone)s)."
                )
                % _time_and_zone(decision.client_again_at),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if decision.mail:
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


def _time_and_zone(moment) -> dict:
    local = timezone.localtime(moment)
    return {"time": formats.time_format(local, "H:i"), "zone": local.tzname()}
