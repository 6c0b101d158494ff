"""The events the portal's services emit reach the endpoints subscribed to them: a case
filed, public replies (never an internal note), status changes, a proposal awaiting the
customer's answer, a resolution, blocklist listings and delistings, incident updates."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Region
from cases import services as cases
from tests.factories import open_case
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db

EVERY_CASE_EVENT = [
    "case.filed",
    "case.replied",
    "case.status_changed",
    "case.resolution_proposed",
    "case.resolved",
]


def sent(receiver) -> list[tuple[str, dict]]:
    """(type, data) of each event the receiver got, in order."""
    return [(b["type"], b["data"]) for b in (json.loads(r.body) for r in receiver.received)]


def declare(agent, **fields):
    return cases.incident_declare(
        actor=agent,
        started_at=timezone.now() - timedelta(minutes=10),
        title="REST API unavailable",
        title_nl="REST API niet beschikbaar",
        text="All API calls fail with 503.",
        text_nl="Alle API-aanroepen mislukken met 503.",
        **fields,
    )


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_case_filed_in_the_portal_is_sent_with_the_documented_payload(
    endpoint_for, receiver, client_a, capture
):
    endpoint_for(["case.filed"])
    with capture():
        response = client_a.post(
            "/cases/new/",
            {
                "subject": "Bounces from a mailbox provider",
                "need": "software_bug",
                "api_all_failing": "no",
                "smtp_all_failing": "no",
                "description": "Our secret internal details.",
            },
        )
    assert response.status_code == 302
    (body,) = [json.loads(r.body) for r in receiver.received]
    assert set(body) == {"id", "type", "occurred_at", "account", "data"}
    assert body["occurred_at"].endswith("Z")
    case = body["data"]["case"]
    assert set(case) == {"reference", "subject", "status", "severity", "url"}
    assert (case["subject"], case["status"], case["severity"]) == (
        "Bounces from a mailbox provider",
        "new",
        "non_critical",
    )
    assert body["data"]["channel"] == "portal"
    assert "secret internal" not in receiver.received[0].body.decode()


def test_the_conversation_and_the_lifecycle_are_sent_but_never_an_internal_note(
    endpoint_for, receiver, customer_a, client_a, agent, capture
):
    endpoint_for(EVERY_CASE_EVENT)
    with capture():
        case = open_case(customer_a, "Deferred mail")
    with capture():
        cases.case_reply(case=case, author=agent, body="We are looking into it.")
    with capture():
        cases.case_add_note(case=case, author=agent, body="Internal: customer misconfigured DKIM.")
    with capture():
        response = client_a.post(f"/cases/{case.reference}/reply/", {"body": "Here are logs."})
    assert response.status_code == 302
    with capture():
        agreement = cases.case_propose_resolution(case=case, actor=agent, summary="Fixed DKIM.")
    with capture():
        response = client_a.post(f"/cases/{case.reference}/accept/", {"answering": agreement.pk})
    assert response.status_code == 302

    events = sent(receiver)
    assert [t for t, _ in events] == [
        "case.filed",
        "case.status_changed",  # new -> in progress, by the first reply
        "case.replied",
        "case.replied",
        "case.status_changed",
        "case.resolution_proposed",
        "case.status_changed",
        "case.resolved",
    ]
    replies = [d["message"]["by"] for t, d in events if t == "case.replied"]
    assert replies == ["support", "customer"]
    moves = [(d["from_status"], d["to_status"]) for t, d in events if t == "case.status_changed"]
    assert moves == [
        ("new", "in_progress"),
        ("in_progress", "resolution_proposed"),
        ("resolution_proposed", "resolved"),
    ]
    assert events[-1][1]["case"]["status"] == "resolved"
    everything = b"".join(r.body for r in receiver.received).decode()
    assert "DKIM" not in everything  # neither the note nor any message's words


def test_only_subscribed_types_of_the_own_account_reach_an_endpoint(
    endpoint_for, receiver, customer_a, customer_b, account_b, capture
):
    endpoint_for(["case.resolved"])
    endpoint_for(["case.filed"], account=account_b)
    with capture():
        open_case(customer_a, "Alpha's case")
    assert receiver.received == []
    with capture():
        open_case(customer_b, "Bravo's case")
    ((kind, data),) = sent(receiver)
    assert kind == "case.filed" and data["case"]["subject"] == "Bravo's case"


def test_an_incident_update_is_one_event_for_each_affected_account(
    endpoint_for, receiver, account_a, account_b, agent, capture
):
    north, south = (
        Region.objects.create(name="EU North", code="eu-north"),
        Region.objects.create(name="US", code="us"),
    )
    account_a.region = north
    account_a.save()
    account_b.region = south
    account_b.save()
    endpoint_for(["incident.updated"])
    endpoint_for(["incident.updated"], account=account_b)
    incident = declare(agent, scope="api", region=north)
    with capture():
        cases.incident_post_update(
            incident=incident, actor=agent, text="Fix deployed.", text_nl="Herstel uitgerold."
        )
    (body,) = [json.loads(r.body) for r in receiver.received]
    assert body["type"] == "incident.updated"
    assert body["account"]["id"] == account_a.pk  # account B's region is not affected
    assert body["data"]["incident"]["reference"] == incident.reference
    assert body["data"]["update"]["text"] == "Fix deployed."
    assert body["data"]["update"]["text_nl"] == "Herstel uitgerold."


def test_an_incident_of_every_region_gives_each_account_its_own_event(
    endpoint_for, receiver, account_a, account_b, agent, capture
):
    endpoint_for(["incident.updated"])
    endpoint_for(["incident.updated"], account=account_b)
    incident = declare(agent, scope="smtp")
    with capture():
        cases.incident_post_update(
            incident=incident, actor=agent, text="Cause found.", text_nl="Oorzaak gevonden."
        )
    bodies = [json.loads(r.body) for r in receiver.received]
    assert sorted(b["account"]["id"] for b in bodies) == sorted([account_a.pk, account_b.pk])
    assert len({b["id"] for b in bodies}) == 2
    assert Delivery.objects.filter(status="succeeded").count() == 2


def test_a_listing_and_its_delisting_are_sent(
    endpoint_for,
    receiver,
    dns_zones,
    ip_a,
    capture,
):
    from deliverability import tasks

    endpoint_for(["blocklist.listed", "blocklist.delisted"])
    dns_zones({"10.2.0.192.zen.spamhaus.org": ["127.0.0.2"]})
    with capture():
        tasks.scheduled_check_task.apply(throw=True)
    dns_zones({})
    with capture():
        tasks.scheduled_check_task.apply(throw=True)
    events = sent(receiver)
    assert [t for t, _ in events] == ["blocklist.listed", "blocklist.delisted"]
    listed = events[0][1]
    assert listed["asset"]["kind"] == "ip" and listed["asset"]["value"] == "192.0.2.10"
    assert listed["asset"]["url"].endswith(f"/deliverability/ips/{ip_a.pk}/")
    assert listed["blocklist"]["zone"] == "zen.spamhaus.org"
    assert listed["first_check"] is True


def test_a_case_merged_as_a_duplicate_in_the_admin_is_sent_as_closed(
    endpoint_for, receiver, customer_a, agent_client, capture
):
    from django.urls import reverse

    original = open_case(customer_a, "Bounces from a mailbox provider")
    duplicate = open_case(customer_a, "Bounces again")
    endpoint_for(["case.status_changed"])
    with capture():
        response = agent_client.post(
            reverse("admin:cases_case_act", args=[duplicate.pk, "merge_duplicate"]),
            {"merge_duplicate-original": original.reference},
        )
    assert response.status_code == 302
    ((kind, data),) = sent(receiver)
    assert kind == "case.status_changed"
    assert data["case"]["reference"] == duplicate.reference
    assert data["case"]["status"] == "closed"
    assert (data["from_status"], data["to_status"]) == ("new", "closed")


def test_an_incident_is_sent_when_published_and_resolved_never_as_a_draft(
    endpoint_for, receiver, agent_client, capture
):
    from django.db import transaction

    endpoint_for(["incident.updated"])
    with capture(), transaction.atomic():
        draft, new = cases.incident_for_outage(
            component="api",
            region=None,
            started_at=timezone.now() - timedelta(minutes=5),
            texts={"title": "Probe", "title_nl": "Probe", "text": "Down?", "text_nl": "Plat?"},
        )
    assert new and receiver.received == []
    page = f"/admin/cases/incident/{draft.pk}/change/"
    texts = {
        "title": "REST API unavailable",
        "title_nl": "REST API niet beschikbaar",
        "text": "All API calls fail with 503.",
        "text_nl": "Alle API-aanroepen mislukken met 503.",
    }
    with capture():
        assert agent_client.post(page, {**texts, "action": "publish"}).status_code == 302
    with capture():
        response = agent_client.post(
            page,
            {"action": "resolve", "summary": "A bad deploy.", "summary_nl": "Een foute uitrol."},
        )
    assert response.status_code == 302
    published, resolved = (data for kind, data in sent(receiver) if kind == "incident.updated")
    assert published["incident"]["status"] == "active"
    assert published["incident"]["title"] == "REST API unavailable"
    assert (published["update"]["text"], published["update"]["id"]) == (texts["text"], None)
    assert resolved["incident"]["status"] == "resolved"
    assert resolved["update"]["text"] == "A bad deploy."
    assert resolved["update"]["text_nl"] == "Een foute uitrol."
    assert len(receiver.received) == 2
