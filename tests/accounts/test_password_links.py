"""No staff member sets a customer's password: a new customer login is mailed a link to
choose one, and staff may mail a fresh link; staff logins' passwords stay with managers."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from tests.factories import PASSWORD, signs_in
from tests.html import absent, one, texts

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link_in(message) -> str:
    return re.search(r"http://\S+/accounts/reset/\S+/", message.body).group(0)


def text_of(message) -> str:
    """The mail's text, its one-time link replaced by <link>."""
    return message.body.replace(link_in(message), "<link>")


def choose_password(link: str, password: str) -> None:
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )
    assert done.status_code == 302


def test_a_new_customer_login_has_no_password_and_is_mailed_a_link_in_their_language(tam_a):
    response = signed_in(tam_a).post(
        reverse("admin:accounts_user_add"),
        {"email": "Nora@Alpha.example", "full_name": "Nora Visser", "language": "nl"},
        follow=True,
    )
    assert response.status_code == 200
    assert "A link to choose a password was mailed to nora@alpha.example." in texts(
        response.content, "ul.messagelist li"
    )
    nora = User.objects.get(email="nora@alpha.example")
    assert not nora.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nora@alpha.example"]
    assert mail.outbox[0].subject == "Kies het wachtwoord van uw login voor het supportportaal"
    assert text_of(mail.outbox[0]) == (
        "Beste Nora Visser,\n\n"
        "Er is een login voor het Email Enterprise supportportaal voor u aangemaakt. "
        "Kies hier uw wachtwoord:\n\n"
        "<link>\n\n"
        "De link werkt één keer en verloopt na enkele dagen; met „Wachtwoord vergeten?” "
        "op de inlogpagina vraagt u een nieuwe aan.\n\n"
        "U logt in met dit e-mailadres: nora@alpha.example\n\n"
        "Email Enterprise Support\n\n"
    )
    choose_password(link_in(mail.outbox[0]), "a-fresh-pass-42")
    assert signs_in("nora@alpha.example", "a-fresh-pass-42")


def test_the_add_page_asks_for_no_password(tam_a):
    form = one(signed_in(tam_a).get(reverse("admin:accounts_user_add")).content, "form#user_form")
    one(form, "[name=email]")
    one(form, "[name=language]")
    absent(form, "[name=password1], [name=usable_password]")


def test_the_tam_mails_their_customer_a_link_and_the_password_stays_until_it_is_used(
    tam_a, customer_a
):
    url = reverse("admin:accounts_user_password_link", args=[customer_a.pk])
    response = signed_in(tam_a).post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[customer_a.pk])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [customer_a.email]
    assert mail.outbox[0].subject == "Choose a new support portal password"
    assert text_of(mail.outbox[0]) == (
        f"Hello {customer_a.full_name},\n\n"
        "Our support staff sent you this link to choose a new password for your "
        "Email Enterprise support portal login:\n\n"
        "<link>\n\n"
        "The link works once and expires after a few days; “Forgot your password?” on the "
        "sign-in page sends a new one. Until you use it, your password stays as it is.\n\n"
        "You sign in with this email address: alice@alpha.example\n\n"
        "Email Enterprise Support\n\n"
    )
    customer_a.refresh_from_db()
    assert customer_a.check_password(PASSWORD)
    choose_password(link_in(mail.outbox[0]), "another-pass-77")
    assert signs_in(customer_a.email, "another-pass-77")


@pytest.mark.parametrize("persona", ["tam_b", "representative", "agent"])
def test_others_cannot_mail_account_a_customers_a_link(request, persona, customer_a):
    url = reverse("admin:accounts_user_password_link", args=[customer_a.pk])
    assert signed_in(request.getfixturevalue(persona)).post(url).status_code == 403
    assert mail.outbox == []


def test_the_link_is_sent_by_post_only(tam_a, customer_a):
    url = reverse("admin:accounts_user_password_link", args=[customer_a.pk])
    assert signed_in(tam_a).get(url).status_code == 405
    assert mail.outbox == []


def action(client, *logins):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_links", "_selected_action": [u.pk for u in logins]},
    )


def test_the_action_mails_each_selected_customer_a_link(tam_a, customer_a):
    response = action(signed_in(tam_a), customer_a)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[customer_a.email]]


def test_the_action_refuses_when_one_selected_login_is_another_accounts(
    tam_a, customer_a, customer_b
):
    assert action(signed_in(tam_a), customer_a, customer_b).status_code == 403
    assert mail.outbox == []


def test_a_manager_still_sets_a_staff_login_password(manager, agent):
    url = reverse("admin:auth_user_password_change", args=[agent.pk])
    response = signed_in(manager).post(
        url, {"password1": "agent-pass-2027", "password2": "agent-pass-2027"}
    )
    assert response.status_code == 302
    assert signs_in(agent.email, "agent-pass-2027")


def test_a_staff_login_page_shows_the_password_form_to_managers_only(manager, tam_a, agent):
    change = reverse("admin:accounts_user_change", args=[agent.pk])
    password_link = "a[href='../password/']"  # the admin's own, relative to the change page
    one(signed_in(manager).get(change).content, password_link)
    absent(signed_in(tam_a).get(change).content, password_link)


def test_a_mail_failure_is_a_sentence_not_an_error_page(tam_a, customer_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    url = reverse("admin:accounts_user_password_link", args=[customer_a.pk])
    response = signed_in(tam_a).post(url, follow=True)
    assert response.status_code == 200
    [refusal] = texts(response.content, "ul.messagelist li.error")
    assert "could not be mailed to alice@alpha.example" in refusal


def test_a_user_permission_to_change_logins_does_not_reach_passwords(representative, customer_a):
    representative.user_permissions.add(
        Permission.objects.get(codename="change_user", content_type__app_label="accounts")
    )
    url = reverse("admin:auth_user_password_change", args=[customer_a.pk])
    response = signed_in(representative).post(
        url, {"password1": "x-pass-12345", "password2": "x-pass-12345"}
    )
    assert response.status_code == 403


# "Forgot your password?" ----------------------------------------------------------------


def forgot(email: str, *, run_tasks: bool = True):
    with TestCase.captureOnCommitCallbacks(execute=run_tasks) as queued:
        response = Client().post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    return queued


def test_a_customer_whose_first_link_expired_asks_for_a_new_one_and_chooses_a_password(
    customer_a,
):
    customer_a.set_unusable_password()  # made by staff; the first link was never used
    customer_a.language = "nl"
    customer_a.save()
    forgot(customer_a.email.upper())
    assert [m.to for m in mail.outbox] == [[customer_a.email]]
    assert mail.outbox[0].subject == "Stel uw wachtwoord voor het supportportaal opnieuw in"
    assert text_of(mail.outbox[0]) == (
        f"Beste {customer_a.full_name},\n\n"
        "Iemand heeft gevraagd het wachtwoord van uw login voor het Email Enterprise "
        "supportportaal opnieuw in te stellen. Was u dat, kies dan hier een nieuw wachtwoord:\n\n"
        "<link>\n\n"
        "Heeft u hier niet om gevraagd, dan kunt u dit bericht negeren; uw wachtwoord blijft "
        "ongewijzigd.\n\n"
        "U logt in met dit e-mailadres: alice@alpha.example\n\n"
        "Email Enterprise Support\n\n"
    )
    choose_password(link_in(mail.outbox[0]), "chosen-at-last-42")
    assert signs_in(customer_a.email, "chosen-at-last-42")


def test_a_staff_login_without_a_password_gets_no_link(agent):
    agent.set_unusable_password()
    agent.save()
    forgot(agent.email)
    assert mail.outbox == []


def test_the_link_is_mailed_after_the_request_not_during_it(customer_a):
    # The page takes as long for a known address as for an unknown one: the mail is
    # a task queued on commit.
    queued = forgot(customer_a.email, run_tasks=False)
    assert mail.outbox == [] and len(queued) == 1
    assert forgot("nobody@nowhere.example", run_tasks=False) == []


@pytest.mark.parametrize(
    ("browser", "preferred", "subject"),
    [
        ("nl", "en", "Reset your support portal password"),
        ("en", "nl", "Stel uw wachtwoord voor het supportportaal opnieuw in"),
    ],
)
def test_the_reset_mail_speaks_the_users_language_not_the_browsers(
    customer_a, settings, browser, preferred, subject
):
    customer_a.language = preferred
    customer_a.save()
    client = Client(headers={"accept-language": browser})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = browser
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": customer_a.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == subject


def test_the_reset_mail_is_rendered_in_the_users_language_by_a_worker(customer_a):
    # Imported here: a tasks module imported while tests are collected registers its
    # tasks before Celery discovers the others.
    from accounts.tasks import send_password_reset

    customer_a.language = "nl"
    customer_a.save()
    # A worker has no request: whatever language is active there is not the reader's.
    with translation.override("en"):
        assert send_password_reset(customer_a.pk) is True
    [message] = mail.outbox
    assert message.subject == "Stel uw wachtwoord voor het supportportaal opnieuw in"
    assert message.body.startswith(f"Beste {customer_a.full_name},")
