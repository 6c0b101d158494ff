"""A Technical Account Manager manages only the accounts where they are the TAM: the
account, its contacts and their logins. Each attack below once worked from another
account's TAM."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Account, Contact, User
from tests.factories import PASSWORD, ContactFactory, signs_in
from tests.html import absent, one, page, text, texts

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def account_form(account, **changes):
    data = {
        "name": account.name,
        "time_zone": account.time_zone,
        "tam": account.tam_id,
        "office_hours": account.office_hours_id,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_a_tam_cannot_set_another_accounts_customer_password_and_sign_in(tam_b, customer_a):
    old = customer_a.password
    url = reverse("admin:auth_user_password_change", args=[customer_a.pk])
    response = signed_in(tam_b).post(
        url, {"password1": "a-takeover-pass-1", "password2": "a-takeover-pass-1"}
    )
    assert response.status_code == 403
    customer_a.refresh_from_db()
    assert customer_a.password == old
    assert not signs_in(customer_a.email, "a-takeover-pass-1")


@pytest.mark.parametrize("persona", ["tam_a", "manager", "superuser"])
def test_no_staff_member_sets_a_customers_password(request, persona, customer_a):
    url = reverse("admin:auth_user_password_change", args=[customer_a.pk])
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "a-new-pass-123", "password2": "a-new-pass-123"})
    assert response.status_code == 403
    assert signs_in(customer_a.email, PASSWORD)


def test_the_customer_login_page_offers_no_password_form(tam_a, customer_a):
    page = signed_in(tam_a).get(reverse("admin:accounts_user_change", args=[customer_a.pk]))
    assert page.status_code == 200
    absent(page.content, "a[href='../password/']")
    one(page.content, "[data-testid=send-password-link]")


def test_a_tam_cannot_add_a_new_login_as_another_accounts_contact(tam_b, account_a):
    client = signed_in(tam_b)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "mole@bravo.example", "full_name": "Mole", "language": "en"},
    )
    assert response.status_code == 302  # a TAM may create a login ...
    mole = User.objects.get(email="mole@bravo.example")
    response = client.post(
        reverse("admin:accounts_contact_add"),
        {"user": mole.pk, "account": account_a.pk, "role": "technical"},
    )
    assert response.status_code == 200  # ... but attaches it to their own accounts only
    [refusal] = texts(response.content, ".field-account .errorlist li")
    assert refusal.startswith("Select a valid choice")
    assert not Contact.objects.filter(user=mole).exists()


def test_a_tam_cannot_rename_another_account(tam_b, account_a):
    url = reverse("admin:accounts_account_change", args=[account_a.pk])
    response = signed_in(tam_b).post(url, account_form(account_a, name="Renamed by B"))
    assert response.status_code == 403
    account_a.refresh_from_db()
    assert account_a.name == "Alpha Mail BV"


def test_a_tam_cannot_delete_another_accounts_contact(tam_b, customer_a):
    contact = customer_a.contact
    url = reverse("admin:accounts_contact_delete", args=[contact.pk])
    assert signed_in(tam_b).post(url, {"post": "yes"}).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_tam_cannot_delete_another_accounts_contact_through_the_account_page(
    tam_b, account_a, customer_a
):
    contact = customer_a.contact
    url = reverse("admin:accounts_account_change", args=[account_a.pk])
    data = account_form(
        account_a,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": contact.pk,
            "contacts-0-account": account_a.pk,
            "contacts-0-user": customer_a.pk,
            "contacts-0-role": contact.role,
            "contacts-0-DELETE": "on",
        },
    )
    assert signed_in(tam_b).post(url, data).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_tam_cannot_make_themselves_another_accounts_tam(tam_a, tam_b, account_a):
    url = reverse("admin:accounts_account_change", args=[account_a.pk])
    response = signed_in(tam_b).post(url, account_form(account_a, tam=tam_b.pk))
    assert response.status_code == 403
    account_a.refresh_from_db()
    assert account_a.tam == tam_a


def test_the_tam_field_is_read_only_for_the_accounts_own_tam(tam_a, tam_b, account_a):
    url = reverse("admin:accounts_account_change", args=[account_a.pk])
    client = signed_in(tam_a)
    tree = page(client.get(url))
    absent(tree, "[name=tam]")
    assert text(tree, ".field-tam .readonly") == tam_a.full_name
    response = client.post(url, account_form(account_a, name="Alpha Mail NV", tam=tam_b.pk))
    assert response.status_code == 302
    account_a.refresh_from_db()
    assert account_a.name == "Alpha Mail NV"  # their own account: renamed
    assert account_a.tam == tam_a  # but the TAM is the managers' to assign


def test_a_tam_cannot_add_an_account(tam_a, account_a):
    client = signed_in(tam_a)
    assert client.get(reverse("admin:accounts_account_add")).status_code == 403
    response = client.post(
        reverse("admin:accounts_account_add"),
        account_form(account_a, name="Shadow Account BV"),
    )
    assert response.status_code == 403
    assert not Account.objects.filter(name="Shadow Account BV").exists()


def test_a_manager_assigns_an_accounts_tam(manager, tam_a, tam_b, account_a):
    url = reverse("admin:accounts_account_change", args=[account_a.pk])
    response = signed_in(manager).post(url, account_form(account_a, tam=tam_b.pk))
    assert response.status_code == 302
    account_a.refresh_from_db()
    assert account_a.tam == tam_b


def test_a_tam_manages_their_own_accounts_contacts(tam_a, account_a, customer_a):
    colleague = ContactFactory(account=account_a, user__email="carl@alpha.example")
    client = signed_in(tam_a)
    url = reverse("admin:accounts_contact_delete", args=[colleague.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Contact.objects.filter(pk=colleague.pk).exists()


def test_a_tam_does_not_change_another_accounts_customer_login(tam_b, customer_a):
    url = reverse("admin:accounts_user_change", args=[customer_a.pk])
    client = signed_in(tam_b)
    page = client.get(url)
    assert page.status_code == 200  # read, for oversight
    absent(page.content, "input[name=_save]")
    response = client.post(url, {"email": "mole@bravo.example", "full_name": "Mole"})
    assert response.status_code == 403
    customer_a.refresh_from_db()
    assert customer_a.email == "alice@alpha.example"


def autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {row["text"] for row in response.json()["results"]}


def test_choosing_a_contacts_login_or_account_offers_only_the_tams_own(
    tam_a, account_a, account_b, customer_a, customer_b
):
    unattached = User.objects.create_user("new@alpha.example", full_name="New Person")
    client = signed_in(tam_a)
    logins = autocomplete(client, "contact", "user")
    assert {str(customer_a), str(unattached)} <= logins
    assert str(customer_b) not in logins
    assert autocomplete(client, "contact", "account") == {account_a.name}


def test_a_manager_chooses_among_every_account(manager, account_a, account_b):
    assert autocomplete(signed_in(manager), "contact", "account") == {
        account_a.name,
        account_b.name,
    }
