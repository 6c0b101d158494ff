"""Factories for the tests of every app."""

from datetime import time

import factory
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Account, Contact, OfficeHoursCalendar, OpeningRange, User
from cases import services

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@customer.example")
    full_name = factory.Faker("name")
    phone = "+31 20 555 0000"
    language = "en"
    time_zone = "Europe/Amsterdam"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@example.com")
    is_staff = True

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(Group.objects.get(name=extracted))


class CalendarFactory(factory.django.DjangoModelFactory):
    """Monday to Friday, 09:00-17:00, Europe/Amsterdam, unless told otherwise."""

    class Meta:
        model = OfficeHoursCalendar
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Calendar {n}")
    time_zone = "Europe/Amsterdam"

    @factory.post_generation
    def weekdays(obj, create, extracted, **kwargs):
        if not create:
            return
        hours = extracted if extracted is not None else [(time(9), time(17))]
        OpeningRange.objects.bulk_create(
            OpeningRange(calendar=obj, weekday=d, opens=a, closes=b)
            for d in range(5)
            for a, b in hours
        )


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Customer {n} BV")
    time_zone = "Europe/Amsterdam"
    tam = factory.SubFactory(StaffFactory, role=roles.TECHNICAL_ACCOUNT_MANAGERS)
    office_hours = factory.SubFactory(CalendarFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(AccountFactory)
    role = Contact.Role.PRIMARY


def signs_in(email: str, password: str) -> bool:
    """Whether the sign-in page lets this email and password in (as a person signs in:
    through the form, so the sign-in throttle sees it)."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.post(reverse("login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session


def open_case(customer, subject: str, **fields):
    """A software-bug case the customer filed in the portal (through the service)."""
    return services.case_open(
        account=customer.contact.account,
        requester=customer,
        subject=subject,
        description="Details.",
        category="software_bug",
        **fields,
    )
