"""A warm-up CSV is imported whole or not at all: a file over the size limit is refused
with a sentence (never cut and partly imported), and a number the database cannot hold
is an error on its line and field."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from deliverability.programme.actuals_csv import (
    MAX_CSV_BYTES,
    MAX_DAILY_COUNT,
    CsvReason,
    parse_actuals_csv,
)

from ..html import page, select, texts

HEADER = "date,provider,sent,delivered,bounces,complaints"
PROVIDERS = ("gmail", "microsoft", "yahoo", "apple", "others")


def _padded_file(rows: int, width: int) -> bytes:
    """A good file of `rows` rows, each line padded with spaces to `width` bytes."""
    lines = [HEADER.ljust(width - 1)]
    start = date(2020, 1, 1)
    for n in range(rows):
        day = start + timedelta(days=n // len(PROVIDERS))
        lines.append(
            f"{day},{PROVIDERS[n % len(PROVIDERS)]},10,9,1,{' ' * width}"[: width - 2] + "0"
        )
    return ("\n".join(lines) + "\n").encode()


def _upload(client, plan, data):
    return client.post(reverse("admin:deliverability_warmupplan_upload", args=[plan.pk]), data)


@pytest.fixture
def tam_client(tam_a):
    client = Client()
    client.force_login(tam_a)
    return client


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_whole_with_a_sentence(tam_client, plan_a):
    # Lines of 250 bytes: the old cut at the limit fell between two lines, so the rows
    # before it were imported and the rest dropped without a word.
    content = _padded_file(rows=MAX_CSV_BYTES // 250 + 100, width=250)
    assert len(content) > MAX_CSV_BYTES
    response = _upload(tam_client, plan_a, {"file": SimpleUploadedFile("actuals.csv", content)})
    assert response.status_code == 200
    assert texts(response.content, ".errorlist li") == [
        "This is 2,073 KB of rows; at most 2,048 KB can be imported at once. "
        "Split them over several uploads."
    ]
    assert plan_a.actuals.count() == 0


@pytest.mark.django_db
def test_pasted_rows_over_the_limit_are_refused_with_a_sentence(tam_client, plan_a):
    text = _padded_file(rows=MAX_CSV_BYTES // 250 + 100, width=250).decode()
    response = _upload(tam_client, plan_a, {"text": text})
    assert response.status_code == 200
    [refusal] = texts(response.content, ".errorlist li")
    assert refusal.startswith("This is 2,073 KB of rows; at most 2,048 KB")
    assert plan_a.actuals.count() == 0


@pytest.mark.django_db
def test_a_file_just_within_the_limit_is_imported_whole(tam_client, plan_a):
    content = _padded_file(rows=MAX_CSV_BYTES // 250 - 1, width=250)
    assert len(content) <= MAX_CSV_BYTES
    response = _upload(tam_client, plan_a, {"file": SimpleUploadedFile("actuals.csv", content)})
    assert response.status_code == 302
    assert plan_a.actuals.count() == MAX_CSV_BYTES // 250 - 1


@pytest.mark.django_db
@pytest.mark.parametrize("sent", [str(MAX_DAILY_COUNT + 1), "99999999999999999999", "9" * 5000])
def test_a_number_the_database_cannot_hold_is_an_error_on_its_line_and_field(
    tam_client, plan_a, sent
):
    text = f"{HEADER}\n2027-01-04,gmail,80,79,1,0\n2027-01-05,gmail,{sent},1,0,0\n"
    response = _upload(tam_client, plan_a, {"text": text})
    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, "#csv-errors") == ["1 problem; nothing was imported."]
    assert [texts(tr, "td") for tr in select(tree, "#csv-errors + table tbody tr")] == [
        ["3", "sent", "More than 2,147,483,647: not a daily count."]
    ]
    assert plan_a.actuals.count() == 0


def test_negative_and_out_of_range_counts_name_their_field():
    result = parse_actuals_csv(
        f"{HEADER}\n2027-01-04,gmail,-5,0,0,0\n2027-01-05,gmail,10,{MAX_DAILY_COUNT + 1},0,0\n"
    )
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (2, "sent", CsvReason.NOT_A_WHOLE_NUMBER),
        (3, "delivered", CsvReason.OUT_OF_RANGE),
    ]


@given(st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from(range(4)))
def test_any_count_is_a_row_or_an_error_on_its_field(number, position):
    counts = ["0", "0", "0", "0"]
    counts[position] = str(number)
    result = parse_actuals_csv(f"{HEADER}\n2027-01-04,gmail,{','.join(counts)}\n")
    if 0 <= number <= MAX_DAILY_COUNT and (position == 0 or number == 0):
        assert result.ok
    else:
        assert not result.ok
        assert {e.line for e in result.errors} == {2}
        assert all(e.field for e in result.errors)
