"""API tokens in the admin: Support Managers make staff tokens (shown once), TAMs see and
revoke only their own accounts' tokens, other roles nothing."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccountEvent
from api.models import ApiToken, Scope

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:api_apitoken_changelist")
ADD = reverse("admin:api_apitoken_add")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_makes_a_staff_token_shown_once_that_reads(manager, agent, bearer):
    response = signed_in(manager).post(
        ADD, {"owner": agent.pk, "name": "Status page sync", "expires": "90"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.encode() in response.content
    token = ApiToken.objects.get(owner=agent)
    assert token.scopes == [Scope.READ] and token.created_by == manager
    assert secret.encode() not in signed_in(manager).get(CHANGELIST).content
    # A staff token reads, it never files.
    assert bearer(secret).post("/api/v1/cases/", {}, format="json").status_code == 403


def test_a_customer_cannot_own_a_staff_token(manager, customer_a):
    response = signed_in(manager).post(ADD, {"owner": customer_a.pk, "name": "x", "expires": "30"})
    assert "owner" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["tam_a", "agent", "representative"])
def test_only_managers_make_tokens(request, persona, agent):
    client = signed_in(request.getfixturevalue(persona))
    assert client.post(ADD, {"owner": agent.pk, "name": "x", "expires": "30"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_tam_sees_and_revokes_only_their_accounts_tokens(
    tam_a, customer_a, customer_b, manager, make_token
):
    mine, _secret = make_token(customer_a, name="Alpha pager")
    theirs, _secret = make_token(customer_b, name="Bravo pager")
    staff, _secret = make_token(manager, scopes=[Scope.READ], name="Vendor sync")
    client = signed_in(tam_a)
    listing = client.get(CHANGELIST).content
    assert b"Alpha pager" in listing
    assert b"Bravo pager" not in listing and b"Vendor sync" not in listing
    assert client.get(reverse("admin:api_apitoken_change", args=[theirs.pk])).status_code == 302
    client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [mine.pk, theirs.pk, staff.pk]}
    )
    mine.refresh_from_db(), theirs.refresh_from_db(), staff.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None and staff.revoked_at is None
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.API_TOKEN_REVOKED)
    assert event.account == customer_a.contact.account and event.actor == tam_a


def test_an_agent_sees_no_tokens(agent):
    assert signed_in(agent).get(CHANGELIST).status_code == 403


def test_the_token_list_costs_the_same_for_any_number(manager, customer_a, make_token):
    client = signed_in(manager)
    make_token(customer_a, name="first")
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as one:
        client.get(CHANGELIST)
    for i in range(6):
        make_token(customer_a, name=f"more {i}")
    with CaptureQueriesContext(connection) as seven:
        assert client.get(CHANGELIST).status_code == 200
    assert len(seven.captured_queries) == len(one.captured_queries)
