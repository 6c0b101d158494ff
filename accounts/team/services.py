"""Every change to an account's team: one function per action, each on the audit record."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core import outbox
from core.hashing import token_hash

from ..models import Account, AccountEvent, Contact, Invitation, User
from ..services import account_event_record
from ..signals import contact_deactivated
from ..sso.selectors import sign_on_for_email

Kind = AccountEvent.Kind

INVITATION_DAYS = 7
# Invitations one account may send in 24 hours, and may have open at once.
INVITATIONS_PER_DAY = 20
OPEN_INVITATIONS = 50
MAIL_TASK = "accounts.tasks.send_invitation"


class TeamError(ValidationError):
    """A change the rules refuse, with the sentence saying why."""


# --- invitations ---------------------------------------------------------------------


@transaction.atomic
def invitation_send(
    *, account, invited_by: User, email: str, role: str, language: str, now: datetime
) -> tuple[Invitation, str]:
    """Invite `email` to the account; returns the invitation and the token of its link
    (mailed by a task after the commit; the link is not kept)."""
    email = User.objects.normalize_email(email).strip().lower()
    if role == Contact.Role.PRIMARY:
        raise TeamError(_("Role: the primary contact is chosen by your Technical Account Manager."))
    # Counted on the account's row, locked: two primary contacts inviting at once cannot
    # both pass the limit.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if Contact.objects.filter(account=account, user__email__iexact=email).exists():
        raise TeamError(
            _("Email: %(email)s is already a contact of your account.") % {"email": email}
        )
    sign_on = sign_on_for_email(email)
    if sign_on is not None and sign_on.account_id != account.pk:
        # Their provider would sign them in to that account, never to this one.
        raise TeamError(
            _(
                "Email: addresses at %(domain)s sign in through another customer account's "
                "single sign-on; they cannot join your account."
            )
            % {"domain": email.rsplit("@", 1)[-1]}
        )
    invitations = Invitation.objects.filter(account=account)
    if invitations.filter(
        email__iexact=email, accepted_at=None, withdrawn_at=None, expires_at__gt=now
    ).exists():
        raise TeamError(
            _("Email: %(email)s has an open invitation; withdraw it to send a new one.")
            % {"email": email}
        )
    if invitations.filter(created_at__gt=now - timedelta(days=1)).count() >= INVITATIONS_PER_DAY:
        raise TeamError(
            _(
                "Your account has sent %(count)s invitations in the last 24 hours; "
                "try again tomorrow."
            )
            % {"count": INVITATIONS_PER_DAY}
        )
    if (
        invitations.filter(accepted_at=None, withdrawn_at=None, expires_at__gt=now).count()
        >= OPEN_INVITATIONS
    ):
        raise TeamError(
            _("Your account has %(count)s open invitations; withdraw some before sending more.")
            % {"count": OPEN_INVITATIONS}
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        account=account,
        email=email,
        role=role,
        language=language,
        invited_by=invited_by,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    account_event_record(
        account=account,
        kind=Kind.CONTACT_INVITED,
        actor=invited_by,
        subject=email,
        detail=str(Contact.Role(role).label),
    )
    # The token goes to the task's arguments, in the outbox row until it is sent: the
    # mail needs it, and the row is deleted once the broker took it.
    outbox.enqueue(MAIL_TASK, invitation.pk, token)
    return invitation, token


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: User, now: datetime) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise TeamError(_("This invitation was accepted already."))
    if invitation.withdrawn_at is not None:
        return invitation
    invitation.withdrawn_at = now
    invitation.save(update_fields=["withdrawn_at"])
    account_event_record(
        account=invitation.account,
        kind=Kind.INVITATION_WITHDRAWN,
        actor=actor,
        subject=invitation.email,
    )
    return invitation


def invitation_refusal(invitation: Invitation | None, *, now: datetime) -> str | None:
    """Why this invitation's link cannot be accepted now, in a sentence; None if it can."""
    if invitation is None:
        return _(
            "This invitation link is not valid. Check that you opened the whole link from "
            "the mail, or ask the colleague who invited you to send a new one."
        )
    if invitation.withdrawn_at is not None:
        return _(
            "This invitation was withdrawn. Ask the colleague who invited you to send a new one."
        )
    if invitation.accepted_at is not None:
        return _("This invitation was used already. Sign in with the password you chose then.")
    if invitation.expires_at <= now:
        return _(
            "This invitation expired on %(date)s. Ask the colleague who invited you to send "
            "a new one."
        ) % {"date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")}
    login = User.objects.filter(email__iexact=invitation.email).first()
    if login is not None and login.is_staff:
        return _(
            "%(email)s is a staff address of the support team; staff cannot be customer contacts."
        ) % {"email": invitation.email}
    if login is not None:
        return _(
            "%(email)s already has a login to the portal, and a login belongs to one customer "
            "account. Ask your Technical Account Manager or the support team to move it."
        ) % {"email": invitation.email}
    return None


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, full_name: str, password: str | None, now: datetime
) -> User:
    """Make the invitee a contact of the account, with the role they were invited to.
    `password` None: the login signs in by single sign-on only."""
    invitation = (
        Invitation.objects.select_for_update().select_related("account").get(pk=invitation.pk)
    )
    refusal = invitation_refusal(invitation, now=now)
    if refusal:
        raise TeamError(refusal)
    user = User(
        email=invitation.email,
        full_name=full_name,
        language=invitation.language,
        time_zone=invitation.account.time_zone,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a login of that address made since the check
        raise TeamError(invitation_refusal(invitation, now=now) or "") from None
    Contact.objects.create(user=user, account=invitation.account, role=invitation.role)
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    account_event_record(
        account=invitation.account,
        kind=Kind.INVITATION_ACCEPTED,
        actor=user,
        subject=invitation.email,
        detail=str(Contact.Role(invitation.role).label),
    )
    return user


def check_password(password: str, *, email: str, full_name: str) -> None:
    """Django's password validators, against the login about to be made."""
    password_validation.validate_password(password, User(email=email, full_name=full_name))


# --- deactivation ----------------------------------------------------------------------


def _other_active_primaries(contact: Contact) -> bool:
    return (
        Contact.objects.filter(
            account_id=contact.account_id, role=Contact.Role.PRIMARY, user__is_active=True
        )
        .exclude(pk=contact.pk)
        .exists()
    )


@transaction.atomic
def contact_deactivate(*, contact: Contact, actor: User) -> Contact:
    """The colleague can no longer sign in; their sessions end now, and receivers of
    `contact_deactivated` end anything else their login holds."""
    # Deactivations of one account in turn, on its row: two primary contacts deactivating
    # each other at once cannot leave it without an active one.
    Account.objects.select_for_update().filter(pk=contact.account_id).first()
    contact = Contact.objects.select_for_update().select_related("user").get(pk=contact.pk)
    if contact.user_id == actor.pk:
        raise TeamError(_("You cannot deactivate yourself; ask another primary contact."))
    if contact.role == Contact.Role.PRIMARY and not _other_active_primaries(contact):
        raise TeamError(_("Your account must keep an active primary contact."))
    if not contact.user.is_active:
        return contact
    contact.user.is_active = False
    contact.user.save(update_fields=["is_active"])
    end_sessions(contact.user)
    account_event_record(
        account=contact.account,
        kind=Kind.CONTACT_DEACTIVATED,
        actor=actor,
        subject=contact.user.email,
    )
    _withdraw_invitations_sent_by(contact, actor=actor)
    contact_deactivated.send(sender=Contact, contact=contact, actor=actor)
    return contact


def _withdraw_invitations_sent_by(contact: Contact, *, actor: User) -> None:
    """A deactivated contact's open invitations end with their login: whom they invited
    is for the remaining primary contacts to decide again."""
    now = timezone.now()
    for invitation in Invitation.objects.select_for_update().filter(
        account_id=contact.account_id,
        invited_by_id=contact.user_id,
        accepted_at=None,
        withdrawn_at=None,
        expires_at__gt=now,
    ):
        invitation.withdrawn_at = now
        invitation.save(update_fields=["withdrawn_at"])
        account_event_record(
            account=contact.account,
            kind=Kind.INVITATION_WITHDRAWN,
            actor=actor,
            subject=invitation.email,
        )


def deactivated_by_staff(contact: Contact) -> bool:
    """Whether the contact's latest deactivation on record is not a primary contact's:
    staff's in the admin (or none on record, or by a login deleted since). Only staff
    undo those."""
    latest = (
        AccountEvent.objects.filter(
            account_id=contact.account_id,
            kind=Kind.CONTACT_DEACTIVATED,
            subject=contact.user.email,
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    return latest is None or latest.actor is None or latest.actor.is_staff


@transaction.atomic
def contact_reactivate(*, contact: Contact, actor: User) -> Contact:
    contact = Contact.objects.select_for_update().select_related("user").get(pk=contact.pk)
    if contact.user.is_active:
        return contact
    if deactivated_by_staff(contact):
        raise TeamError(
            _(
                "%(name)s was deactivated by the support team; ask your Technical Account "
                "Manager to reactivate them."
            )
            % {"name": contact.user}
        )
    contact.user.is_active = True
    contact.user.save(update_fields=["is_active"])
    account_event_record(
        account=contact.account,
        kind=Kind.CONTACT_REACTIVATED,
        actor=actor,
        subject=contact.user.email,
    )
    return contact


@transaction.atomic
def login_activity_changed_by_staff(*, login: User, actor: User) -> None:
    """Staff ticked or unticked "active" on a login in the admin (saved already): a
    deactivation ends what it holds as a primary contact's does, and a customer's is on
    their account's record."""
    if not login.is_active:
        end_sessions(login)
    contact = Contact.objects.filter(user=login).select_related("account").first()
    if contact is None:
        return
    account_event_record(
        account=contact.account,
        kind=Kind.CONTACT_REACTIVATED if login.is_active else Kind.CONTACT_DEACTIVATED,
        actor=actor,
        subject=login.email,
    )
    if not login.is_active:
        _withdraw_invitations_sent_by(contact, actor=actor)
        contact_deactivated.send(sender=Contact, contact=contact, actor=actor)


def end_sessions(user: User) -> int:
    """Delete the user's sessions; returns how many. Sessions are rows of the session
    engine's table with the user's id inside their signed data, so each live one is read.
    (An engine without a table keeps them until they expire, but the sign-in backend
    refuses an inactive user on their next request all the same.)"""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    model = store.get_model_class()
    ended = []
    for key, data in (
        model.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator(chunk_size=2000)
    ):
        if str(store().decode(data).get("_auth_user_id")) == str(user.pk):
            ended.append(key)
    model.objects.filter(session_key__in=ended).delete()
    return len(ended)


# --- mail choices ----------------------------------------------------------------------

MAIL_CHOICES = ("case_mail", "blocklist_alerts", "incident_mail")
_CHOICE_WORDS = {
    "case_mail": gettext_lazy("case mail"),
    "blocklist_alerts": gettext_lazy("blocklist alerts"),
    "incident_mail": gettext_lazy("incident updates"),
}


def _choice_words(contact: Contact, field: str) -> str:
    value = getattr(contact, field)
    if field == "case_mail":
        return str(Contact.CaseMail(value).label)
    # A context of its own: "on" alone is a blocklist's preposition elsewhere.
    return pgettext("mail choice", "on") if value else pgettext("mail choice", "off")


@transaction.atomic
def contact_set_mail_choices(*, contact: Contact, actor: User, **choices) -> Contact:
    """Which mail the contact receives: `case_mail`, `blocklist_alerts`, `incident_mail`
    (those given). A change is on the audit record, in the site's language."""
    contact = (
        Contact.objects.select_for_update().select_related("user", "account").get(pk=contact.pk)
    )
    changed = []
    for field, value in choices.items():
        if field not in MAIL_CHOICES:
            raise TypeError(field)
        if getattr(contact, field) != value:
            setattr(contact, field, value)
            changed.append(field)
    if not changed:
        return contact
    contact.full_clean(exclude=["user", "account"])
    contact.save(update_fields=changed)
    with translation_of_record():
        detail = "; ".join(f"{_CHOICE_WORDS[f]}: {_choice_words(contact, f)}" for f in changed)
    account_event_record(
        account=contact.account,
        kind=Kind.MAIL_CHOICES_CHANGED,
        actor=actor,
        subject=contact.user.email,
        detail=detail,
    )
    return contact


def translation_of_record():
    """The audit record is kept in the site's language, whoever made the change."""
    return translation.override(settings.LANGUAGE_CODE)


# --- the primary contact, set by staff -------------------------------------------------


@transaction.atomic
def contact_role_changed(*, contact: Contact, old_role: str | None, actor: User) -> None:
    """Record a role staff gave a contact in the admin when it makes or ends a primary
    contact (`old_role` None: the contact was added)."""
    if contact.role == old_role or Contact.Role.PRIMARY not in (contact.role, old_role):
        return
    with translation_of_record():
        old = str(Contact.Role(old_role).label) if old_role else "—"
        detail = f"{old} → {Contact.Role(contact.role).label}"
    account_event_record(
        account=contact.account,
        kind=Kind.PRIMARY_CONTACT_CHANGED,
        actor=actor,
        subject=contact.user.email,
        detail=detail,
    )
