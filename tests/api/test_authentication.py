"""Who may call the API: a live token of an active contact who still belongs to the
account, sent as a bearer token; a signed-in browser only reads."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import ApiToken, Scope
from tests.factories import open_case

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


def _refused(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    return response.json()


def test_it_needs_a_token(client):
    body = _refused(client.get(CASES))
    assert body["status"] == 401 and body["type"].endswith("#problem-authentication")


def test_it_refuses_a_mistyped_token(bearer, customer_a, make_token):
    _token, secret = make_token(customer_a)
    assert bearer(secret).get(CASES).status_code == 200
    _refused(bearer(secret[:-1] + ("x" if secret[-1] != "x" else "y")).get(CASES))
    _refused(bearer("not-a-token").get(CASES))


def test_only_the_hash_of_the_token_is_kept(customer_a, make_token):
    token, secret = make_token(customer_a)
    token.refresh_from_db()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(f"ee_{token.prefix}_")
    stored = [str(v) for v in ApiToken.objects.values_list().get(pk=token.pk)]
    assert not any(secret in value for value in stored)


def test_it_refuses_a_revoked_token(bearer, customer_a, make_token):
    from api import services

    token, secret = make_token(customer_a)
    assert bearer(secret).get(CASES).status_code == 200
    services.api_token_revoke(token=token, actor=customer_a)
    _refused(bearer(secret).get(CASES))


def test_it_refuses_an_expired_token(bearer, customer_a, make_token):
    _token, secret = make_token(customer_a, expires_at=timezone.now() + timedelta(days=1))
    assert bearer(secret).get(CASES).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        _refused(bearer(secret).get(CASES))


def test_it_refuses_an_inactive_login(bearer, customer_a, make_token):
    _token, secret = make_token(customer_a)
    assert bearer(secret).get(CASES).status_code == 200
    customer_a.is_active = False
    customer_a.save()
    _refused(bearer(secret).get(CASES))


def test_it_refuses_a_contact_who_left_the_account(bearer, customer_a, make_token):
    case = open_case(customer_a, "Bounces twice")
    _token, secret = make_token(customer_a)
    assert bearer(secret).get(f"{CASES}{case.reference}/").status_code == 200
    customer_a.contact.delete()
    _refused(bearer(secret).get(f"{CASES}{case.reference}/"))


def test_a_token_stays_with_the_account_it_was_made_for(bearer, customer_a, customer_b, make_token):
    """A login moved to another customer account (by staff) does not take its token along:
    the token made for account A opens neither A (its owner left) nor B."""
    case_a = open_case(customer_a, "Bounces twice")
    token, secret = make_token(customer_a)
    assert token.account == customer_a.contact.account
    assert bearer(secret).get(f"{CASES}{case_a.reference}/").status_code == 200
    contact = customer_a.contact
    contact.account = customer_b.contact.account
    contact.save()
    case_b = open_case(customer_b, "Deferred at Gmail")
    _refused(bearer(secret).get(CASES))
    _refused(bearer(secret).get(f"{CASES}{case_b.reference}/"))
    # A token made in the new account works there.
    _token, fresh = make_token(customer_a)
    assert bearer(fresh).get(f"{CASES}{case_b.reference}/").status_code == 200


def test_revoke_tokens_of_ends_every_token_of_a_contact(bearer, customer_a, make_token):
    from accounts.models import AccountEvent
    from api.services import revoke_tokens_of

    secrets = [make_token(customer_a, name=f"t{i}")[1] for i in range(2)]
    assert revoke_tokens_of(customer_a, actor=None) == 2
    for secret in secrets:
        _refused(bearer(secret).get(CASES))
    revoked = AccountEvent.objects.filter(kind=AccountEvent.Kind.API_TOKEN_REVOKED)
    assert revoked.count() == 2
    assert revoke_tokens_of(customer_a) == 0


def test_last_use_is_written_at_most_once_a_minute(bearer, customer_a, make_token):
    token, secret = make_token(customer_a)
    client = bearer(secret)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(CASES)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        client.get(CASES)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get(CASES)
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


def test_a_signed_in_browser_reads_but_never_writes(client_a):
    assert client_a.get(CASES).status_code == 200
    response = client_a.post(
        CASES,
        {"subject": "From a page", "need": "information", "description": "Hi"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
    from cases.models import Case

    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("scopes", "method", "allowed"),
    [
        ([Scope.READ], "get", True),
        ([Scope.READ], "post", False),
        ([Scope.CASES_WRITE], "get", False),
        ([Scope.CASES_WRITE], "post", True),
        ([Scope.DELIVERABILITY], "get", False),
    ],
)
def test_each_call_needs_its_scope(bearer, customer_a, make_token, scopes, method, allowed):
    _token, secret = make_token(customer_a, scopes=scopes)
    client = bearer(secret)
    if method == "get":
        response = client.get(CASES)
    else:
        response = client.post(
            CASES, {"subject": "Hi", "need": "information", "description": "Hi"}, format="json"
        )
    if allowed:
        assert response.status_code in (200, 201)
    else:
        assert response.status_code == 403
        assert "scope" in response.json()["detail"]


def test_a_staff_token_files_nothing(bearer, manager, make_token):
    _token, secret = make_token(manager, scopes=[Scope.READ])
    response = bearer(secret).post(
        CASES, {"subject": "Hi", "need": "information", "description": "Hi"}, format="json"
    )
    assert response.status_code == 403


def test_a_view_may_accept_any_of_several_scopes(customer_a, make_token):
    from types import SimpleNamespace

    from api.permissions import HasScope

    token, _secret = make_token(customer_a, scopes=[Scope.DELIVERABILITY])
    view = SimpleNamespace(scopes={"read": (Scope.DELIVERABILITY, Scope.READ), "write": "x"})
    read = SimpleNamespace(user=customer_a, auth=token, method="GET")
    write = SimpleNamespace(user=customer_a, auth=token, method="POST")
    assert HasScope().has_permission(read, view)
    assert not HasScope().has_permission(write, view)
