"""Who receives what mail, set by the primary contact for each contact, or by a contact
for themselves on their profile page, and applied where case mail is addressed."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AccountEvent
from tests.factories import open_case
from tests.html import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_case(django_capture_on_commit_callbacks):
    def file(customer):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            case = open_case(customer, "Bounces from one provider")
        return case, sorted(m.to[0] for m in mail.outbox)

    return file


def choose(client, contact, **choices):
    data = {"mail-case_mail": choices.get("case_mail", "own")}
    for field in ("blocklist_alerts", "incident_mail"):
        if choices.get(field):
            data[f"mail-{field}"] = "on"
    return client.post(reverse("accounts:team_contact", args=[contact.pk]), data)


def test_a_contact_on_all_cases_receives_mail_of_a_colleagues_case(
    client_a, customer_a, colleague, file_case
):
    _case, recipients = file_case(customer_a)
    assert recipients == [customer_a.email]

    response = choose(client_a, colleague, case_mail="all", blocklist_alerts=True)
    assert response.status_code == 302
    _case, recipients = file_case(customer_a)
    assert recipients == sorted([customer_a.email, "dave@alpha.example"])

    event = AccountEvent.objects.get(kind=AccountEvent.Kind.MAIL_CHOICES_CHANGED)
    assert (event.subject, event.actor) == ("dave@alpha.example", customer_a)
    assert event.detail == "case mail: All the account's cases"


def test_all_cases_means_the_contacts_own_account_only(
    client_a, customer_a, customer_b, colleague, file_case
):
    choose(client_a, colleague, case_mail="all")
    _case, recipients = file_case(customer_b)
    assert recipients == [customer_b.email]


def test_a_deactivated_contact_on_all_cases_receives_nothing(
    client_a, customer_a, colleague, file_case
):
    choose(client_a, colleague, case_mail="all")
    client_a.post(reverse("accounts:team_deactivate", args=[colleague.pk]))
    _case, recipients = file_case(customer_a)
    assert recipients == [customer_a.email]


def test_a_contact_sets_their_own_case_mail_on_their_profile(
    client_a, customer_a, colleague, file_case
):
    from django.test import Client

    theirs = Client()
    theirs.force_login(colleague.user)
    card = Page(theirs.get(reverse("accounts:profile"))).one("[data-testid=my-mail] form")
    assert card.get("action") == reverse("accounts:my_mail")
    response = theirs.post(
        reverse("accounts:my_mail"),
        {"mail-case_mail": "all", "mail-blocklist_alerts": "on"},
        follow=True,
    )
    assert "Your mail choices were saved." in Page(response).text("[data-testid=message]")
    colleague.refresh_from_db()
    assert (colleague.case_mail, colleague.blocklist_alerts) == ("all", True)
    _case, recipients = file_case(customer_a)
    assert "dave@alpha.example" in recipients
    assert (
        AccountEvent.objects.get(kind=AccountEvent.Kind.MAIL_CHOICES_CHANGED).actor
        == colleague.user
    )


def test_a_bad_choice_is_refused_with_the_field_named(client_a, colleague):
    response = client_a.post(
        reverse("accounts:team_contact", args=[colleague.pk]), {"mail-case_mail": "everything"}
    )
    assert response.status_code == 400
    assert "case_mail" in response.context["form"].errors
    colleague.refresh_from_db()
    assert colleague.case_mail == "own"
    assert not AccountEvent.objects.exists()


def test_the_team_page_sets_incident_updates_too(client_a, colleague):
    choose(client_a, colleague, case_mail="own", blocklist_alerts=True, incident_mail=True)
    colleague.refresh_from_db()
    assert colleague.incident_mail is True
    # Nothing changed, nothing recorded twice.
    choose(client_a, colleague, case_mail="own", blocklist_alerts=True, incident_mail=True)
    assert AccountEvent.objects.filter(kind=AccountEvent.Kind.MAIL_CHOICES_CHANGED).count() == 1
