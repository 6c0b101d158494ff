"""The incident endpoints: published platform incidents affecting the caller's account
(never drafts, never dismissed, never another region's), with their updates in the
caller's language, in a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Region
from cases.models import Incident, IncidentUpdate

pytestmark = pytest.mark.django_db
INCIDENTS = "/api/v1/incidents/"
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _incident(status="active", minutes=0, region=None, **fields):
    return Incident.objects.create(
        scope=fields.pop("scope", "api"),
        status=status,
        region=region,
        title=fields.pop("title", f"API errors {minutes}"),
        title_nl=fields.pop("title_nl", f"API-fouten {minutes}"),
        text="Calls fail with 503.",
        text_nl="Aanroepen mislukken met 503.",
        started_at=START + timedelta(minutes=minutes),
        resolved_at=START + timedelta(hours=5) if status == "resolved" else None,
        **fields,
    )


def _update(incident, author, minutes, **fields):
    return IncidentUpdate.objects.create(
        incident=incident,
        text=f"Update {minutes}",
        text_nl=f"Bijwerking {minutes}",
        posted_at=incident.started_at + timedelta(minutes=minutes),
        posted_by=author,
        **fields,
    )


def test_only_published_incidents_affecting_the_account_are_listed(api_a, account_a):
    north, south = (
        Region.objects.create(code="n", name="North"),
        Region.objects.create(code="s", name="South"),
    )
    account_a.region = north
    account_a.save()
    active = _incident(minutes=4, region=north)
    resolved = _incident("resolved", minutes=3)
    _incident("draft", minutes=2)
    _incident("dismissed", minutes=1)
    _incident(minutes=5, region=south)
    found = [i["reference"] for i in api_a.get(INCIDENTS).json()["results"]]
    assert found == [active.reference, resolved.reference]
    only = api_a.get(INCIDENTS, {"status": "resolved"}).json()["results"]
    assert [i["reference"] for i in only] == [resolved.reference]


def test_an_incident_comes_with_its_updates_newest_first(api_a, agent):
    incident = _incident()
    _update(incident, agent, 10)
    _update(incident, agent, 40, expected_resolution_at=START + timedelta(hours=3))
    body = api_a.get(f"{INCIDENTS}{incident.reference}/").json()
    assert (body["status"], body["component"], body["region"]) == ("active", "api", None)
    assert [u["text"] for u in body["updates"]] == ["Update 40", "Update 10"]
    # The latest update's expectation, in the caller's zone (Amsterdam).
    assert body["expected_resolution_at"] == "2026-12-01T12:00:00+01:00"


def test_texts_and_updates_are_in_the_callers_language(api_a, customer_a, agent):
    incident = _incident(minutes=7)
    _update(incident, agent, 10)
    customer_a.language = "nl"
    customer_a.save()
    [body] = api_a.get(INCIDENTS).json()["results"]
    assert (body["title"], body["text"]) == ("API-fouten 7", "Aanroepen mislukken met 503.")
    assert [u["text"] for u in body["updates"]] == ["Bijwerking 10"]
    assert body["status_label"] == "Actief"


@pytest.mark.parametrize(
    "reference",
    ["draft", "dismissed", "other-region", "INC-99999", "INC-12x", "nonsense"],
)
def test_an_incident_the_account_may_not_read_is_not_found_like_a_missing_one(
    api_a, account_a, reference
):
    account_a.region = Region.objects.create(code="n", name="North")
    account_a.save()
    hidden = {
        "draft": lambda: _incident("draft"),
        "dismissed": lambda: _incident("dismissed"),
        "other-region": lambda: _incident(region=Region.objects.create(code="s", name="South")),
    }
    if reference in hidden:
        reference = hidden[reference]().reference
    response = api_a.get(f"{INCIDENTS}{reference}/")
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no such incident."


def test_a_bad_status_filter_names_its_field(api_a):
    body = api_a.get(INCIDENTS, {"status": "draft"}).json()
    assert body["status"] == 400
    assert list(body["errors"]) == ["status"]


@pytest.mark.parametrize("count", [1, 5])
def test_the_list_costs_the_same_for_any_number_of_incidents(
    api_a, agent, django_assert_num_queries, count
):
    for i in range(count):
        incident = _incident(minutes=i)
        _update(incident, agent, 5)
        _update(incident, agent, 15)
    api_a.get(INCIDENTS)  # the token's last use is written once a minute, not counted
    # The token with its owner and account; a page of incidents; their updates.
    with django_assert_num_queries(3):
        body = api_a.get(INCIDENTS, {"page_size": 3}).json()
    assert len(body["results"]) == min(count, 3)
    assert all(len(i["updates"]) == 2 for i in body["results"])


def test_cursor_pages_walk_every_incident_once(api_a):
    made = [_incident(minutes=i).reference for i in range(5)]
    seen, url = [], f"{INCIDENTS}?page_size=2"
    while url:
        page = api_a.get(url).json()
        seen += [i["reference"] for i in page["results"]]
        url = page["next"]
    assert seen == list(reversed(made))
