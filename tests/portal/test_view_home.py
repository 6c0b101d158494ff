"""The customer home: the account's TAM, office hours and their changes."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Holiday, OfficeHoursChange
from cases.models import Status
from cases.services import case_open, case_set_status
from deliverability.models import Blocklist, CheckRun, ListingState, SendingIP
from tests.deliverability.programme_fixtures import make_plan
from tests.factories import AccountFactory, ContactFactory
from tests.html import Page

pytestmark = pytest.mark.django_db

HOME = reverse("home")
# Wednesday 25 November 2026, 10:00 in Amsterdam (09:00 UTC).
OPEN_WEDNESDAY = "2026-11-25T09:00:00Z"
# Friday 27 November 2026, 18:00 in Amsterdam.
FRIDAY_EVENING = "2026-11-27T17:00:00Z"


def test_it_requires_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_accounts_tam_with_phone_and_email_links(client_a, tam_a):
    tam_a.full_name, tam_a.phone = "Tessa de Vries", "+31 20 555 0101"
    tam_a.save()
    response = client_a.get(HOME)
    html = Page(response)
    assert response.status_code == 200
    assert "Tessa de Vries" in html
    assert html.text('a[href="tel:+31205550101"]') == "+31 20 555 0101"
    assert html.text(f'a[href="mailto:{tam_a.email}"]') == tam_a.email


def test_a_customer_sees_only_their_own_accounts_tam(client_a, account_a, account_b):
    account_b.tam.full_name = "Bravo's Manager"
    account_b.tam.save()
    html = Page(client_a.get(HOME))
    assert account_a.name in html
    assert account_b.name not in html
    assert "Bravo's Manager" not in html


@time_machine.travel(OPEN_WEDNESDAY, tick=False)
def test_during_office_hours_the_tam_is_available_now(client_a):
    html = Page(client_a.get(HOME))
    assert "Available now" in html
    assert "office hours until 17:00" in html


@time_machine.travel(FRIDAY_EVENING, tick=False)
def test_outside_office_hours_it_says_when_the_tam_is_next_available(client_a):
    html = Page(client_a.get(HOME))
    assert "Outside office hours" in html
    assert "next available Monday 30 November, 09:00" in html


@time_machine.travel(FRIDAY_EVENING, tick=False)
def test_times_are_shown_in_the_customers_own_time_zone(client_a, customer_a):
    customer_a.time_zone = "America/New_York"
    customer_a.save()
    html = Page(client_a.get(HOME))
    # Monday 09:00 in Amsterdam is 03:00 in New York.
    assert "next available Monday 30 November, 03:00" in html
    assert "03:00–11:00" in html
    assert "America/New_York" in html


@time_machine.travel(FRIDAY_EVENING, tick=False)
def test_a_holiday_moves_the_next_availability(client_a, account_a):
    Holiday.objects.create(calendar=account_a.office_hours, date=date(2026, 11, 30), name="X")
    html = Page(client_a.get(HOME))
    assert "next available Tuesday 1 December, 09:00" in html


@time_machine.travel(OPEN_WEDNESDAY, tick=False)
def test_current_and_upcoming_vendor_changes_are_shown_with_their_note(client_a, account_a):
    calendar = account_a.office_hours
    OfficeHoursChange.objects.create(
        calendar=calendar,
        kind=OfficeHoursChange.Kind.SHORTENED,
        starts_on=date(2026, 12, 24),
        ends_on=date(2026, 12, 24),
        opens=time(9),
        closes=time(15),
        note="Christmas Eve: we close at 15:00.",
        note_nl="Kerstavond: we sluiten om 15:00.",
    )
    OfficeHoursChange.objects.create(
        calendar=calendar,
        kind=OfficeHoursChange.Kind.CLOSED,
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 2),
        note="A change that is over.",
    )
    html = Page(client_a.get(HOME))
    assert "Christmas Eve: we close at 15:00." in html
    assert "Shortened hours" in html
    assert "A change that is over." not in html
    assert "may be reasonably extended or shortened by the vendor" in html


@time_machine.travel(OPEN_WEDNESDAY, tick=False)
def test_a_shortened_day_shows_in_the_coming_week(client_a, account_a):
    OfficeHoursChange.objects.create(
        calendar=account_a.office_hours,
        kind=OfficeHoursChange.Kind.SHORTENED,
        starts_on=date(2026, 11, 27),
        ends_on=date(2026, 11, 27),
        opens=time(9),
        closes=time(12),
        note="Team day.",
    )
    html = Page(client_a.get(HOME))
    assert "09:00–12:00" in html


@time_machine.travel(OPEN_WEDNESDAY, tick=False)
def test_it_shows_the_severity_1_hotline(client_a, settings):
    html = Page(client_a.get(HOME))
    assert settings.SEVERITY1_HOTLINE in html
    assert "24 hours a day, 7 days a week, 365 days a year" in html


@time_machine.travel(OPEN_WEDNESDAY, tick=False)
def test_it_speaks_dutch_with_the_contracts_terms(client_a, customer_a):
    customer_a.language = "nl"
    customer_a.save()
    html = Page(client_a.get(HOME))
    assert "Technische Accountmanager" in html
    assert "kantooruren" in html
    assert "Ernst 1 Hotline" in html
    assert "Nu bereikbaar" in html


def test_a_user_without_an_account_gets_a_clear_page(client, no_account_user):
    client.force_login(no_account_user)
    response = client.get(HOME)
    assert response.status_code == 403
    assert "not linked to a customer account" in Page(response)


def test_a_staff_member_is_pointed_to_the_admin(agent_client):
    response = agent_client.get(HOME)
    assert response.status_code == 200
    html = Page(response)
    assert "This page is for customers" in html
    assert reverse("admin:index") in html.links()


@time_machine.travel(OPEN_WEDNESDAY, tick=False)
def test_the_home_page_runs_a_fixed_number_of_queries(
    client_a, account_a, customer_a, django_assert_num_queries
):
    # session, user with contact and account, account+TAM+calendar, ranges, holidays,
    # changes, SLA events of the month, open cases and their counts, sending assets and
    # their listings, warm-up plans
    client_a.get(HOME)  # warm caches (the active platform incidents)
    with django_assert_num_queries(12):
        client_a.get(HOME)
    calendar = account_a.office_hours
    for day in range(10):
        Holiday.objects.create(calendar=calendar, date=date(2027, 1, 1 + day), name=f"H{day}")
        OfficeHoursChange.objects.create(
            calendar=calendar,
            kind=OfficeHoursChange.Kind.CLOSED,
            starts_on=date(2026, 12, 1 + day),
            ends_on=date(2026, 12, 1 + day),
            note=f"Closed {day}",
        )
    for _ in range(5):
        ContactFactory(account=account_a)
    AccountFactory.create_batch(3)
    blocklist = Blocklist.objects.get(zone="zen.spamhaus.org")
    for n in range(8):
        case = case_open(
            account=account_a,
            requester=customer_a,
            subject=f"Case {n}",
            description="Details.",
            category="software_bug",
        )
        if n % 2:
            case_set_status(case=case, status=Status.WAITING_ON_CUSTOMER, actor=account_a.tam)
        ip = SendingIP.objects.create(account=account_a, address=f"192.0.2.{10 + n}")
        ListingState.objects.create(
            sending_ip=ip,
            blocklist=blocklist,
            state="listed",
            last_checked_at=timezone.now(),
            last_run=CheckRun.objects.create(trigger="schedule", status="finished"),
        )
        make_plan(account_a, [ip], name=f"Plan {n}", start_date=date(2026, 11, 1 + n))
    with django_assert_num_queries(12):
        response = client_a.get(HOME)
    assert len(Page(response).select("[data-testid=home-cases] .home-case")) == 8
