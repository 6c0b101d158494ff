"""Users, customer accounts and their contacts, staff roles, office-hours calendars."""

from __future__ import annotations

import zoneinfo
from functools import cached_property

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text_limits import TextLengthValidator

from . import office_hours


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone; use a name such as Europe/Amsterdam."),
            params={"value": value},
            code="invalid_time_zone",
        )


class TimeZoneField(models.CharField):
    """An IANA time zone name, checked against the zones this machine knows."""

    default_validators = [validate_time_zone]

    def deconstruct(self):
        # To migrations a plain CharField: the check is the model's business, and a
        # migration then needs nothing from this module.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    # Migrations use a plain manager, so that they need nothing from this module.
    use_in_migrations = False

    def get_by_natural_key(self, email):
        # Logins are by email, whatever case the person types it in.
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        DUTCH = "nl", _("Dutch")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = TimeZoneField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Staff work in the admin site; customers use the portal."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        # Sign-in and inbound mail find people by address in any letter case.
        indexes = [models.Index(Upper("email"), name="accounts_user_email_upper")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(group.name for group in self.groups.all())

    def has_role(self, role: str) -> bool:
        return role in self.role_names


class OfficeHoursCalendar(models.Model):
    """The contract's office hours (kantooruren): when the TAM and agents are reachable."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = TimeZoneField(_("time zone"), max_length=64, default="Europe/Amsterdam")

    class Meta:
        verbose_name = _("office-hours calendar")
        verbose_name_plural = _("office-hours calendars")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def schedule(self) -> office_hours.Schedule:
        """The pure schedule. Uses prefetched ranges, holidays and changes when present."""
        weekly: dict[int, list] = {}
        for r in self.opening_ranges.all():
            weekly.setdefault(r.weekday, []).append((r.opens, r.closes))
        return office_hours.Schedule(
            time_zone=self.time_zone,
            weekly={day: tuple(ranges) for day, ranges in weekly.items()},
            holidays=frozenset(h.date for h in self.holidays.all()),
            changes=tuple(
                office_hours.Change(
                    first=c.starts_on,
                    last=c.ends_on,
                    ranges=()
                    if c.kind == OfficeHoursChange.Kind.CLOSED
                    else ((c.opens, c.closes),),
                )
                for c in self.changes.all()
            ),
        )


class OpeningRange(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(
        OfficeHoursCalendar, on_delete=models.CASCADE, related_name="opening_ranges"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight, the end of the day."))

    class Meta:
        verbose_name = _("opening range")
        verbose_name_plural = _("opening ranges")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_range_weekday_valid"
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")) | Q(closes="00:00"),
                name="opening_range_closes_after_opens",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if (
            self.opens
            and self.closes
            and self.closes <= self.opens
            and self.closes != office_hours.MIDNIGHT
        ):
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})


class Holiday(models.Model):
    calendar = models.ForeignKey(
        OfficeHoursCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_per_date"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class OfficeHoursChange(models.Model):
    """A dated change by the vendor: the contract lets office hours be reasonably extended
    or shortened from time to time. Customers read the note."""

    class Kind(models.TextChoices):
        EXTENDED = "extended", _("Extended hours")
        SHORTENED = "shortened", _("Shortened hours")
        CLOSED = "closed", _("Closed")

    calendar = models.ForeignKey(
        OfficeHoursCalendar, on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.TextField(_("note for customers (English)"), validators=[TextLengthValidator()])
    note_nl = models.TextField(
        _("note for customers (Dutch)"), blank=True, validators=[TextLengthValidator()]
    )

    class Meta:
        verbose_name = _("office-hours change")
        verbose_name_plural = _("office-hours changes")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="office_hours_change_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="closed") | (Q(opens__isnull=False) & Q(closes__isnull=False)),
                name="office_hours_change_hours_given",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day cannot be before the first day.")
        if self.kind != self.Kind.CLOSED:
            if self.opens is None:
                errors["opens"] = _("Give the opening time on the changed days.")
            if self.closes is None:
                errors["closes"] = _("Give the closing time on the changed days.")
            if (
                self.opens is not None
                and self.closes is not None
                and self.closes <= self.opens
                and self.closes != office_hours.MIDNIGHT
            ):
                errors["closes"] = _("The closing time must be after the opening time.")
        if errors:
            raise ValidationError(errors)

    def note_for(self, language: str) -> str:
        if language == "nl" and self.note_nl:
            return self.note_nl
        return self.note


class Region(models.Model):
    """A region or cluster of the platform, as configured: an account sends through one,
    a platform incident may affect one, and availability is measured per region."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_nl = models.CharField(_("name in Dutch"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("region or cluster")
        verbose_name_plural = _("regions and clusters")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def name_for(self, language: str) -> str:
        return self.name_nl if language == "nl" and self.name_nl else self.name


class Account(models.Model):
    """A customer account: the company that holds the support contract."""

    name = models.CharField(_("company name"), max_length=200, unique=True)
    time_zone = TimeZoneField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    tam = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Technical Account Manager"),
        on_delete=models.PROTECT,
        related_name="tam_accounts",
        limit_choices_to={"is_staff": True},
    )
    office_hours = models.ForeignKey(
        OfficeHoursCalendar,
        verbose_name=_("office hours"),
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    # Where the account sends through; an account without one is affected by an
    # incident in any region.
    region = models.ForeignKey(
        Region,
        verbose_name=_("region or cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer account")
        verbose_name_plural = _("customer accounts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A customer user's membership of their account. A login belongs to one account."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary contact")
        TECHNICAL = "technical", _("Technical contact")
        BILLING = "billing", _("Billing contact")
        OTHER = "other", _("Other")

    class CaseMail(models.TextChoices):
        ALL = "all", _("All the account's cases")
        OWN = "own", _("Only cases I filed or follow")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.TECHNICAL)
    # Every update of a platform incident affecting the account, by mail, whether or not
    # the contact has a case linked to it.
    incident_mail = models.BooleanField(_("mail me every platform incident update"), default=False)
    # Who receives what mail: set by the contact on their profile, or by a primary contact.
    case_mail = models.CharField(
        _("case mail"), max_length=8, choices=CaseMail.choices, default=CaseMail.OWN
    )
    blocklist_alerts = models.BooleanField(_("blocklist alerts by mail"), default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["account", "user__full_name"]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.account})"

    def clean(self):
        if self.user_id and self.user.is_staff:
            raise ValidationError({"user": _("Staff members cannot be customer contacts.")})


class OnCallShift(models.Model):
    """A shift on the on-call rota: who is alerted at once for Severity 1 calls."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on-call agent"),
        on_delete=models.CASCADE,
        related_name="on_call_shifts",
        limit_choices_to={"is_staff": True},
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call shifts")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="on_call_shift_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="on_call_shift_period_valid"
            ),
        ]

    def __str__(self):
        return f"{self.agent} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M} UTC"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A shift must end after it starts.")})
        if self.agent_id and not self.agent.is_staff:
            raise ValidationError({"agent": _("Only staff members can be on call.")})


class AccountEvent(models.Model):
    """The account's audit record: each change to its team, sign-in and integrations, who
    made it and when. The primary contact and staff read it; nothing edits it."""

    class Kind(models.TextChoices):
        CONTACT_INVITED = "contact_invited", _("Colleague invited")
        INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        CONTACT_DEACTIVATED = "contact_deactivated", _("Contact deactivated")
        CONTACT_REACTIVATED = "contact_reactivated", _("Contact reactivated")
        MAIL_CHOICES_CHANGED = "mail_choices_changed", _("Mail choices changed")
        PRIMARY_CONTACT_CHANGED = "primary_contact_changed", _("Primary contact changed")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        WEBHOOK_ADDED = "webhook_added", _("Webhook endpoint added")
        WEBHOOK_CHANGED = "webhook_changed", _("Webhook endpoint changed")
        WEBHOOK_REMOVED = "webhook_removed", _("Webhook endpoint removed")
        WEBHOOK_PAUSED = "webhook_paused", _("Webhook endpoint paused")
        WEBHOOK_RESUMED = "webhook_resumed", _("Webhook endpoint resumed")
        SSO_CONFIGURED = "sso_configured", _("Single sign-on configured")
        SSO_CHANGED = "sso_changed", _("Single sign-on changed")
        SSO_JOINING_CHANGED = "sso_joining_changed", _("Joining by single sign-on changed")
        SSO_CONTACT_CREATED = "sso_contact_created", _("Contact created at single sign-on")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=32, choices=Kind.choices)
    # Null when the system made the change (a paused endpoint, a contact created at sign-in).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Whom or what the change was about, in words kept as they were then (an email
    # address, a token's name, an endpoint's URL): the record stays true after deletions.
    subject = models.CharField(_("about"), max_length=300, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("account audit event")
        verbose_name_plural = _("account audit record")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["account", "-at"], name="account_event_recent")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"


class Invitation(models.Model):
    """A primary contact's invitation of a colleague by email. The link carries a random
    token of which only a hash is kept; it works once, until it expires or is withdrawn."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Contact.Role.choices)
    language = models.CharField(
        _("language of the invitation"), max_length=8, choices=User.Language.choices
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"], name="invitation_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="invitation_accepted_or_withdrawn",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_created",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.account})"

    def is_open(self, now) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None and self.expires_at > now
