"""Staff configure an account's single sign-on in the admin: Support Managers every
account's, TAMs read it; the secret is written and never shown back; each change is on
the account's audit record with who made it."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import tasks
from accounts.models import AccountEvent, Contact
from accounts.sso.models import AccountSignOn
from tests import html
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:sso_accountsignon_add")
SECRET = "s3cret-from-the-provider-console"


# Nothing listens on port 9 of this machine: saving such a configuration says so.
ISSUER = "http://127.0.0.1:9/realms/alpha"


@pytest.fixture(autouse=True)
def _loopback_providers(settings):
    settings.SSO_ALLOW_LOOPBACK_HTTP = True


def change_url(sign_on):
    return reverse("admin:sso_accountsignon_change", args=[sign_on.pk])


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def form(account, **fields):
    return {
        "account": account.pk,
        "issuer": ISSUER + "/",
        "client_id": "support-portal",
        "new_client_secret": SECRET,
        "domain_text": "Alpha.example\nmail.alpha.example, alpha.example",
        "enabled": "on",
        **fields,
    }


def test_a_manager_configures_it_and_the_audit_record_says_so(manager, account_a):
    response = client_for(manager).post(ADD, form(account_a))
    assert response.status_code == 302
    sign_on = AccountSignOn.objects.get(account=account_a)
    assert sign_on.issuer == ISSUER + "/"  # as typed: the provider's tokens name it so
    assert sign_on.client_secret == SECRET
    assert sign_on.enabled and not sign_on.allow_joining
    assert sign_on.domain_names == ["alpha.example", "mail.alpha.example"]
    event = AccountEvent.objects.get(account=account_a)
    assert event.kind == AccountEvent.Kind.SSO_CONFIGURED
    assert event.actor == manager
    assert "domains: alpha.example, mail.alpha.example" in event.detail
    assert SECRET not in event.detail


def test_saving_says_when_the_provider_cannot_be_read(manager, account_a, oidc):
    client = client_for(manager)
    response = client.post(ADD, form(account_a), follow=True)
    (warning,) = html.texts(response, ".messagelist .warning")
    assert warning.startswith("Saved, but the identity provider's configuration could not be read")
    sign_on = AccountSignOn.objects.get()
    response = client.post(change_url(sign_on), form(account_a, issuer=oidc.issuer), follow=True)
    html.absent(response, ".messagelist .warning")
    sign_on.refresh_from_db()
    assert sign_on.issuer == oidc.issuer


def test_the_secret_is_never_shown_back_and_an_empty_one_keeps_it(manager, account_a):
    client = client_for(manager)
    client.post(ADD, form(account_a))
    sign_on = AccountSignOn.objects.get(account=account_a)
    page = client.get(change_url(sign_on))
    assert SECRET not in page.content.decode()
    assert html.attr(page, "input[name=new_client_secret]", "type") == "password"
    assert html.attr(page, "input[name=new_client_secret]", "value") is None

    data = form(account_a, new_client_secret="", client_id="support-portal-2")
    del data["enabled"]
    assert client.post(change_url(sign_on), data).status_code == 302
    sign_on.refresh_from_db()
    assert sign_on.client_secret == SECRET
    assert sign_on.client_id == "support-portal-2" and not sign_on.enabled
    event = AccountEvent.objects.filter(kind=AccountEvent.Kind.SSO_CHANGED).get()
    assert event.actor == manager
    assert "client ID: support-portal-2" in event.detail
    assert "enabled: False" in event.detail
    assert "client secret" not in event.detail

    client.post(change_url(sign_on), form(account_a, new_client_secret="a-new-one"))
    sign_on.refresh_from_db()
    assert sign_on.client_secret == "a-new-one"
    assert (
        "client secret replaced" in AccountEvent.objects.filter(kind="sso_changed").first().detail
    )


@pytest.mark.parametrize(
    ("fields", "field", "sentence"),
    [
        ({"issuer": "http://login.alpha.example"}, "issuer", "must start with https://"),
        ({"issuer": "https://login.alpha.example/?x=1"}, "issuer", "must not have a query"),
        ({"domain_text": "alpha.example\nnot a domain!"}, "domain_text", "“not” is not an email"),
        ({"domain_text": "x" * 5001}, "domain_text", "at most 5000 characters"),
        ({"new_client_secret": ""}, "new_client_secret", "This field is required"),
    ],
)
def test_bad_input_is_a_sentence_on_its_field(manager, account_a, fields, field, sentence):
    response = client_for(manager).post(ADD, form(account_a, **fields))
    assert response.status_code == 200
    assert sentence in html.text(response, f".field-{field} .errorlist")
    assert not AccountSignOn.objects.exists()


def test_a_domain_of_another_accounts_configuration_is_refused(manager, account_a, account_b):
    client = client_for(manager)
    client.post(ADD, form(account_b, domain_text="bravo.example\nalpha.example"))
    response = client.post(ADD, form(account_a))
    assert response.status_code == 200
    assert html.text(response, ".field-domain_text .errorlist") == (
        "alpha.example already sign in through another customer account's provider."
    )
    assert not AccountSignOn.objects.filter(account=account_a).exists()


def test_a_domain_of_another_accounts_contacts_is_refused(manager, account_a, customer_b):
    # customer_b is bob@bravo.example, a contact of account B.
    response = client_for(manager).post(
        ADD, form(account_a, domain_text="alpha.example bravo.example")
    )
    assert html.text(response, ".field-domain_text .errorlist") == (
        "Contacts of another customer account have addresses at bravo.example: they would lose "
        "their sign-in."
    )
    assert not AccountSignOn.objects.exists()


def test_a_tam_reads_their_accounts_configuration_and_changes_nothing(
    tam_a, tam_b, manager, account_a
):
    # Their own account's provider is the way in as its contacts: a manager's to set.
    assert client_for(tam_a).get(ADD).status_code == 403
    assert client_for(tam_a).post(ADD, form(account_a)).status_code == 403
    assert not AccountSignOn.objects.exists()
    client_for(manager).post(ADD, form(account_a))
    sign_on = AccountSignOn.objects.get(account=account_a)

    for tam in (tam_a, tam_b):
        page = client_for(tam).get(change_url(sign_on))
        assert page.status_code == 200
        assert ISSUER in html.text(page, ".field-issuer")
        html.absent(page, "input[name=_save]")
        html.absent(page, "input[name=new_client_secret]")
        assert SECRET not in page.content.decode()
        response = client_for(tam).post(
            change_url(sign_on), form(account_a, issuer="https://idp.tam.example", enabled="")
        )
        assert response.status_code == 403
    sign_on.refresh_from_db()
    assert sign_on.issuer == ISSUER + "/" and sign_on.enabled


def test_roles_without_the_permission_are_refused(agent, representative, account_a):
    for user in (agent, representative):
        assert client_for(user).get(ADD).status_code == 403
        assert (
            client_for(user).get(reverse("admin:sso_accountsignon_changelist")).status_code == 403
        )


def test_nobody_deletes_a_configuration(superuser, manager, account_a):
    client_for(manager).post(ADD, form(account_a))
    sign_on = AccountSignOn.objects.get()
    url = reverse("admin:sso_accountsignon_delete", args=[sign_on.pk])
    assert client_for(superuser).post(url, {"post": "yes"}).status_code == 403
    assert AccountSignOn.objects.exists()


def test_the_list_runs_a_fixed_number_of_queries(manager, django_assert_num_queries):
    from accounts.sso.models import SignOnDomain

    def add(count):
        for _ in range(count):
            sign_on = AccountSignOn.objects.create(
                account=AccountFactory(),
                issuer="https://id.example",
                client_id="c",
                client_secret="s",
            )
            SignOnDomain.objects.create(sign_on=sign_on, domain=f"d{sign_on.pk}.example")

    client = client_for(manager)
    url = reverse("admin:sso_accountsignon_changelist")
    add(1)
    client.get(url)
    with django_assert_num_queries(9):
        client.get(url)
    add(4)
    with django_assert_num_queries(9):
        response = client.get(url)
    domains = html.texts(response, "#result_list td.field-domain_list")
    assert len(domains) == 5 and all(d.endswith(".example") for d in domains)


def test_the_account_field_offers_the_accounts_without_one(manager, account_a, account_b):
    client_for(manager).post(ADD, form(account_b, domain_text="bravo.example"))
    url = reverse("admin:autocomplete")
    query = {"app_label": "sso", "model_name": "accountsignon", "field_name": "account"}
    response = client_for(manager).get(url, {**query, "term": ""})
    assert [r["text"] for r in response.json()["results"]] == ["Alpha Mail BV"]


def test_the_primary_contacts_are_mailed_in_their_language_when_sign_in_changes(
    manager, account_a, account_b, django_capture_on_commit_callbacks
):
    primary = ContactFactory(
        account=account_a, user__email="pia@alpha.example", user__language="nl"
    ).user
    ContactFactory(account=account_a, user__email="tom@alpha.example", role=Contact.Role.OTHER)
    ContactFactory(account=account_a, user__email="gone@alpha.example", user__is_active=False)
    ContactFactory(account=account_b, user__email="bob@bravo.example")
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, form(account_a))
    (configured,) = mail.outbox
    assert configured.to == [primary.email]
    assert configured.subject == "Single sign-on is ingesteld voor Alpha Mail BV"
    assert ISSUER in configured.body and "alpha.example, mail.alpha.example" in configured.body
    sign_on = AccountSignOn.objects.get()

    # The client id alone changes nobody's way in: no mail.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(sign_on), form(account_a, client_id="another-client"))
    assert len(mail.outbox) == 1
    for change in ({"issuer": "https://idp.elsewhere.example"}, {"enabled": ""}):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(change_url(sign_on), form(account_a, **change))
    assert [m.to for m in mail.outbox[1:]] == [[primary.email]] * 2
    assert "https://idp.elsewhere.example" in mail.outbox[1].body
    assert mail.outbox[2].subject == "De single sign-on van Alpha Mail BV is gewijzigd"
    assert "Single sign-on: uit" in mail.outbox[2].body

    # A worker given the same task twice mails once.
    event = AccountEvent.objects.filter(kind=AccountEvent.Kind.SSO_CHANGED).latest("pk")
    assert tasks.send_sign_on_changed(event.pk, ISSUER, ["alpha.example"], False) == 0
    assert len(mail.outbox) == 3
