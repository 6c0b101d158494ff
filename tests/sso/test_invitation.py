"""An invitation to an account that signs in by single sign-on: the link leads to the
provider instead of a password, and the first sign-in accepts the invitation."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEvent, Contact, Invitation
from accounts.team.services import invitation_send
from tests.html import Page
from tests.oidc_provider import configure_sign_on

from .conftest import signed_in_as, to_provider_and_back

pytestmark = pytest.mark.django_db


def _invite(account, inviter, email):
    return invitation_send(
        account=account,
        invited_by=inviter,
        email=email,
        role=Contact.Role.TECHNICAL,
        language="nl",
        now=timezone.now(),
    )


def test_the_invitee_of_a_single_sign_on_domain_joins_through_their_provider(
    client, account_a, customer_a, sign_on_a, oidc
):
    invitation, token = _invite(account_a, customer_a, "bob@alpha.example")
    oidc.reset(email="bob@alpha.example")
    link = client.get(reverse("accounts:join", args=[token]))
    assert link.status_code == 302
    asked = parse_qs(urlsplit(link["Location"]).query)
    assert urlsplit(link["Location"]).path == reverse("sso:start")
    assert asked["email"] == ["bob@alpha.example"]
    # No password is offered, and nothing is accepted before the provider proves the address.
    invitation.refresh_from_db()
    assert invitation.accepted_at is None

    landed = client.get(to_provider_and_back(client.get(link["Location"])))
    assert landed.status_code == 302
    bob = signed_in_as(client)
    assert bob.email == "bob@alpha.example"
    assert not bob.has_usable_password()
    assert bob.contact.account == account_a
    assert bob.contact.role == Contact.Role.TECHNICAL
    assert bob.language == "nl"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AccountEvent.objects.filter(
        account=account_a, kind=AccountEvent.Kind.INVITATION_ACCEPTED, subject__icontains="bob"
    ).exists()
    # Joining at sign-on stayed off: the invitation let them in, not the account's setting.
    sign_on_a.refresh_from_db()
    assert not sign_on_a.allow_joining
    assert not AccountEvent.objects.filter(kind=AccountEvent.Kind.SSO_CONTACT_CREATED).exists()


def test_a_withdrawn_invitation_lets_nobody_in_by_single_sign_on(
    client, account_a, customer_a, sign_on_a, oidc
):
    invitation, _token = _invite(account_a, customer_a, "bob@alpha.example")
    Invitation.objects.filter(pk=invitation.pk).update(withdrawn_at=timezone.now())
    oidc.reset(email="bob@alpha.example")
    start = client.get(reverse("sso:start"), {"email": "bob@alpha.example"})
    refused = client.get(to_provider_and_back(start))
    assert refused.status_code == 403
    assert signed_in_as(client) is None
    assert not Contact.objects.filter(user__email="bob@alpha.example").exists()


def test_an_address_of_another_accounts_single_sign_on_domain_is_not_invited(
    client_a, account_b, oidc
):
    configure_sign_on(account_b, oidc, domain="bravo.example")
    response = client_a.post(
        reverse("accounts:team_invite"),
        {"email": "Eve@Bravo.example", "role": "technical", "language": "en"},
    )
    assert response.status_code == 400
    assert (
        "Email: addresses at bravo.example sign in through another customer account's single "
        "sign-on" in Page(response).text("form .alert")
    )
    assert not Invitation.objects.exists()
    assert not AccountEvent.objects.filter(kind=AccountEvent.Kind.CONTACT_INVITED).exists()
