"""Demo data for the accounts domain: two customer accounts with different TAMs and
calendars, a contact on each, and one user per staff role. Idempotent: rows are only
created when missing, so a second run changes nothing."""

from __future__ import annotations

from datetime import date, time

from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import (
    Account,
    Contact,
    Holiday,
    OfficeHoursCalendar,
    OfficeHoursChange,
    OpeningRange,
    User,
)

DEMO_PASSWORD = "portal-demo-2026"  # noqa: S105 - the demo logins' password, in the README

STAFF = [
    # email, full name, phone, language, time zone, role
    (
        "tessa.tam@example.com",
        "Tessa de Vries",
        "+31 20 555 0101",
        "nl",
        "Europe/Amsterdam",
        roles.TECHNICAL_ACCOUNT_MANAGERS,
    ),
    (
        "tom.tam@example.com",
        "Tom Becker",
        "+1 212 555 0102",
        "en",
        "America/New_York",
        roles.TECHNICAL_ACCOUNT_MANAGERS,
    ),
    (
        "sam.agent@example.com",
        "Sam Jansen",
        "+31 20 555 0103",
        "en",
        "Europe/Amsterdam",
        roles.SUPPORT_AGENTS,
    ),
    (
        "chris.hotline@example.com",
        "Chris Okafor",
        "+31 20 555 0104",
        "en",
        "Europe/Amsterdam",
        roles.CUSTOMER_SERVICE,
    ),
    (
        "maria.manager@example.com",
        "Maria López",
        "+31 20 555 0105",
        "en",
        "Europe/Amsterdam",
        roles.SUPPORT_MANAGERS,
    ),
]

CALENDARS = {
    "Europe (Amsterdam)": {
        "time_zone": "Europe/Amsterdam",
        "ranges": [(day, time(8, 30), time(12, 30)) for day in range(5)]
        + [(day, time(13, 0), time(17, 30)) for day in range(5)],
        "holidays": [
            (date(2026, 12, 25), "Eerste Kerstdag"),
            (date(2026, 12, 26), "Tweede Kerstdag"),
            (date(2027, 1, 1), "Nieuwjaarsdag"),
            (date(2027, 3, 29), "Tweede Paasdag"),
            (date(2027, 4, 27), "Koningsdag"),
            (date(2027, 5, 5), "Bevrijdingsdag"),
            (date(2027, 5, 6), "Hemelvaartsdag"),
            (date(2027, 5, 17), "Tweede Pinksterdag"),
        ],
        "changes": [
            {
                "kind": OfficeHoursChange.Kind.SHORTENED,
                "starts_on": date(2026, 12, 24),
                "ends_on": date(2026, 12, 24),
                "opens": time(9, 0),
                "closes": time(15, 0),
                "note": "Christmas Eve: office hours end at 15:00. The Severity 1 hotline "
                "stays open around the clock.",
                "note_nl": "Kerstavond: de kantooruren eindigen om 15:00. De Ernst 1 Hotline "
                "blijft dag en nacht bereikbaar.",
            },
            {
                "kind": OfficeHoursChange.Kind.SHORTENED,
                "starts_on": date(2026, 12, 31),
                "ends_on": date(2026, 12, 31),
                "opens": time(9, 0),
                "closes": time(15, 0),
                "note": "New Year's Eve: office hours end at 15:00.",
                "note_nl": "Oudejaarsdag: de kantooruren eindigen om 15:00.",
            },
        ],
    },
    "North America (New York)": {
        "time_zone": "America/New_York",
        "ranges": [(day, time(8, 0), time(18, 0)) for day in range(5)],
        "holidays": [
            (date(2026, 11, 26), "Thanksgiving Day"),
            (date(2026, 12, 25), "Christmas Day"),
            (date(2027, 1, 1), "New Year's Day"),
            (date(2027, 1, 18), "Martin Luther King Jr. Day"),
            (date(2027, 5, 31), "Memorial Day"),
        ],
        "changes": [
            {
                "kind": OfficeHoursChange.Kind.EXTENDED,
                "starts_on": date(2026, 11, 27),
                "ends_on": date(2026, 11, 27),
                "opens": time(7, 0),
                "closes": time(21, 0),
                "note": "Black Friday: extended office hours for the sending peak.",
                "note_nl": "Black Friday: verruimde kantooruren voor de verzendpiek.",
            },
            {
                "kind": OfficeHoursChange.Kind.EXTENDED,
                "starts_on": date(2026, 11, 30),
                "ends_on": date(2026, 11, 30),
                "opens": time(7, 0),
                "closes": time(21, 0),
                "note": "Cyber Monday: extended office hours for the sending peak.",
                "note_nl": "Cyber Monday: verruimde kantooruren voor de verzendpiek.",
            },
        ],
    },
}

ACCOUNTS = [
    # name, time zone, TAM email, calendar, contacts (email, name, phone, language, tz, role)
    (
        "Acme Mail BV",
        "Europe/Amsterdam",
        "tessa.tam@example.com",
        "Europe (Amsterdam)",
        [
            (
                "anna@acme.example",
                "Anna Bakker",
                "+31 6 1234 5678",
                "nl",
                "Europe/Amsterdam",
                Contact.Role.PRIMARY,
            ),
            (
                "jeroen@acme.example",
                "Jeroen Smit",
                "+31 6 2345 6789",
                "en",
                "Europe/Amsterdam",
                Contact.Role.TECHNICAL,
            ),
        ],
    ),
    (
        "Northwind Traders Inc.",
        "America/New_York",
        "tom.tam@example.com",
        "North America (New York)",
        [
            (
                "nick@northwind.example",
                "Nick Turner",
                "+1 917 555 0199",
                "en",
                "America/New_York",
                Contact.Role.PRIMARY,
            ),
        ],
    ),
]


def _user(email, full_name, phone, language, tz, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            full_name=full_name,
            phone=phone,
            language=language,
            time_zone=tz,
            **extra,
        )
    return user


def seed() -> list[tuple[str, str, str]]:
    """Create what is missing; return the demo logins as (who, email, password)."""
    logins = [("Administrator", "admin@example.com", DEMO_PASSWORD)]
    _user(
        "admin@example.com",
        "Portal Administrator",
        "",
        "en",
        "Europe/Amsterdam",
        is_staff=True,
        is_superuser=True,
    )
    for email, name, phone, language, tz, role in STAFF:
        user = _user(email, name, phone, language, tz, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        logins.append((role, email, DEMO_PASSWORD))

    calendars = {}
    for name, spec in CALENDARS.items():
        calendar, created = OfficeHoursCalendar.objects.get_or_create(
            name=name, defaults={"time_zone": spec["time_zone"]}
        )
        if created:
            OpeningRange.objects.bulk_create(
                OpeningRange(calendar=calendar, weekday=d, opens=a, closes=b)
                for d, a, b in spec["ranges"]
            )
            Holiday.objects.bulk_create(
                Holiday(calendar=calendar, date=d, name=n) for d, n in spec["holidays"]
            )
            OfficeHoursChange.objects.bulk_create(
                OfficeHoursChange(calendar=calendar, **c) for c in spec["changes"]
            )
        calendars[name] = calendar

    for name, tz, tam_email, calendar_name, contacts in ACCOUNTS:
        account, _ = Account.objects.get_or_create(
            name=name,
            defaults={
                "time_zone": tz,
                "tam": User.objects.get(email=tam_email),
                "office_hours": calendars[calendar_name],
            },
        )
        for email, full_name, phone, language, ctz, role in contacts:
            user = _user(email, full_name, phone, language, ctz)
            Contact.objects.get_or_create(user=user, defaults={"account": account, "role": role})
            logins.append((f"Customer, {name}", email, DEMO_PASSWORD))
    return logins
