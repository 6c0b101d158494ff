"""Hotline calls during a platform incident: the intake shows the active incidents, a
call linked to one keeps its own 15-minute callback and links its case, and the list
of calls groups the callbacks due by incident."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from cases import services
from cases.models import HotlineCall, IncidentEvent

from ..html import one, page, select, text, texts
from .conftest import NOW

pytestmark = pytest.mark.django_db

URL = "/admin/cases/hotlinecall/intake/"
VITAL = {
    "company_name": "Alpha Mail",
    "contact_person": "Alice",
    "phone": "+31 20 555 0100",
    "email": "alice@alpha.example",
    "description": "All API calls return 503.",
}


@pytest.fixture
def incident(agent):
    return services.incident_declare(
        actor=agent,
        scope="api",
        started_at=NOW - timedelta(minutes=10),
        title="REST API unavailable",
        title_nl="REST API niet beschikbaar",
        text="All API calls fail.",
        text_nl="Alle API-aanroepen mislukken.",
        now=NOW,
    )


@pytest.fixture
def rep_client(client, representative):
    client.force_login(representative)
    return client


def _record(client, minutes, **fields):
    with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
        return client.post(URL, {**VITAL, "record": "1", **fields})


def test_the_intake_shows_the_active_incidents_to_choose_from(rep_client, incident):
    tree = page(rep_client.get(URL))
    labels = texts(tree, "[data-testid=field-incident] label, #id_incident label")
    assert any(incident.reference in label for label in labels)


def test_without_an_incident_the_intake_asks_only_the_five_facts(rep_client):
    tree = page(rep_client.get(URL))
    assert not select(tree, "input[name=incident]")


def test_each_call_linked_to_the_incident_keeps_its_own_callback_and_links_its_case(
    rep_client, incident, customer_a, account_a, customer_b, account_b
):
    mail.outbox.clear()
    first = _record(rep_client, 1, target=f"account:{account_a.pk}", incident=incident.pk)
    assert first.status_code == 302, text(first.content, ".messagelist")
    second = _record(
        rep_client,
        4,
        target="none",
        incident=incident.pk,
        company_name="Bravo",
        email="bob@bravo.example",
    )
    assert second.status_code == 302
    calls = list(HotlineCall.objects.order_by("received_at"))
    assert [c.incident for c in calls] == [incident, incident]
    for call, minutes in zip(calls, (1, 4), strict=True):
        assert call.callback_due_at == NOW + timedelta(minutes=minutes + 15)
    # The call filed a case for Alpha: linked to the incident too.
    assert calls[0].case.incident == incident
    assert list(
        IncidentEvent.objects.filter(kind="call_linked").values_list("detail", flat=True)
    ) == ["Alpha Mail", "Bravo"]


def test_a_call_about_an_incident_resolved_meanwhile_is_still_recorded_unlinked(
    rep_client, incident, agent
):
    services.incident_resolve(
        incident=incident, actor=agent, summary="Fixed.", summary_nl="Opgelost.", now=NOW
    )
    response = _record(rep_client, 1, target="none", incident=incident.pk)
    assert response.status_code == 302
    call = HotlineCall.objects.get()
    assert call.incident is None
    assert call.callback_due_at == NOW + timedelta(minutes=16)


def test_the_service_refuses_to_link_a_call_to_a_resolved_incident(incident, agent, record_call):
    services.incident_resolve(
        incident=incident, actor=agent, summary="Fixed.", summary_nl="Opgelost.", now=NOW
    )
    with pytest.raises(services.CaseError, match="is resolved"):
        record_call(incident=incident)


def test_the_calls_list_groups_callbacks_due_by_incident(
    rep_client, incident, record_call, agent_client
):
    with time_machine.travel(NOW, tick=False):
        record_call(company_name="Alpha", incident=incident)
        record_call(company_name="Bravo", incident=incident)
        record_call(company_name="Elsewhere")
        response = agent_client.get("/admin/cases/hotlinecall/")
    group = one(response.content, f"[data-testid=callbacks-{incident.reference}]")
    assert texts(group, "li a") == ["Alpha", "Bravo"]
    assert texts(response.content, "[data-testid=callbacks-none] li a") == ["Elsewhere"]
