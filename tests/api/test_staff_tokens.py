"""A staff token reads cases as its owner's role reads them in the admin
(cases/staff_access.py): every account's cases, internal notes only with their
permission; it never acts on a case."""

import pytest

from api.models import Scope
from cases import services
from tests.factories import open_case

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


@pytest.fixture
def staff_api(make_token, bearer):
    def client(user):
        return bearer(make_token(user, scopes=[Scope.READ])[1])

    return client


def test_an_agents_token_reads_every_accounts_cases(
    staff_api, agent, customer_a, customer_b, django_assert_num_queries
):
    cases = {open_case(customer_a, "Alpha").reference, open_case(customer_b, "Bravo").reference}
    api = staff_api(agent)
    api.get(CASES)
    # The token with its owner; the role's permissions (two); one page of cases.
    with django_assert_num_queries(4):
        listed = api.get(CASES).json()["results"]
    assert {c["reference"] for c in listed} == cases


def test_internal_notes_need_their_permission(staff_api, agent, representative, customer_a):
    case = open_case(customer_a, "Bounces twice")
    services.case_add_note(case=case, author=agent, body="Internal: check the MTA.")
    url = f"{CASES}{case.reference}/"
    timeline = staff_api(agent).get(url).json()["timeline"]
    notes = [e for e in timeline if e["internal"] and e["kind"] == "message"]
    assert [n["body"] for n in notes] == ["Internal: check the MTA."]
    hotline = staff_api(representative).get(url).json()
    assert "check the MTA" not in str(hotline)


def test_a_login_no_longer_staff_loses_its_token(staff_api, agent):
    api = staff_api(agent)
    assert api.get(CASES).status_code == 200
    agent.is_staff = False
    agent.save()
    assert api.get(CASES).status_code == 401


def test_a_missing_case_is_not_found(staff_api, agent):
    assert staff_api(agent).get(f"{CASES}EE-999999/").status_code == 404


def test_a_case_costs_a_staff_token_the_same_however_long(staff_api, agent, customer_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = open_case(customer_a, "Bounces twice")
    services.case_reply(case=case, author=agent, body="First update")
    api = staff_api(agent)
    url = f"{CASES}{case.reference}/"
    api.get(url)
    with CaptureQueriesContext(connection) as short:
        api.get(url)
    for i in range(5):
        services.case_reply(case=case, author=agent, body=f"Update {i}")
        services.case_add_note(case=case, author=agent, body=f"Note {i}")
    with CaptureQueriesContext(connection) as long:
        assert len(api.get(url).json()["timeline"]) > 10
    assert len(long.captured_queries) == len(short.captured_queries)
