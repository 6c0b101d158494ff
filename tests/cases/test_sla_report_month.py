"""The SLA report's month comes from the address: any value a person can type or edit
there is the month asked for, or this month with a sentence saying why; never a 500."""

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..html import attr, page, select, text
from .conftest import NOW

pytestmark = pytest.mark.django_db

REPORT = reverse("admin:cases_sla_report")
FORMAT = "Give the month as year and month, for example 2026-11."
RANGE = "The report covers the months from 2000-01 to this month."


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        yield client


@pytest.mark.parametrize(
    ("month", "sentence"),
    [
        ("9999-12", RANGE),
        ("2026-12", RANGE),
        ("1999-12", RANGE),
        ("0000-01", RANGE),
        ("2026-13", FORMAT),
        ("2026-00", FORMAT),
        ("2026-1", FORMAT),
        ("26-11", FORMAT),
        ("２０２６-１１", FORMAT),
        ("2026-11 ", FORMAT),
        ("x" * 10_000, FORMAT),
    ],
)
def test_a_month_the_report_cannot_show_is_a_sentence_over_this_month(
    manager_client, month, sentence
):
    for query in ({"month": month}, {"month": month, "format": "csv"}):
        response = manager_client.get(REPORT, query)
        assert response.status_code == 400
        tree = page(response)
        assert text(tree, "p.errornote[data-testid=month-problem]") == sentence
        assert attr(tree, "input[name=month]", "value") == "2026-11"


@pytest.mark.parametrize("month", ["2000-01", "2026-11", ""])
def test_a_month_of_the_report_is_shown(manager_client, month):
    response = manager_client.get(REPORT, {"month": month})
    assert response.status_code == 200
    tree = page(response)
    assert attr(tree, "input[name=month]", "value") == (month or "2026-11")
    assert not select(tree, "[data-testid=month-problem]")


def _a_month_of_the_report(value: str) -> bool:
    parts = value.split("-")
    return value == "" or (
        len(parts) == 2
        and all(p.isascii() and p.isdigit() for p in parts)
        and (len(parts[0]), len(parts[1])) == (4, 2)
        and 1 <= int(parts[1]) <= 12
        and "2000-01" <= value <= "2026-11"
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    month=st.one_of(
        st.text(max_size=40),
        st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 99)),
    )
)
def test_any_month_typed_is_the_report_or_a_sentence(manager_client, month):
    response = manager_client.get(REPORT, {"month": month})
    expected = 200 if _a_month_of_the_report(month) else 400
    assert response.status_code == expected
    problem = bool(select(response.content, "[data-testid=month-problem]"))
    assert problem is (expected == 400)
