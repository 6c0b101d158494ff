"""Staff read the accounts' audit record in the admin, read-only and within their scope;
a role staff give that makes or ends a primary contact goes on the record."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEvent, Contact
from accounts.services import account_event_record
from accounts.team.services import invitation_send
from tests.factories import ContactFactory
from tests.html import page, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(account_a, account_b):
    return (
        account_event_record(
            account=account_a, kind=AccountEvent.Kind.CONTACT_INVITED, subject="a@alpha.example"
        ),
        account_event_record(
            account=account_b, kind=AccountEvent.Kind.CONTACT_INVITED, subject="b@bravo.example"
        ),
    )


def listed(client) -> list[str]:
    response = client.get(reverse("admin:accounts_accountevent_changelist"))
    assert response.status_code == 200
    return sorted(texts(page(response), "#result_list td.field-subject"))


def test_a_tam_reads_their_own_accounts_record_only(tam_a, records, client_of):
    client = client_of(tam_a)
    assert listed(client) == ["a@alpha.example"]
    mine, theirs = records
    assert (
        client.get(reverse("admin:accounts_accountevent_change", args=[mine.pk])).status_code == 200
    )
    response = client.get(reverse("admin:accounts_accountevent_change", args=[theirs.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_a_manager_reads_every_record_and_changes_none(manager, records, client_of):
    client = client_of(manager)
    assert listed(client) == ["a@alpha.example", "b@bravo.example"]
    mine = records[0]
    url = reverse("admin:accounts_accountevent_change", args=[mine.pk])
    assert client.post(url, {"subject": "rewritten"}).status_code == 403
    assert (
        client.post(
            reverse("admin:accounts_accountevent_delete", args=[mine.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    mine.refresh_from_db()
    assert mine.subject == "a@alpha.example"


def test_an_agent_has_no_record_page(agent, records, client_of):
    assert (
        client_of(agent).get(reverse("admin:accounts_accountevent_changelist")).status_code == 403
    )


def test_staff_making_a_contact_primary_is_on_the_record(tam_a, account_a, customer_a, client_of):
    colleague = ContactFactory(
        account=account_a, role=Contact.Role.TECHNICAL, user__email="d@alpha.example"
    )
    url = reverse("admin:accounts_contact_change", args=[colleague.pk])
    response = client_of(tam_a).post(
        url, {"user": colleague.user_id, "account": account_a.pk, "role": "primary"}
    )
    assert response.status_code == 302
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.PRIMARY_CONTACT_CHANGED)
    assert (event.account, event.subject, event.actor) == (account_a, "d@alpha.example", tam_a)
    assert event.detail == "Technical contact → Primary contact"


def test_the_account_page_records_a_primary_contact_ended(tam_a, account_a, customer_a, client_of):
    contact = customer_a.contact
    data = {
        "name": account_a.name,
        "time_zone": account_a.time_zone,
        "office_hours": account_a.office_hours_id,
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "1",
        "contacts-0-id": contact.pk,
        "contacts-0-account": account_a.pk,
        "contacts-0-user": customer_a.pk,
        "contacts-0-role": "billing",
    }
    response = client_of(tam_a).post(
        reverse("admin:accounts_account_change", args=[account_a.pk]), data
    )
    assert response.status_code == 302
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.PRIMARY_CONTACT_CHANGED)
    assert event.detail == "Primary contact → Billing contact"
    contact.refresh_from_db()
    # The contact's own mail choices are not the account page's to change.
    assert contact.blocklist_alerts is True


def test_a_role_change_not_touching_primary_is_not_recorded(tam_a, account_a, client_of):
    colleague = ContactFactory(account=account_a, role=Contact.Role.TECHNICAL)
    client_of(tam_a).post(
        reverse("admin:accounts_contact_change", args=[colleague.pk]),
        {"user": colleague.user_id, "account": account_a.pk, "role": "billing"},
    )
    colleague.refresh_from_db()
    assert colleague.role == "billing"
    assert not AccountEvent.objects.exists()


def test_a_tam_reads_their_own_accounts_invitations_without_the_tokens_hash(
    tam_a, customer_a, customer_b, client_of
):
    mine, _token = invitation_send(
        account=customer_a.contact.account,
        invited_by=customer_a,
        email="new@alpha.example",
        role="billing",
        language="en",
        now=timezone.now(),
    )
    invitation_send(
        account=customer_b.contact.account,
        invited_by=customer_b,
        email="new@bravo.example",
        role="billing",
        language="en",
        now=timezone.now(),
    )
    client = client_of(tam_a)
    response = client.get(reverse("admin:accounts_invitation_changelist"))
    assert texts(page(response), "#result_list th.field-email") == ["new@alpha.example"]
    response = client.get(reverse("admin:accounts_invitation_change", args=[mine.pk]))
    assert response.status_code == 200
    assert mine.token_hash not in response.content.decode()
