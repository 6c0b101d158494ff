"""Warm-up plans and the upload of their daily actuals: the CSV import's own validation,
all rows or none, its errors per line and field as a problem, once per Idempotency-Key."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.models import Scope
from deliverability.models import DailyActual
from deliverability.programme.actuals_csv import MAX_CSV_BYTES
from tests.deliverability.programme_fixtures import make_plan

pytestmark = pytest.mark.django_db
PLANS = "/api/v1/warmup-plans/"
HEADER = "date,provider,sent,delivered,bounces,complaints"
GOOD = f"{HEADER}\n2027-01-04,gmail,80,79,1,0\n2027-01-04,microsoft,50,50,0,0\n"
ONE_BAD = f"{HEADER}\n2027-01-04,gmail,80,79,1,0\n2027-01-05,gmail,12.500,1,0,0\n"


@pytest.fixture
def plan_b(account_b, ip_b):
    return make_plan(account_b, [ip_b], name="Bravo's IPs")


@pytest.fixture
def monitor_a(customer_a, make_token, bearer):
    return bearer(make_token(customer_a, scopes=[Scope.DELIVERABILITY])[1])


def _url(plan):
    return f"{PLANS}{plan.pk}/actuals/"


def test_a_csv_file_is_imported_whole(monitor_a, plan_a):
    upload = SimpleUploadedFile("actuals.csv", GOOD.encode(), content_type="text/csv")
    response = monitor_a.post(_url(plan_a), {"file": upload}, format="multipart")
    assert response.status_code == 200
    assert response.json() == {"plan": plan_a.pk, "imported": 2}
    assert sorted(plan_a.actuals.values_list("provider", "sent")) == [
        ("gmail", 80),
        ("microsoft", 50),
    ]


def test_rows_sent_as_json_text_are_imported_and_a_corrected_day_replaces_the_old(
    monitor_a, plan_a
):
    monitor_a.post(_url(plan_a), {"text": GOOD}, format="json")
    corrected = f"{HEADER}\n2027-01-04,gmail,90,90,0,0\n"
    assert monitor_a.post(_url(plan_a), {"text": corrected}, format="json").json()["imported"] == 1
    assert plan_a.actuals.get(provider="gmail").sent == 90
    assert plan_a.actuals.count() == 2


def test_one_bad_row_refuses_the_file_and_names_its_line_and_field(monitor_a, plan_a):
    response = monitor_a.post(_url(plan_a), {"text": ONE_BAD}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == {
        "line.3.sent": ["Not a whole number of 0 or more (write 12500, without separators)."]
    }
    assert body["rows"] == [
        {
            "line": 3,
            "field": "sent",
            "reason": "not_a_whole_number",
            "detail": "Not a whole number of 0 or more (write 12500, without separators).",
        }
    ]
    assert body["detail"].startswith("Nothing was imported")
    assert DailyActual.objects.count() == 0


def test_row_errors_speak_the_callers_language(monitor_a, plan_a, customer_a):
    customer_a.language = "nl"
    customer_a.save()
    body = monitor_a.post(_url(plan_a), {"text": ONE_BAD}, format="json").json()
    assert body["errors"]["line.3.sent"] == [
        "Geen geheel getal van 0 of meer (schrijf 12500, zonder scheidingstekens)."
    ]
    assert body["detail"].startswith("Er is niets geïmporteerd")


def test_a_missing_column_is_named_on_the_header_line(monitor_a, plan_a):
    text = "date,provider,sent,delivered,bounces\n2027-01-04,gmail,80,79,1\n"
    body = monitor_a.post(_url(plan_a), {"text": text}, format="json").json()
    assert list(body["errors"]) == ["line.1.complaints"]


@pytest.mark.parametrize(
    ("data", "field", "sentence"),
    [
        ({}, "non_field_errors", "Choose a CSV file or paste the rows."),
        (
            {"file": SimpleUploadedFile("a.csv", b"\xff\xfe\x00d")},
            "file",
            "The file is not UTF-8 text; export it as CSV (UTF-8).",
        ),
    ],
)
def test_the_upload_forms_refusals_name_their_field(monitor_a, plan_a, data, field, sentence):
    body = monitor_a.post(_url(plan_a), data, format="multipart").json()
    assert body["status"] == 400
    assert body["errors"] == {field: [sentence]}


def test_rows_over_the_size_limit_are_refused_whole(monitor_a, plan_a):
    line = "2027-01-04,gmail,80,79,1,0".ljust(250) + "\n"
    text = HEADER + "\n" + line * (MAX_CSV_BYTES // 250 + 10)
    body = monitor_a.post(_url(plan_a), {"text": text}, format="json").json()
    assert body["status"] == 400
    [sentence] = body["errors"]["text"]
    assert "at most 2,048 KB can be imported at once" in sentence
    assert DailyActual.objects.count() == 0


def test_pasted_rows_over_the_request_limit_are_a_problem_too(monitor_a, plan_a):
    text = HEADER + "\n" + "2027-01-04,gmail,80,79,1,0\n" * 120_000
    response = monitor_a.post(_url(plan_a), {"text": text}, format="multipart")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "at most 2,048 KB can be imported at once" in response.json()["detail"]
    assert DailyActual.objects.count() == 0


def test_a_retried_upload_imports_once_and_answers_the_same(monitor_a, plan_a):
    key = {"HTTP_IDEMPOTENCY_KEY": "actuals-2027-01-04"}
    first = monitor_a.post(_url(plan_a), {"text": GOOD}, format="json", **key)
    DailyActual.objects.filter(provider="gmail").update(sent=1, delivered=1, bounces=0)
    again = monitor_a.post(_url(plan_a), {"text": GOOD}, format="json", **key)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    # The retry changed nothing: the row edited since is as it was edited.
    assert plan_a.actuals.get(provider="gmail").sent == 1
    other = monitor_a.post(_url(plan_a), {"text": ONE_BAD}, format="json", **key)
    assert other.status_code == 422


def test_another_accounts_plan_is_not_found_like_a_missing_one(monitor_a, plan_b):
    theirs = monitor_a.post(_url(plan_b), {"text": GOOD}, format="json")
    missing = monitor_a.post(f"{PLANS}999999/actuals/", {"text": GOOD}, format="json")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert DailyActual.objects.count() == 0


def test_the_upload_needs_the_deliverability_scope(api_a, plan_a):
    response = api_a.post(_url(plan_a), {"text": GOOD}, format="json")
    assert response.status_code == 403
    assert "“deliverability”" in response.json()["detail"]
    assert DailyActual.objects.count() == 0


def test_a_staff_token_uploads_nothing(bearer, manager, make_token, plan_a):
    secret = make_token(manager, scopes=[Scope.READ])[1]
    assert bearer(secret).post(_url(plan_a), {"text": GOOD}, format="json").status_code == 403
    assert DailyActual.objects.count() == 0


@pytest.mark.parametrize("count", [1, 4])
def test_the_plan_list_holds_the_accounts_plans_in_fixed_queries(
    monitor_a, account_a, plan_a, plan_b, django_assert_num_queries, count
):
    for i in range(count):
        make_plan(account_a, [], name=f"Plan {i}")
    monitor_a.get(PLANS)
    # The token with its owner and account; the plans with their counts.
    with django_assert_num_queries(2):
        plans = monitor_a.get(PLANS).json()
    assert sorted(p["name"] for p in plans) == ["New IPs"] + [f"Plan {i}" for i in range(count)]


@pytest.mark.parametrize(
    "text",
    [
        '"unterminated\n2027-01-04',
        ";;;;\n;;;;",
        "\ufeff" + HEADER + "\n2027-02-30,gmail,1,1,0,0\n",
        HEADER + "\n" + "9" * 5000 + ",gmail,1,1,0,0\n",
        HEADER.replace(",", ";") + "\n2027-01-04;gmail;1;1;0\n",
        "date,date,date\n1,2,3\n",
    ],
)
def test_odd_files_are_refused_with_their_lines_never_a_server_error(monitor_a, plan_a, text):
    response = monitor_a.post(_url(plan_a), {"text": text}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]
    assert DailyActual.objects.count() == 0
