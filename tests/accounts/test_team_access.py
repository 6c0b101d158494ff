"""Who reaches the team pages: the primary contact, of their own account only; the
account's audit record, for the primary contact and for staff within their scope."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEvent, Contact, Invitation
from accounts.services import account_event_record
from accounts.team import services
from tests.factories import ContactFactory, UserFactory
from tests.html import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation_b(customer_b):
    invitation, _token = services.invitation_send(
        account=customer_b.contact.account,
        invited_by=customer_b,
        email="eve@bravo.example",
        role="technical",
        language="en",
        now=timezone.now(),
    )
    return invitation


def test_another_accounts_contact_and_invitation_are_not_found(client_a, customer_b, invitation_b):
    other = customer_b.contact
    missing = 2**40
    for name, pk in [
        ("accounts:team_contact", other.pk),
        ("accounts:team_deactivate", other.pk),
        ("accounts:team_reactivate", other.pk),
        ("accounts:team_withdraw", invitation_b.pk),
    ]:
        method = client_a.get if name == "accounts:team_contact" else client_a.post
        assert method(reverse(name, args=[pk])).status_code == 404, name
        assert method(reverse(name, args=[missing])).status_code == 404, name
    assert client_a.get(reverse("accounts:team_contact", args=[2**70])).status_code == 404
    customer_b.refresh_from_db()
    invitation_b.refresh_from_db()
    assert customer_b.is_active and invitation_b.withdrawn_at is None


def test_the_team_page_lists_only_the_accounts_own(client_a, customer_a, customer_b, invitation_b):
    body = Page(client_a.get(reverse("accounts:team")))
    assert body.texts("[data-testid=team-contacts] tbody td.text-break") == [customer_a.email]
    assert "eve@bravo.example" not in body and customer_b.email not in body


@pytest.mark.parametrize("name", ["accounts:team", "accounts:team_record", "accounts:team_contact"])
def test_another_contact_gets_the_primary_contact_only_page(customer_a, name, client_of):
    other = ContactFactory(account=customer_a.contact.account, role=Contact.Role.TECHNICAL)
    args = [customer_a.contact.pk] if name == "accounts:team_contact" else []
    response = client_of(other.user).get(reverse(name, args=args))
    assert response.status_code == 403
    body = Page(response)
    assert "This page is for your company's primary contact" in body
    assert customer_a.email in body.attrs("[data-testid=primary-contacts] a", "href")[0]


def test_a_non_primary_contact_cannot_invite_or_deactivate(customer_a, client_of):
    other = ContactFactory(account=customer_a.contact.account, role=Contact.Role.BILLING)
    client = client_of(other.user)
    response = client.post(
        reverse("accounts:team_invite"),
        {"email": "x@alpha.example", "role": "technical", "language": "en"},
    )
    assert response.status_code == 403
    response = client.post(reverse("accounts:team_deactivate", args=[customer_a.contact.pk]))
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    customer_a.refresh_from_db()
    assert customer_a.is_active


def test_a_login_of_no_account_and_anonymous_visitors_are_kept_out(db, client_of):
    assert client_of(UserFactory()).get(reverse("accounts:team")).status_code == 403
    response = Client().get(reverse("accounts:team"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_profile_links_the_primary_contact_to_the_team_page(client_a, customer_a, client_of):
    link = Page(client_a.get(reverse("accounts:profile"))).one("[data-testid=team-link] a")
    assert link.get("href") == reverse("accounts:team")
    other = ContactFactory(account=customer_a.contact.account, role=Contact.Role.TECHNICAL)
    assert not Page(client_of(other.user).get(reverse("accounts:profile"))).has(
        "[data-testid=team-link]"
    )


# Session, user with contact and account, contacts, invitations (the incident banner's
# query is cached, warmed by a first request).
TEAM_PAGE_QUERIES = 4


def test_the_team_page_runs_a_fixed_number_of_queries(
    client_a, customer_a, django_assert_num_queries
):
    client_a.get(reverse("accounts:team"))
    with django_assert_num_queries(TEAM_PAGE_QUERIES):
        client_a.get(reverse("accounts:team"))
    account = customer_a.contact.account
    for n in range(5):
        ContactFactory(account=account, role=Contact.Role.TECHNICAL)
        services.invitation_send(
            account=account,
            invited_by=customer_a,
            email=f"n{n}@alpha.example",
            role="billing",
            language="nl",
            now=timezone.now(),
        )
    with django_assert_num_queries(TEAM_PAGE_QUERIES):
        body = Page(client_a.get(reverse("accounts:team")))
    assert len(body.select("[data-testid=team-contacts] tbody tr")) == 6
    assert len(body.select("[data-testid=team-invitations] li")) == 5


# --- the audit record -----------------------------------------------------------------

RECORD_PAGE_QUERIES = 4  # session, user with contact and account, count, the page


def test_the_primary_contact_reads_the_record_newest_first_paged(
    client_a, customer_a, customer_b, django_assert_num_queries
):
    account = customer_a.contact.account
    for n in range(55):
        account_event_record(
            account=account,
            kind=AccountEvent.Kind.CONTACT_INVITED,
            actor=customer_a,
            subject=f"p{n}@x",
        )
    account_event_record(
        account=customer_b.contact.account,
        kind=AccountEvent.Kind.CONTACT_INVITED,
        subject="secret@b",
    )
    client_a.get(reverse("accounts:team_record"))
    with django_assert_num_queries(RECORD_PAGE_QUERIES):
        body = Page(client_a.get(reverse("accounts:team_record")))
    rows = body.select("[data-testid=account-record] tbody tr")
    assert len(rows) == 50
    assert body.texts("[data-testid=record-pages] a") == ["Older"]
    assert "p54@x" in rows[0].text_content()
    with django_assert_num_queries(RECORD_PAGE_QUERIES):
        older = Page(client_a.get(reverse("accounts:team_record") + "?page=2"))
    assert len(older.select("[data-testid=account-record] tbody tr")) == 5
    assert older.texts("[data-testid=record-pages] a") == ["Newer"]
    assert "p0@x" in older and "secret@b" not in older and "secret@b" not in body
    # A page past the end, or no number, is the last page or the first.
    assert Page(client_a.get(reverse("accounts:team_record") + "?page=x")).has(
        "[data-testid=account-record]"
    )
