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


def test_a_superuser_cannot_own_a_staff_token(manager, superuser):
    client = signed_in(manager)
    assert superuser.email.encode() not in client.get(ADD).content
    response = client.post(ADD, {"owner": superuser.pk, "name": "x", "expires": "30"})
    assert "owner" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


def test_deactivating_a_staff_login_in_the_admin_revokes_its_tokens(
    manager, agent, make_token, bearer
):
    token, secret = make_token(agent, scopes=[Scope.READ])
    assert bearer(secret).get("/api/v1/cases/").status_code == 200
    change = reverse("admin:accounts_user_change", args=[agent.pk])
    form = {
        "email": agent.email,
        "full_name": agent.full_name,
        "phone": agent.phone,
        "language": agent.language,
        "time_zone": agent.time_zone,
        "is_staff": "on",
        "groups": list(agent.groups.values_list("pk", flat=True)),
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00",
    }
    assert signed_in(manager).post(change, form).status_code == 302
    agent.refresh_from_db(), token.refresh_from_db()
    assert not agent.is_active
    assert token.revoked_at is not None
    # Active again, the token stays revoked.
    agent.is_active = True
    agent.save()
    assert bearer(secret).get("/api/v1/cases/").status_code == 401


@pytest.mark.parametrize("persona", ["tam_a", "agent", "representative"])
def test_only_managers_make_tokens(request, persona, agent):
    client = signed_in(request.getfixturevalue(persona))
    assert client.post(ADD, {"owner": agent.pk, "name": "x", "expires": "30"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_tam_reads_customer_tokens_and_revokes_only_their_accounts(
    tam_a, customer_a, customer_b, manager, make_token
):
    mine, _secret = make_token(customer_a, name="Alpha pager")
    theirs, _secret = make_token(customer_b, name="Bravo pager")
    staff, _secret = make_token(manager, scopes=[Scope.READ], name="Vendor sync")
    client = signed_in(tam_a)
    listing = client.get(CHANGELIST).content
    # Oversight reads every account's customer tokens; staff tokens are the managers'.
    assert b"Alpha pager" in listing and b"Bravo pager" in listing
    assert b"Vendor sync" not in listing
    refused = client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [mine.pk, theirs.pk]}
    )
    assert refused.status_code == 403
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.revoked_at is None and theirs.revoked_at is None
    client.post(CHANGELIST, {"action": "revoke", "_selected_action": [mine.pk]})
    mine.refresh_from_db(), staff.refresh_from_db()
    assert mine.revoked_at is not None and staff.revoked_at is None
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


def test_a_login_at_the_token_limit_gets_no_more(manager, agent, make_token):
    from api.services import MAX_LIVE_TOKENS

    for i in range(MAX_LIVE_TOKENS):
        make_token(agent, scopes=[Scope.READ], name=f"t{i}")
    response = signed_in(manager).post(
        ADD, {"owner": agent.pk, "name": "one more", "expires": "30"}
    )
    assert "owner" in response.context["adminform"].form.errors
    assert ApiToken.objects.filter(owner=agent).count() == MAX_LIVE_TOKENS
