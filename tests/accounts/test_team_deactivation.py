"""The primary contact deactivates a colleague: their sessions end at once, they cannot
sign in again (by password or a reset link), and receivers of `contact_deactivated` end
what else their login holds."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AccountEvent, Contact, Invitation
from accounts.signals import contact_deactivated
from accounts.team import services
from tests.factories import PASSWORD, ContactFactory, signs_in
from tests.html import Page

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert (
        client.post(reverse("login"), {"username": user.email, "password": PASSWORD}).status_code
        == 302
    )
    return client


def sessions_of(user) -> int:
    return sum(
        str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
        for session in Session.objects.all()
    )


def test_deactivation_ends_a_session_at_once_and_sign_in_is_refused(client_a, colleague):
    theirs = signed_in(colleague.user)
    assert theirs.get(reverse("cases:list")).status_code == 200
    assert sessions_of(colleague.user) == 1
    received = []

    def receiver(sender, contact, actor, **kwargs):
        received.append((contact.pk, actor.pk))

    contact_deactivated.connect(receiver)
    try:
        response = client_a.post(reverse("accounts:team_deactivate", args=[colleague.pk]))
    finally:
        contact_deactivated.disconnect(receiver)
    assert response.status_code == 302
    assert received == [(colleague.pk, colleague.account.contacts.get(role="primary").user_id)]
    # The session itself is gone, not merely refused by the sign-in backend.
    assert sessions_of(colleague.user) == 0

    response = theirs.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not signs_in(colleague.user.email, PASSWORD)
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.CONTACT_DEACTIVATED)
    assert event.subject == "dave@alpha.example"
    # The team page says so.
    row = Page(client_a.get(reverse("accounts:team"))).one(f"tr[data-contact='{colleague.pk}']")
    assert "Deactivated" in row.text_content()
    # Reactivated, the login signs in afresh: the old session does not come back.
    client_a.post(reverse("accounts:team_reactivate", args=[colleague.pk]))
    response = theirs.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert sessions_of(colleague.user) == 0


def test_a_deactivated_login_gets_no_reset_link_and_an_old_one_does_not_let_it_in(
    client_a, colleague, django_capture_on_commit_callbacks
):
    user = colleague.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    old_link = reverse(
        "password_reset_confirm", args=[uid, default_token_generator.make_token(user)]
    )
    client_a.post(reverse("accounts:team_deactivate", args=[colleague.pk]))

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("password_reset"), {"email": user.email})
    assert mail.outbox == []

    # The old link still lets them choose a password (Django's view), which opens nothing.
    visitor = Client()
    form_page = visitor.get(old_link, follow=True)
    response = visitor.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh-long-passphrase-9", "new_password2": "fresh-long-passphrase-9"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in visitor.session
    assert not signs_in(user.email, "fresh-long-passphrase-9")
    assert not signs_in(user.email, PASSWORD)


def test_reactivation_lets_them_sign_in_again(client_a, colleague):
    client_a.post(reverse("accounts:team_deactivate", args=[colleague.pk]))
    response = client_a.post(reverse("accounts:team_reactivate", args=[colleague.pk]), follow=True)
    assert "can sign in again" in Page(response).text("[data-testid=message]")
    assert signs_in(colleague.user.email, PASSWORD)
    assert AccountEvent.objects.filter(kind=AccountEvent.Kind.CONTACT_REACTIVATED).count() == 1


def test_the_primary_contact_cannot_deactivate_themselves(client_a, customer_a):
    own_page = Page(client_a.get(reverse("accounts:team_contact", args=[customer_a.contact.pk])))
    assert own_page.has("[data-testid=mail-choices]")
    assert not own_page.has("[data-testid=activation]")
    response = client_a.post(
        reverse("accounts:team_deactivate", args=[customer_a.contact.pk]), follow=True
    )
    assert "You cannot deactivate yourself" in Page(response).text("[data-testid=message]")
    customer_a.refresh_from_db()
    assert customer_a.is_active


def test_the_last_active_primary_contact_stays(customer_a, client_of):
    first = customer_a.contact
    second = ContactFactory(account=first.account, role=Contact.Role.PRIMARY)
    theirs = client_of(second.user)
    # A second, active primary contact deactivates the first: one active one remains.
    response = theirs.post(reverse("accounts:team_deactivate", args=[first.pk]), follow=True)
    assert "was deactivated and signed out" in Page(response).text("[data-testid=message]")
    customer_a.refresh_from_db()
    assert not customer_a.is_active
    # The one left cannot leave the account without one.
    response = theirs.post(reverse("accounts:team_deactivate", args=[second.pk]), follow=True)
    assert "You cannot deactivate yourself" in Page(response).text("[data-testid=message]")
    second.user.refresh_from_db()
    assert second.user.is_active


def test_two_primary_contacts_deactivating_each_other_leave_one_active(customer_a):
    """As the account's lock orders them: the second to run finds its actor deactivated
    and is refused."""
    first = customer_a.contact
    second = ContactFactory(account=first.account, role=Contact.Role.PRIMARY)
    services.contact_deactivate(contact=second, actor=customer_a)
    with pytest.raises(services.TeamError, match="must keep an active primary contact"):
        services.contact_deactivate(contact=first, actor=second.user)
    customer_a.refresh_from_db()
    assert customer_a.is_active


def test_only_the_deactivated_users_sessions_end(client_a, colleague, customer_a):
    bystander = ContactFactory(account=customer_a.contact.account, role=Contact.Role.TECHNICAL)
    theirs = signed_in(bystander.user)
    client_a.post(reverse("accounts:team_deactivate", args=[colleague.pk]))
    assert theirs.get(reverse("cases:list")).status_code == 200
    assert client_a.get(reverse("accounts:team")).status_code == 200


def test_staff_deactivating_a_login_in_the_admin_ends_its_sessions_too(tam_a, colleague, client_of):
    theirs = signed_in(colleague.user)
    received = []

    def receiver(sender, contact, actor, **kwargs):
        received.append((contact.pk, actor.pk))

    user = colleague.user
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00",
    }
    contact_deactivated.connect(receiver)
    try:
        response = client_of(tam_a).post(
            reverse("admin:accounts_user_change", args=[user.pk]), data
        )
    finally:
        contact_deactivated.disconnect(receiver)
    assert response.status_code == 302
    assert received == [(colleague.pk, tam_a.pk)]
    assert theirs.get(reverse("cases:list")).status_code == 302
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.CONTACT_DEACTIVATED)
    assert (event.subject, event.actor) == (user.email, tam_a)


def test_a_login_staff_deactivated_stays_so_for_the_primary_contact(
    tam_a, colleague, client_a, client_of
):
    user = colleague.user
    user.is_active = False
    user.save()
    services.login_activity_changed_by_staff(login=user, actor=tam_a)
    contact_page = reverse("accounts:team_contact", args=[colleague.pk])
    tree = Page(client_a.get(contact_page))
    assert tree.has("[data-testid=staff-deactivated]")
    assert not tree.has("[data-testid=activation] form")
    response = client_a.post(reverse("accounts:team_reactivate", args=[colleague.pk]), follow=True)
    assert "deactivated by the support team" in Page(response).text("[data-testid=message]")
    user.refresh_from_db()
    assert not user.is_active
    assert not AccountEvent.objects.filter(kind=AccountEvent.Kind.CONTACT_REACTIVATED).exists()
    # Once staff reactivate it and a primary contact deactivates it, theirs to undo again.
    user.is_active = True
    user.save()
    services.login_activity_changed_by_staff(login=user, actor=tam_a)
    client_a.post(reverse("accounts:team_deactivate", args=[colleague.pk]))
    client_a.post(reverse("accounts:team_reactivate", args=[colleague.pk]))
    user.refresh_from_db()
    assert user.is_active


def test_a_deactivated_contact_s_open_invitations_are_withdrawn(
    customer_a, client_of, django_capture_on_commit_callbacks
):
    first = customer_a.contact
    second = ContactFactory(account=first.account, role=Contact.Role.PRIMARY)
    theirs = client_of(second.user)
    for email in ("erin@alpha.example", "fred@alpha.example"):
        with django_capture_on_commit_callbacks(execute=True):
            theirs.post(
                reverse("accounts:team_invite"),
                {"email": email, "role": "technical", "language": "en"},
            )
    with django_capture_on_commit_callbacks(execute=True):
        client_of(customer_a).post(
            reverse("accounts:team_invite"),
            {"email": "gina@alpha.example", "role": "technical", "language": "en"},
        )
    assert Invitation.objects.filter(withdrawn_at=None).count() == 3

    client_of(customer_a).post(reverse("accounts:team_deactivate", args=[second.pk]))

    open_ = Invitation.objects.filter(withdrawn_at=None)
    assert [i.email for i in open_] == ["gina@alpha.example"]
    withdrawn = AccountEvent.objects.filter(kind=AccountEvent.Kind.INVITATION_WITHDRAWN)
    assert sorted((e.subject, e.actor) for e in withdrawn) == [
        ("erin@alpha.example", customer_a),
        ("fred@alpha.example", customer_a),
    ]
    # Their links no longer open the account.
    refusal = services.invitation_refusal(
        Invitation.objects.get(email="erin@alpha.example"), now=timezone.now()
    )
    assert "withdrawn" in refusal


def test_staff_deactivating_a_login_withdraws_its_invitations_too(tam_a, customer_a, client_of):
    second = ContactFactory(account=customer_a.contact.account, role=Contact.Role.PRIMARY)
    client_of(second.user).post(
        reverse("accounts:team_invite"),
        {"email": "erin@alpha.example", "role": "technical", "language": "en"},
    )
    second.user.is_active = False
    second.user.save()
    services.login_activity_changed_by_staff(login=second.user, actor=tam_a)
    invitation = Invitation.objects.get()
    assert invitation.withdrawn_at is not None
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.INVITATION_WITHDRAWN)
    assert (event.subject, event.actor) == ("erin@alpha.example", tam_a)
