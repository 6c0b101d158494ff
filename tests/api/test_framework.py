"""What every endpoint shares: problems (RFC 9457) with field-level messages in the
caller's language, rate limits per token and per account, idempotency keys on POST."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import IdempotencyKey
from cases.models import Case
from tests.factories import open_case

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"
FILING = {"subject": "Bounces arrive twice", "need": "software_bug", "description": "Twice."}


def test_a_bad_field_is_a_problem_that_names_it(api_a):
    response = api_a.post(CASES, {**FILING, "subject": ""}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("#problem-validation")
    assert body["status"] == 400 and body["title"] and body["detail"]
    assert list(body["errors"]) == ["subject"]


def test_problems_speak_the_callers_language(api_a, customer_a):
    customer_a.language = "nl"
    customer_a.save()
    body = api_a.post(CASES, {**FILING, "api_all_failing": True}, format="json").json()
    # The filing form's own sentence, in Dutch.
    assert body["errors"]["api_failure_cause"] == [
        "Vertel ons waarom ze mislukken: fouten aan de serverkant, of een andere reden."
    ]
    assert body["title"] == "Het verzoek bevat fouten"


def test_an_unknown_address_is_a_problem(api_a):
    response = api_a.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_body_too_large_is_a_problem(api_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_a.post(CASES, {**FILING, "description": "x" * 2000}, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert not Case.objects.exists()


def test_answers_are_not_kept_by_caches(api_a):
    assert "no-store" in api_a.get(CASES)["Cache-Control"]


def test_a_token_past_its_rate_is_told_when_to_come_back(api_a, settings):
    settings.API_RATE_PER_TOKEN = "2/minute"
    assert [api_a.get(CASES).status_code for _ in range(2)] == [200, 200]
    response = api_a.get(CASES)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["type"].endswith("#problem-rate-limited")


def test_the_account_rate_counts_every_token_of_the_account(
    customer_a, make_token, bearer, api_b, settings
):
    settings.API_RATE_PER_ACCOUNT = "3/minute"
    first, second = (bearer(make_token(customer_a, name=n)[1]) for n in ("one", "two"))
    assert [c.get(CASES).status_code for c in (first, second, first)] == [200, 200, 200]
    assert second.get(CASES).status_code == 429
    # Another account is not slowed down.
    assert api_b.get(CASES).status_code == 200


def test_a_retried_filing_files_once_and_answers_the_same(api_a):
    key = {"HTTP_IDEMPOTENCY_KEY": "filing-7f3c"}
    first = api_a.post(CASES, FILING, format="json", **key)
    again = api_a.post(CASES, FILING, format="json", **key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_a_key_reused_for_another_request_is_refused(api_a):
    key = {"HTTP_IDEMPOTENCY_KEY": "filing-7f3c"}
    api_a.post(CASES, FILING, format="json", **key)
    response = api_a.post(CASES, {**FILING, "subject": "Else"}, format="json", **key)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Case.objects.count() == 1


def test_a_key_belongs_to_its_user(api_a, api_b):
    key = {"HTTP_IDEMPOTENCY_KEY": "shared-name"}
    a = api_a.post(CASES, FILING, format="json", **key)
    b = api_b.post(CASES, FILING, format="json", **key)
    assert a.status_code == b.status_code == 201
    assert a.json()["reference"] != b.json()["reference"]
    assert Case.objects.count() == 2


def test_a_refusal_is_replayed_too_and_files_nothing(api_a):
    key = {"HTTP_IDEMPOTENCY_KEY": "bad-filing"}
    first = api_a.post(CASES, {**FILING, "description": ""}, format="json", **key)
    again = api_a.post(CASES, {**FILING, "description": ""}, format="json", **key)
    assert first.status_code == again.status_code == 400
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == "application/problem+json"
    assert again.json() == first.json()
    assert not Case.objects.exists()


def test_a_key_expires_after_a_day(api_a):
    from api.tasks import purge_idempotency_keys

    key = {"HTTP_IDEMPOTENCY_KEY": "daily"}
    api_a.post(CASES, FILING, format="json", **key)
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        assert api_a.post(CASES, FILING, format="json", **key).status_code == 201
        assert Case.objects.count() == 2
        # The worker's purge forgets what expired (the new answer stays).
        purge_idempotency_keys.apply().get()
        assert IdempotencyKey.objects.count() == 1


def test_a_bad_key_is_refused(api_a):
    response = api_a.post(CASES, FILING, format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Case.objects.exists()


def test_another_accounts_case_is_exactly_like_a_missing_one(api_a, customer_b):
    theirs = open_case(customer_b, "Their case")
    other = api_a.get(f"{CASES}{theirs.reference}/")
    missing = api_a.get(f"{CASES}EE-999999/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    for action in ("replies/", "resolution/accept/", "update-interval/"):
        response = api_a.post(f"{CASES}{theirs.reference}/{action}", {"body": "x"}, format="json")
        assert response.status_code == 404, action


def test_two_filings_racing_with_one_key_file_once(api_a, monkeypatch):
    """The second request looked before the first stored its answer: its own filing is
    rolled back when the key turns out taken, and it answers the first one's."""
    from api import services as api_services

    key = {"HTTP_IDEMPOTENCY_KEY": "race"}
    first = api_a.post(CASES, FILING, format="json", **key)
    find = api_services.idempotency_find
    looks = iter([None])
    monkeypatch.setattr(
        api_services, "idempotency_find", lambda **kw: next(looks, None) or find(**kw)
    )
    second = api_a.post(CASES, FILING, format="json", **key)
    assert second.status_code == 201 and second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_a_bad_rate_setting_stops_the_start_with_a_sentence():
    from tests.portal.test_settings import run_manage

    result = run_manage("check", API_RATE_PER_ACCOUNT="lots")
    assert result.returncode != 0
    assert 'API_RATE_PER_ACCOUNT is "lots"' in result.stderr
    assert "Traceback" not in result.stderr
