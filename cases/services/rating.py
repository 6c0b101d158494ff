"""The customer's rating of a resolution they agreed to: given once per case, changeable
by whoever gave it for a few days; a low score tells the account's TAM."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates

from ..access import may_rate
from ..models import (
    RATING_CHANGE_DAYS,
    RATING_COMMENT_MAX_LENGTH,
    RATING_LOW,
    RATING_SCORES,
    Case,
    ResolutionAgreement,
    ResolutionRating,
)
from .alerts import alert_low_rating
from .base import CaseError, CaseForbidden, Kind, lock_case, record_event, resolve_now, vars_of


def rated_agreement(case: Case) -> ResolutionAgreement | None:
    """The accepted proposal a rating would be about: the case is resolved by mutual
    agreement (and not reopened since: reopening clears `resolved_at`)."""
    if not case.resolved_by_agreement:
        return None
    return (
        ResolutionAgreement.objects.filter(case=case, outcome=ResolutionAgreement.Outcome.ACCEPTED)
        .order_by("-decided_at", "-pk")
        .first()
    )


@transaction.atomic
def case_rate_resolution(
    *, case: Case, customer, score: int, comment: str = "", now: datetime | None = None
) -> ResolutionRating:
    """Rate the resolution 1 to 5, with an optional comment; the same customer may
    change it within RATING_CHANGE_DAYS of giving it."""
    now = resolve_now(now)
    if score not in RATING_SCORES:
        raise CaseError(_("Choose a score from 1 to 5."))
    comment = comment.strip()
    if len(comment) > RATING_COMMENT_MAX_LENGTH:
        raise CaseError(
            _("The comment holds at most %(limit)s characters.")
            % {"limit": RATING_COMMENT_MAX_LENGTH}
        )
    case = lock_case(case)
    agreement = rated_agreement(case)
    if agreement is None:
        raise CaseError(
            _(
                "Case %(reference)s is not resolved by mutual agreement: only a resolution "
                "you agreed to can be rated."
            )
            % vars_of(case)
        )
    following = case.followers.filter(pk=customer.pk).exists()
    if not may_rate(customer, case, agreement, following=following):
        raise CaseForbidden(
            _(
                "The resolution of case %(reference)s is rated by its requester, its "
                "followers or the contact who agreed to it; follow the case to rate it."
            )
            % vars_of(case)
        )
    rating = ResolutionRating.objects.filter(case=case).first()
    previous = None
    if rating is None:
        rating = ResolutionRating(case=case, rated_by=customer, rated_at=now)
    else:
        _refuse_change(case, rating, customer, now)
        previous = rating.score
        rating.changed_at = now
    rating.agreement = agreement
    rating.score = score
    rating.comment = comment
    rating.save()
    record_event(
        case,
        Kind.RESOLUTION_RATED,
        actor=customer,
        now=now,
        # Staff's record; the customer sees the rating itself on the case page.
        public=False,
        detail=f"{score}/5 · {comment}" if comment else f"{score}/5",
        data={"score": score, "previous": previous, "agreement": agreement.pk},
    )
    # A low score tells the TAM once, not again when a low score is changed to another.
    if rating.is_low and (previous is None or previous > RATING_LOW):
        alert_low_rating(case, rating)
    return rating


def _refuse_change(case: Case, rating: ResolutionRating, customer, now: datetime) -> None:
    if rating.rated_by_id != customer.pk:
        raise CaseError(
            _("The resolution of case %(reference)s is rated already, by %(who)s.")
            % {**vars_of(case), "who": rating.rated_by or _("a former contact")}
        )
    if now > rating.changeable_until:
        raise CaseError(
            _(
                "A rating can be changed for %(days)s days after it is given; this one "
                "stays as given on %(when)s."
            )
            % {
                "days": RATING_CHANGE_DAYS,
                "when": dates.date_format(timezone.localtime(rating.rated_at), "j M Y"),
            }
        )
