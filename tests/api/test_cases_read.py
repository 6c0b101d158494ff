"""The case list and a case with its timeline, through the API: the portal's access
rule, its search, cursor pages, and a fixed number of queries."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import CaseMessage
from tests.factories import open_case

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


def _warm(client):
    """One call first: the token's last use is written once a minute, not counted."""
    client.get(CASES)


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_costs_the_same_for_any_number_of_cases(
    api_a, customer_a, django_assert_num_queries, count
):
    for i in range(count):
        open_case(customer_a, f"Case {i}")
    _warm(api_a)
    # The token with its owner and account; one page of cases.
    with django_assert_num_queries(2):
        response = api_a.get(CASES, {"page_size": 5})
    assert len(response.json()["results"]) == min(count, 5)


def test_the_list_holds_only_the_callers_account(api_a, customer_a, customer_b):
    mine = open_case(customer_a, "Mine")
    open_case(customer_b, "Theirs")
    assert [c["reference"] for c in api_a.get(CASES).json()["results"]] == [mine.reference]


def test_cursor_pages_walk_every_case_once(api_a, customer_a):
    filed = [open_case(customer_a, f"Case {i}").reference for i in range(5)]
    seen, url = [], f"{CASES}?page_size=2"
    while url:
        page = api_a.get(url).json()
        seen += [c["reference"] for c in page["results"]]
        url = page["next"]
    assert seen == list(reversed(filed))


def test_the_list_is_searched_like_the_case_list_page(api_a, customer_a, agent):
    bounce = open_case(customer_a, "Bounces twice")
    open_case(customer_a, "DNS question")
    critical = open_case(
        customer_a, "All API calls fail", api_all_failing=True, api_failure_cause="server"
    )
    services.case_reply(case=bounce, author=agent, body="We see the duplicate webhook.")
    found = lambda **q: [c["reference"] for c in api_a.get(CASES, q).json()["results"]]  # noqa: E731
    assert found(q="duplicate webhook") == [bounce.reference]
    assert found(severity="critical") == [critical.reference]
    assert found(status="all_closed") == []


def test_a_bad_filter_names_its_field(api_a):
    body = api_a.get(CASES, {"opened_from": "25/11/2026", "severity": "urgent"}).json()
    assert body["status"] == 400
    assert set(body["errors"]) == {"opened_from", "severity"}


def test_a_case_shows_its_public_timeline_never_internal_notes(
    api_a, customer_a, agent, django_assert_num_queries
):
    case = open_case(customer_a, "Bounces twice")
    services.case_reply(case=case, author=agent, body="Public answer.")
    services.case_add_note(case=case, author=agent, body="Internal: customer is noisy.")
    _warm(api_a)
    # Token, case, attachments, agreements, interval proposal, messages, events.
    with django_assert_num_queries(7):
        body = api_a.get(f"{CASES}{case.reference}/").json()
    texts = [e["body"] for e in body["timeline"] if e["kind"] == "message"]
    assert texts == ["Public answer."]
    assert "noisy" not in str(body)
    assert CaseMessage.objects.filter(visibility=CaseMessage.Visibility.INTERNAL).exists()


def test_the_schema_and_its_reference_are_served(client):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200 and b"/api/v1/cases/" in schema.content
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert b"cases_file" in docs.content
    # Each problem type's address leads to its explanation.
    assert b'id="problem-idempotency-key-reused"' in docs.content


def test_the_schema_is_built_once_not_per_request(client, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from api.views import docs

    docs._schema_in.cache_clear()
    built = []
    build = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        built.append(1)
        return build(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    for _ in range(2):
        assert client.get(reverse("api:schema")).status_code == 200
        assert client.get(reverse("api:schema"), {"lang": "xx"}).status_code == 200
    assert client.get(reverse("api:docs")).status_code == 200
    assert len(built) == 1
    assert b"/api/v1/cases/" in client.get(reverse("api:schema"), {"format": "json"}).content


def test_calls_without_a_token_are_throttled_by_the_address_not_a_header(client, settings):
    """A client cannot escape the rate by writing X-Forwarded-For (no proxy trusted)."""
    settings.API_RATE_PER_TOKEN = "2/minute"
    answers = [
        client.get(reverse("api:schema"), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert answers == [200, 200, 429]


def test_attachments_download_as_the_page_serves_them(
    api_a, api_b, customer_a, agent, representative, make_token, bearer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = open_case(customer_a, "Bounces twice")
    services.case_customer_reply(
        case=case,
        author=customer_a,
        body="The log.",
        attachments=[SimpleUploadedFile("mail.log", b"550 refused\n", content_type="text/plain")],
    )
    services.case_add_note(
        case=case,
        author=agent,
        body="Our trace.",
        attachments=[SimpleUploadedFile("trace.log", b"internal\n", content_type="text/plain")],
    )
    public = case.attachments.get(original_name="mail.log")
    url = f"{CASES}{case.reference}/attachments/{public.pk}/"
    response = api_a.get(url, HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"550 refused\n"
    assert api_b.get(url).status_code == 404
    staff = lambda user: bearer(make_token(user, scopes=["read"])[1])  # noqa: E731
    assert staff(agent).get(url).status_code == 200
    # The hotline role reads cases, not their attachments.
    assert staff(representative).get(url).status_code == 404
    internal = case.attachments.get(original_name="trace.log")
    assert api_a.get(f"{CASES}{case.reference}/attachments/{internal.pk}/").status_code == 404
