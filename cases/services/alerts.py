"""Staff alerts about critical issues: who they go to, the page they link to, and the
alert that a case is critical."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.alerts import Alert
from accounts.models import Account
from accounts.selectors import on_call_staff
from accounts.services import alert_staff


def case_admin_url(case_id: int | None) -> str:

    if case_id is None:
        return settings.PORTAL_BASE_URL + reverse("admin:cases_hotlinecall_changelist")
    return settings.PORTAL_BASE_URL + reverse("admin:cases_case_change", args=[case_id])


def managers_and_tam(account: Account | None) -> list:
    """Who a breach goes to: the Support Managers and the account's TAM."""
    users = list(
        get_user_model().objects.filter(
            is_active=True, is_staff=True, groups__name=roles.SUPPORT_MANAGERS
        )
    )
    if account is not None and account.tam_id:
        users.append(account.tam)
    return users


def alert_critical_case(
    case, *, now: datetime, why: Callable[[], str], possibly: bool = False
) -> None:
    """A case that is critical from now on (filed so in the portal or by mail, or
    reclassified), or that a mail suggests is (`possibly`), reaches the on-call agents at
    once, by the same path as a hotline call: a critical first response is due within the
    hour, and the sweep's warning would come late. `why` says why, in the language in
    force when called (each reader's)."""

    def build() -> Alert:
        due = case.first_response_due_at if case.first_response_at is None else None
        names = {"reference": case.reference, "account": case.account.name, "due": _hhmm(due)}
        if possibly:
            subject = _("Possibly critical case %(reference)s (%(account)s): weigh it now")
        else:
            subject = _("Critical case %(reference)s (%(account)s): respond by %(due)s")
        return Alert(
            kind="possible_critical" if possibly else "critical_case",
            subject=subject % names,
            body="\n".join(
                [
                    f"{_('support case')}: {case.reference} · {case.subject}",
                    f"{_('account')}: {case.account.name}",
                    why(),
                    f"{_('first response due')}: {_hhmm(due)}",
                    "",
                    case.description,
                ]
            ),
            url=case_admin_url(case.pk),
            data={
                "case": case.pk,
                "reference": case.reference,
                "first_response_due_at": due.isoformat() if due else None,
            },
        )

    alert_staff(build, on_call_staff(at=now))


def _hhmm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %Z") if moment else "—"


def alert_case_owner(case, *, what: Callable[[], str], now: datetime) -> None:
    """The customer did something that needs us (`what` says it in staff's words, in the
    language in force when called):
    the assigned agent is told at once, or the on-call agents when no one is assigned,
    with the response deadline it put on the case."""
    agent = case.assigned_agent if case.assigned_agent_id else None
    readers = [agent] if agent is not None and agent.is_active else on_call_staff(at=now)
    awaiting_first = case.first_response_at is None
    due = case.first_response_due_at if awaiting_first else case.response_due_at

    def build() -> Alert:
        when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M %Z") if due else "—"
        names = {"reference": case.reference, "what": what(), "due": when}
        return Alert(
            kind="customer_action",
            subject=_("%(reference)s: %(what)s; respond by %(due)s") % names,
            body="\n".join(
                [
                    f"{_('support case')}: {case.reference} · {case.subject}",
                    f"{_('account')}: {case.account.name}",
                    what(),
                    f"{_('response due')}: {when}",
                ]
            ),
            url=case_admin_url(case.pk),
            data={
                "case": case.pk,
                "reference": case.reference,
                "response_due_at": due.isoformat() if due else None,
            },
        )

    alert_staff(build, readers)


def alert_low_rating(case, rating) -> None:
    """A customer rated a resolution low: the account's TAM hears of it (oversight of
    support interactions), in the TAM's language, with the customer's comment; the
    Support Managers do when the account has no active TAM."""
    tam = case.account.tam if case.account.tam_id else None
    readers = [tam] if tam is not None and tam.is_active else managers_and_tam(None)

    def build() -> Alert:
        names = {"reference": case.reference, "account": case.account.name, "score": rating.score}
        return Alert(
            kind="low_rating",
            subject=_("%(reference)s (%(account)s): the customer rated the resolution %(score)s/5")
            % names,
            body="\n".join(
                [
                    f"{_('support case')}: {case.reference} · {case.subject}",
                    f"{_('account')}: {case.account.name}",
                    f"{_('rated by')}: {rating.rated_by}",
                    f"{_('score')}: {rating.score}/5",
                    "",
                    rating.comment or _("(no comment)"),
                ]
            ),
            url=case_admin_url(case.pk),
            data={"case": case.pk, "reference": case.reference, "score": rating.score},
        )

    alert_staff(build, readers)
