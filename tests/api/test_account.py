"""The account endpoint: the Technical Account Manager and whether the office hours are
open now, for the caller's own account only, in the caller's zone and language."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import OfficeHoursChange
from api.models import Scope

pytestmark = pytest.mark.django_db
ACCOUNT = "/api/v1/account/"
AMS = ZoneInfo("Europe/Amsterdam")
# A Wednesday morning and a Saturday in Amsterdam (the calendar: weekdays 09:00-17:00).
WEDNESDAY = datetime(2026, 12, 2, 10, 30, tzinfo=AMS)
SATURDAY = datetime(2026, 12, 5, 12, 0, tzinfo=AMS)


def test_it_names_the_accounts_tam_and_says_the_hours_are_open(api_a, account_a, tam_a):
    with time_machine.travel(WEDNESDAY, tick=False):
        body = api_a.get(ACCOUNT).json()
    assert body["name"] == account_a.name
    assert body["technical_account_manager"] == {
        "name": tam_a.full_name,
        "email": tam_a.email,
        "phone": tam_a.phone,
    }
    hours = body["office_hours"]
    assert hours["open_now"] is True
    assert hours["closes_at"] == "2026-12-02T17:00:00+01:00"
    assert hours["next_opening"] is None
    assert [d["date"] for d in hours["week"]] == [f"2026-12-{d:02d}" for d in range(2, 9)]
    saturday, sunday = hours["week"][3], hours["week"][4]
    assert saturday["hours"] == [] and sunday["hours"] == []
    assert hours["week"][0]["hours"] == [
        {"opens": "2026-12-02T09:00:00+01:00", "closes": "2026-12-02T17:00:00+01:00"}
    ]


def test_out_of_hours_it_says_when_they_open_next(api_a):
    with time_machine.travel(SATURDAY, tick=False):
        hours = api_a.get(ACCOUNT).json()["office_hours"]
    assert hours["open_now"] is False
    assert hours["closes_at"] is None
    assert hours["next_opening"] == "2026-12-07T09:00:00+01:00"


def test_times_are_in_the_callers_zone(customer_b, make_token, bearer):
    with time_machine.travel(WEDNESDAY, tick=False):
        hours = bearer(make_token(customer_b)[1]).get(ACCOUNT).json()["office_hours"]
    # The calendar is Amsterdam's; Bob reads it in New York.
    assert hours["closes_at"] == "2026-12-02T11:00:00-05:00"


def test_each_caller_sees_their_own_accounts_tam(api_a, api_b, tam_a, tam_b):
    assert api_a.get(ACCOUNT).json()["technical_account_manager"]["email"] == tam_a.email
    assert api_b.get(ACCOUNT).json()["technical_account_manager"]["email"] == tam_b.email


def test_a_vendor_change_of_hours_is_told_in_the_callers_language(api_a, account_a, customer_a):
    OfficeHoursChange.objects.create(
        calendar=account_a.office_hours,
        kind=OfficeHoursChange.Kind.CLOSED,
        starts_on=date(2026, 12, 25),
        ends_on=date(2026, 12, 26),
        note="Closed for Christmas.",
        note_nl="Gesloten met Kerstmis.",
    )
    customer_a.language = "nl"
    customer_a.save()
    with time_machine.travel(WEDNESDAY, tick=False):
        changes = api_a.get(ACCOUNT).json()["office_hours"]["changes"]
    assert [(c["kind"], c["starts_on"], c["note"]) for c in changes] == [
        ("closed", "2026-12-25", "Gesloten met Kerstmis.")
    ]
    assert changes[0]["kind_label"] == "Gesloten"


def test_it_costs_a_fixed_number_of_queries(api_a, account_a, django_assert_num_queries):
    api_a.get(ACCOUNT)  # the token's last use is written once a minute, not counted
    # The token with its owner and account; the account with its TAM and calendar; the
    # calendar's opening ranges, holidays and changes.
    with django_assert_num_queries(5):
        assert api_a.get(ACCOUNT).status_code == 200


def test_a_staff_token_has_no_account(bearer, manager, make_token):
    response = bearer(make_token(manager, scopes=[Scope.READ])[1]).get(ACCOUNT)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_token_without_the_read_scope_is_refused(customer_a, make_token, bearer):
    response = bearer(make_token(customer_a, scopes=[Scope.DELIVERABILITY])[1]).get(ACCOUNT)
    assert response.status_code == 403
    assert "“read”" in response.json()["detail"]


def test_no_token_no_account(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 401
    assert "name" not in response.json()


def test_the_reference_lists_the_account_deliverability_and_incident_operations(client):
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    for operation in (
        "account_get",
        "blocklists_status",
        "blocklists_ip_history",
        "blocklists_domain_history",
        "warmup_plans_list",
        "warmup_actuals_upload",
        "incidents_list",
        "incidents_get",
    ):
        assert operation.encode() in docs.content, operation
