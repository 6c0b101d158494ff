"""A contact the primary contact deactivates loses their API tokens at once, as they
lose their sessions: the next call with a token they made is refused."""

import pytest
from django.urls import reverse

from accounts.models import AccountEvent, Contact
from api.models import ApiToken
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_deactivating_a_colleague_revokes_their_tokens_at_once(
    client_a, customer_a, make_token, bearer
):
    colleague = ContactFactory(
        account=customer_a.contact.account,
        role=Contact.Role.TECHNICAL,
        user__email="dave@alpha.example",
    )
    token, secret = make_token(colleague.user)
    their_system = bearer(secret)
    assert their_system.get(reverse("api:cases")).status_code == 200
    _mine, my_secret = make_token(customer_a)

    response = client_a.post(reverse("accounts:team_deactivate", args=[colleague.pk]))
    assert response.status_code == 302

    refused = their_system.get(reverse("api:cases"))
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/problem+json")
    token.refresh_from_db()
    assert token.revoked_at is not None
    revoked = AccountEvent.objects.get(kind=AccountEvent.Kind.API_TOKEN_REVOKED)
    assert revoked.actor == customer_a
    # The primary contact's own token, made before, lives on.
    assert bearer(my_secret).get(reverse("api:cases")).status_code == 200
    assert ApiToken.objects.filter(owner=customer_a, revoked_at=None).count() == 1
