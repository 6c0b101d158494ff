"""The primary contact invites a colleague by mail; the colleague opens the link, chooses
a password and is signed in as a contact of the account."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import tasks
from accounts.models import AccountEvent, Contact, Invitation, User
from accounts.team import selectors, services
from core.models import DoneOnce
from tests.factories import ContactFactory, StaffFactory, UserFactory, signs_in
from tests.html import Page

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum-orchard-lantern-42"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Send an invitation from the team page; its mail is queued once it commits."""

    def send(client, email="carol@alpha.example", role="technical", language="en"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("accounts:team_invite"),
                {"email": email, "role": role, "language": language},
            )

    return send


def link_in(message) -> str:
    return re.search(r"https?://\S+/me/team/join/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def accept(client, link, name="Carol Colleague", password=NEW_PASSWORD):
    return client.post(
        path_of(link), {"full_name": name, "password1": password, "password2": password}
    )


def test_an_invited_colleague_joins_the_account_and_is_signed_in(client_a, customer_a, invite):
    response = invite(client_a, email="Carol@Alpha.example", role="billing", language="nl")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["carol@alpha.example"]
    # In the language the inviter chose.
    assert "Alpha Mail BV" in message.subject and "uitgenodigd" in message.subject
    link = link_in(message)

    visitor = Client()
    form = Page(visitor.get(path_of(link)))
    assert "carol@alpha.example" in form
    response = accept(visitor, link)
    assert response.status_code == 302 and response["Location"] == reverse("home")

    carol = User.objects.get(email="carol@alpha.example")
    assert (carol.contact.account, carol.contact.role, carol.language) == (
        customer_a.contact.account,
        Contact.Role.BILLING,
        "nl",
    )
    assert visitor.session["_auth_user_id"] == str(carol.pk)
    assert visitor.get(reverse("cases:list")).status_code == 200
    assert signs_in("carol@alpha.example", NEW_PASSWORD)
    kinds = list(
        AccountEvent.objects.filter(account=customer_a.contact.account)
        .order_by("at", "id")
        .values_list("kind", "subject", "actor__email")
    )
    assert kinds == [
        (AccountEvent.Kind.CONTACT_INVITED, "carol@alpha.example", customer_a.email),
        (AccountEvent.Kind.INVITATION_ACCEPTED, "carol@alpha.example", "carol@alpha.example"),
    ]


def test_only_a_hash_of_the_link_is_kept(client_a, invite):
    invite(client_a)
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert invitation.token_hash == services.token_hash(token)


def test_the_link_works_once(client_a, invite):
    invite(client_a)
    link = link_in(mail.outbox[0])
    assert accept(Client(), link).status_code == 302
    response = accept(Client(), link, name="Mallory", password="another-long-passphrase")
    assert response.status_code == 410
    assert "This invitation was used already" in Page(response).text("[data-testid=refusal]")
    assert User.objects.filter(email="carol@alpha.example").get().full_name == "Carol Colleague"


def test_an_expired_link_is_refused_with_its_date(client_a, invite):
    invite(client_a)
    link = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = Client().get(path_of(link))
        assert response.status_code == 410
        assert "This invitation expired on" in Page(response).text("[data-testid=refusal]")
        assert accept(Client(), link).status_code == 410
    assert not User.objects.filter(email="carol@alpha.example").exists()


def test_a_withdrawn_link_is_refused(client_a, customer_a, invite):
    invite(client_a)
    link = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    response = client_a.post(reverse("accounts:team_withdraw", args=[invitation.pk]))
    assert response.status_code == 302
    response = accept(Client(), link)
    assert response.status_code == 410
    assert "This invitation was withdrawn" in Page(response).text("[data-testid=refusal]")
    assert AccountEvent.objects.filter(kind=AccountEvent.Kind.INVITATION_WITHDRAWN).count() == 1
    # No longer listed as open.
    assert not Page(client_a.get(reverse("accounts:team"))).has("[data-testid=team-invitations]")


@pytest.mark.parametrize("change", ["one-character", "cut", "other"])
def test_a_tampered_link_is_not_found(client_a, change, invite):
    invite(client_a)
    link = path_of(link_in(mail.outbox[0]))
    token = link.rstrip("/").rsplit("/", 1)[1]
    bad = {
        "one-character": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "cut": token[:20],
        "other": "x" * 300,
    }[change]
    response = Client().get(reverse("accounts:join", args=[bad]))
    assert response.status_code == 404
    assert "This invitation link is not valid" in Page(response).text("[data-testid=refusal]")


def test_an_address_with_a_login_is_told_to_ask_staff(client_a, customer_b, invite):
    invite(client_a, email=customer_b.email)
    response = accept(Client(), link_in(mail.outbox[0]))
    assert response.status_code == 410
    assert "a login belongs to one customer account" in Page(response).text("[data-testid=refusal]")
    # The login stays with its own account, its password unchanged.
    login = User.objects.select_related("contact__account").get(email=customer_b.email)
    assert login.contact.account.name == "Bravo Sending Ltd"
    assert login.password == customer_b.password
    # The inviting page said nothing about it: the invitation was mailed.
    assert mail.outbox[0].to == [customer_b.email]


def test_a_staff_address_is_refused(client_a, invite):
    StaffFactory(email="tess@example.com")
    invite(client_a, email="tess@example.com")
    response = Client().get(path_of(link_in(mail.outbox[0])))
    assert response.status_code == 410
    assert "is a staff address" in Page(response).text("[data-testid=refusal]")
    assert not Contact.objects.filter(user__email="tess@example.com").exists()


def test_a_login_made_after_the_invitation_is_refused_at_acceptance(client_a, invite):
    invite(client_a)
    link = link_in(mail.outbox[0])
    UserFactory(email="carol@alpha.example")
    response = accept(Client(), link)
    assert response.status_code == 410
    assert not Contact.objects.filter(user__email="carol@alpha.example").exists()


def test_a_weak_password_is_refused_by_the_validators(client_a, invite):
    invite(client_a)
    link = link_in(mail.outbox[0])
    response = accept(Client(), link, password="12345678")
    assert response.status_code == 400
    errors = response.context["form"].errors["password1"]
    assert any("too common" in e for e in errors)
    response = Client().post(
        path_of(link),
        {"full_name": "Carol", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )
    assert "The two passwords differ" in response.context["form"].errors["password2"][0]
    assert not User.objects.filter(email="carol@alpha.example").exists()


def test_the_primary_contact_cannot_invite_a_primary_contact(client_a, invite):
    response = invite(client_a, role="primary")
    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists() and not mail.outbox


def test_a_colleague_already_on_the_team_or_invited_is_not_invited_twice(
    client_a, customer_a, invite
):
    ContactFactory(account=customer_a.contact.account, user__email="dave@alpha.example")
    response = invite(client_a, email="DAVE@alpha.example")
    assert response.status_code == 400
    assert "already a contact of your account" in Page(response).text("form .alert")
    invite(client_a)
    response = invite(client_a)
    assert "has an open invitation" in Page(response).text("form .alert")
    assert Invitation.objects.count() == 1


def test_invitations_are_limited_per_account_per_day(client_a, monkeypatch, invite):
    monkeypatch.setattr(services, "INVITATIONS_PER_DAY", 3)
    for n in range(3):
        assert invite(client_a, email=f"c{n}@alpha.example").status_code == 302
    response = invite(client_a, email="c9@alpha.example")
    assert response.status_code == 400
    assert "3 invitations in the last 24 hours" in Page(response).text("form .alert")
    assert len(mail.outbox) == 3


def test_an_email_field_too_long_is_refused_with_a_sentence(client_a, invite):
    response = invite(client_a, email="a" * 250 + "@alpha.example")
    assert response.status_code == 400
    assert "email" in response.context["form"].errors


def test_the_invitation_task_run_twice_mails_once_and_not_once_withdrawn(client_a, invite):
    invite(client_a)
    invitation = Invitation.objects.get()
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert tasks.send_invitation.apply(args=[invitation.pk, token]).get() is False
    assert len(mail.outbox) == 1

    invite(client_a, email="erin@alpha.example")
    second = Invitation.objects.get(email="erin@alpha.example")
    mail.outbox.clear()
    services.invitation_withdraw(invitation=second, actor=None, now=timezone.now())
    # As if the mail had not gone out yet: a withdrawn invitation is not mailed.
    DoneOnce.objects.filter(key=f"invitation:{second.pk}").delete()
    assert tasks.send_invitation.apply(args=[second.pk, "any"]).get() is False
    assert mail.outbox == []


def test_an_invitation_accepted_by_single_sign_on_makes_a_login_without_a_password(
    client_a, customer_a, invite
):
    invite(client_a, email="Carol@alpha.example")
    account = customer_a.contact.account
    now = timezone.now()
    invitation = selectors.open_invitation_for(account, "CAROL@alpha.example", now=now)
    assert invitation is not None
    carol = services.invitation_accept(
        invitation=invitation, full_name="Carol", password=None, now=now
    )
    assert not carol.has_usable_password() and carol.contact.account == account
    assert selectors.open_invitation_for(account, "carol@alpha.example", now=now) is None
