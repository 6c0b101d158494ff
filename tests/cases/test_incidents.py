"""Platform incidents as staff work them in the admin: declare, link the proposed cases,
post one update that is each linked case's agreed update (mailed once per contact),
the sweep's one warning, resolution proposed per case, and the TAM's view."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Region
from cases import services
from cases.incident_mailing import send_incident_mail
from cases.models import (
    Case,
    CaseEvent,
    CaseMessage,
    DeadlineKind,
    Incident,
    IncidentEvent,
    IncidentStatus,
    IncidentUpdate,
    Status,
)
from tests.factories import AccountFactory, ContactFactory

from ..html import absent, one, select, text, texts
from .conftest import NOW

pytestmark = pytest.mark.django_db

ADD = "/admin/cases/incident/add/"
LIST = "/admin/cases/incident/"
TEXTS = {
    "title": "REST API unavailable",
    "title_nl": "REST API niet beschikbaar",
    "text": "All API calls fail with 503.",
    "text_nl": "Alle API-aanroepen mislukken met 503.",
}


def page_of(incident):
    return f"/admin/cases/incident/{incident.pk}/change/"


def declare(**fields):
    return services.incident_declare(
        actor=fields.pop("actor"),
        scope=fields.pop("scope", "api"),
        started_at=NOW - timedelta(minutes=10),
        now=NOW,
        **{**TEXTS, **fields},
    )


def critical(customer, subject="All API calls fail", minutes=0, **answers):
    answers = answers or {"api_all_failing": True, "api_failure_cause": "server"}
    case = services.case_open(
        account=customer.contact.account,
        requester=customer,
        subject=subject,
        description="Every call returns 503.",
        category="software_bug",
        now=NOW + timedelta(minutes=minutes),
        **answers,
    )
    case.refresh_from_db()
    return case


def settle(case, agent, at):
    """The case resolved by mutual agreement: no longer open."""
    services.case_propose_resolution(case=case, actor=agent, summary="Fixed.", now=at)
    services.case_accept_resolution(case=case, customer=case.requester, now=at)


@pytest.fixture
def staff_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def dutch_b(customer_b):
    customer_b.language = "nl"
    customer_b.save(update_fields=["language"])
    return customer_b


@pytest.fixture
def carol(db):
    """A third customer, of an account with no region: affected by every incident."""
    return ContactFactory(account=AccountFactory(name="Charlie BV"), user__email="c@c.example").user


@pytest.fixture
def linked(agent, customer_a, dutch_b, carol):
    """Three customers' critical cases, filed before staff declared the API incident they
    report: proposed for linking."""
    cases = [critical(customer_a), critical(dutch_b, minutes=1), critical(carol, minutes=2)]
    incident = declare(actor=agent)
    mail.outbox.clear()
    return incident, cases


# --- declare ------------------------------------------------------------------------


def test_an_agent_declares_an_incident_in_the_admin(staff_client, agent):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.post(
            ADD,
            {
                **TEXTS,
                "scope": "smtp",
                "region": "",
                "severity": "unavailable",
                "started_at": "2026-11-25T09:40",
            },
        )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == page_of(incident)
    assert (incident.status, incident.scope, incident.region) == ("active", "smtp", None)
    assert incident.declared_by == agent
    assert list(incident.events.values_list("kind", flat=True)) == ["declared"]


def test_each_bad_field_of_the_declaration_gets_its_own_sentence(staff_client):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.post(
            ADD,
            {
                **TEXTS,
                "title_nl": "",
                "text_nl": " ",
                "scope": "api",
                "severity": "unavailable",
                "started_at": "2026-11-25T12:00",
            },
        )
    assert response.status_code == 200
    assert not Incident.objects.exists()
    assert text(response.content, "[data-testid=field-title_nl] .errorlist") == (
        "Write the title in Dutch too: Dutch customers read it."
    )
    assert text(response.content, "[data-testid=field-text_nl] .errorlist") == (
        "Write what customers see in Dutch too: Dutch customers read it."
    )
    assert text(response.content, "[data-testid=field-started_at] .errorlist") == (
        "The start of the incident cannot be in the future."
    )


def test_a_draft_from_the_probes_is_published_with_the_texts_staff_confirm(
    staff_client, agent, customer_a
):
    draft = Incident.objects.create(
        scope="api",
        started_at=NOW,
        detected_by_probes=True,
        title="API down",
        title_nl="",
        text="",
        text_nl="",
    )
    # A draft is not linked to: customers never see it.
    critical(customer_a)
    with pytest.raises(services.CaseError, match="is a draft: publish it first"):
        services.incident_link_cases(incident=draft, cases=Case.objects.all(), actor=agent)
    with time_machine.travel(NOW, tick=False):
        response = staff_client.post(page_of(draft), {**TEXTS, "action": "publish"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.title_nl, draft.declared_by) == ("active", TEXTS["title_nl"], agent)


# --- candidates and linking -----------------------------------------------------------


def test_candidates_are_open_critical_cases_of_affected_accounts_newest_first(
    agent, customer_a, customer_b, carol, account_a, account_b
):
    north, south = (
        Region.objects.create(code="n", name="North"),
        Region.objects.create(code="s", name="South"),
    )
    account_a.region, account_b.region = north, south
    account_a.save(), account_b.save()
    older = critical(customer_a, subject="older", minutes=1)
    critical(customer_b, minutes=2)  # another region
    carols = critical(carol, minutes=3)  # no region: affected everywhere
    services.case_open(
        account=account_a,
        requester=customer_a,
        subject="slow",
        description="x",
        category="software_bug",
        now=NOW,
    )  # not critical
    closed = critical(customer_a, subject="closed", minutes=4)
    settle(closed, agent, NOW + timedelta(minutes=5))
    incident = declare(actor=agent, region=north)
    assert list(services.link_candidates(incident)) == [carols, older]


def test_staff_link_the_ticked_candidates_in_one_action(staff_client, linked):
    incident, (a, b, c) = linked
    response = staff_client.get(page_of(incident))
    assert texts(response.content, "[data-testid=link-form] label strong") == [
        c.reference,
        b.reference,
        a.reference,
    ]
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = staff_client.post(page_of(incident), {"action": "link", "cases": [a.pk, c.pk]})
    assert response.status_code == 302
    assert set(incident.cases.all()) == {a, c}
    assert set(
        IncidentEvent.objects.filter(kind="case_linked").values_list("detail", flat=True)
    ) == {a.reference, c.reference}
    assert CaseEvent.objects.filter(case=a, kind="incident_linked", public=True).count() == 1
    # The incident's next update is the earliest among its linked cases.
    incident.refresh_from_db()
    assert incident.next_update_due_at == min(a.next_update_due_at, c.next_update_due_at)


def test_a_case_linked_to_another_incident_is_refused_with_a_sentence(staff_client, agent, linked):
    incident, (a, b, _c) = linked
    other = declare(actor=agent, scope="smtp")
    services.incident_link_cases(incident=other, cases=[a], actor=agent, now=NOW)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = staff_client.post(
            page_of(incident), {"action": "link", "cases": [a.pk, b.pk]}, follow=True
        )
    assert text(response.content, ".messagelist .error") == (
        f"Case {a.reference} is linked to {other.reference} already: unlink it there first."
    )
    # All or none.
    assert not incident.cases.exists()


def test_a_case_filed_during_an_incident_matching_its_scope_is_linked_at_filing(
    agent, customer_a, customer_b
):
    incident = declare(actor=agent)
    case = critical(customer_a)
    assert case.incident == incident
    assert incident.events.filter(kind="case_linked", detail=case.reference).exists()
    # SMTP down is not this incident's scope: it stays a candidate.
    smtp = critical(customer_b, smtp_all_failing=True, smtp_failure_cause="server")
    assert smtp.incident is None
    assert smtp in services.link_candidates(incident)


def test_unlinking_leaves_the_case_to_its_own_clock(staff_client, agent, linked):
    incident, (a, _b, _c) = linked
    services.incident_link_cases(incident=incident, cases=[a], actor=agent, now=NOW)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        staff_client.post(page_of(incident), {"action": "unlink", "case": a.pk})
    a.refresh_from_db()
    incident.refresh_from_db()
    assert a.incident is None
    assert incident.next_update_due_at is None


def test_the_incidents_next_update_follows_its_cases_as_they_are_resolved(agent, linked):
    incident, (a, b, c) = linked
    services.incident_link_cases(incident=incident, cases=[a, b], actor=agent, now=NOW)
    incident.refresh_from_db()
    assert incident.next_update_due_at == a.next_update_due_at
    settle(a, agent, NOW + timedelta(minutes=5))
    incident.refresh_from_db()
    assert incident.next_update_due_at == b.next_update_due_at
    # Stored again by the sweep, whatever a lost store left.
    Incident.objects.update(next_update_due_at=None)
    services.sla_sweep(now=NOW + timedelta(minutes=6))
    incident.refresh_from_db()
    assert incident.next_update_due_at == b.next_update_due_at


# --- the update -----------------------------------------------------------------------


def _post_update(client, incident, minutes, *, after=0, **fields):
    data = {
        "action": "update",
        "text": "We found the cause.",
        "text_nl": "We vonden de oorzaak.",
        "expected_resolution_at": "2026-11-25T13:00",
        "after_update": after,
        **fields,
    }
    with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
        return client.post(page_of(incident), data, follow=True)


def test_one_update_fulfils_each_linked_cases_agreed_update(staff_client, agent, linked):
    incident, cases = linked
    a, b, c = cases
    # Case B agreed a shorter interval: it decides the incident's next update.
    b.agreed_update_interval = 30
    b.save(update_fields=["agreed_update_interval"])
    services.incident_link_cases(incident=incident, cases=cases, actor=agent, now=NOW)
    services.case_set_status(case=b, status=Status.IN_PROGRESS, actor=agent, now=NOW)
    response = _post_update(staff_client, incident, 20)
    assert text(response.content, ".messagelist .success").startswith("Update posted to 3 linked")
    posted = NOW + timedelta(minutes=20)
    for case in cases:
        fulfilled = CaseEvent.objects.get(
            case=case, kind="sla_fulfilled", data__deadline_kind=DeadlineKind.NEXT_UPDATE
        )
        assert fulfilled.data["met"] is True
        case.refresh_from_db()
        assert case.last_public_update_at == posted
        assert case.next_update_due_at == posted + timedelta(minutes=case.agreed_update_interval)
    incident.refresh_from_db()
    assert incident.last_update_at == posted
    assert incident.next_update_due_at == posted + timedelta(minutes=30)
    # A public reply in each customer's language.
    bodies = {m.case_id: m.body for m in CaseMessage.objects.filter(case__in=cases)}
    assert "We vonden de oorzaak." in bodies[b.pk]
    assert "We found the cause." in bodies[a.pk]


def test_the_update_is_mailed_once_per_contact_in_their_language(
    staff_client, agent, linked, customer_a, dutch_b, carol
):
    incident, (a, b, c) = linked
    second_a = critical(customer_a, subject="SMTP also?", minutes=3)  # linked at filing
    subscriber = ContactFactory(
        account=carol.contact.account, user__email="ops@c.example", incident_mail=True
    ).user
    services.incident_link_cases(incident=incident, cases=[a, b], actor=agent, now=NOW)
    mail.outbox.clear()
    _post_update(staff_client, incident, 20)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == sorted([customer_a.email, dutch_b.email, subscriber.email])
    alice = by_recipient[customer_a.email]
    assert alice.subject == f"[{incident.reference}] Update: REST API unavailable"
    assert a.reference in alice.body and second_a.reference in alice.body
    dutch = by_recipient[dutch_b.email]
    assert dutch.subject == f"[{incident.reference}] Update: REST API niet beschikbaar"
    assert "Een update over platformincident" in dutch.body
    assert "We vonden de oorzaak." in dutch.body
    assert b.reference in dutch.body and a.reference not in dutch.body
    assert c.reference not in by_recipient[subscriber.email].body


def test_a_repeated_mail_task_or_a_form_sent_twice_posts_and_mails_once(
    staff_client, agent, linked
):
    incident, cases = linked
    services.incident_link_cases(incident=incident, cases=cases, actor=agent, now=NOW)
    mail.outbox.clear()
    _post_update(staff_client, incident, 20)
    sent = len(mail.outbox)
    assert sent == 3
    # The task delivered again.
    update = IncidentUpdate.objects.get()
    assert send_incident_mail("update", update.pk) == 0
    # The same form sent again.
    response = _post_update(staff_client, incident, 21)
    assert "after you opened the page" in text(response.content, ".messagelist .error")
    assert IncidentUpdate.objects.count() == 1
    assert CaseMessage.objects.filter(case__in=cases).count() == 3
    assert len(mail.outbox) == sent


def test_an_expected_resolution_in_the_past_or_a_missing_dutch_text_is_refused(
    staff_client, linked
):
    incident, _cases = linked
    response = _post_update(
        staff_client, incident, 20, text_nl="", expected_resolution_at="2026-11-25T09:00"
    )
    form = one(response.content, "[data-testid=update-form]")
    assert text(form, "[data-testid=field-text_nl] .errorlist") == (
        "Write the update in Dutch too: Dutch customers read it."
    )
    assert text(form, "[data-testid=field-expected_resolution_at] .errorlist") == (
        "The expected resolution must be in the future."
    )
    assert not IncidentUpdate.objects.exists()


# --- the sweep ------------------------------------------------------------------------


def test_the_sweep_warns_once_for_the_incident_and_not_per_case(agent, linked):
    incident, cases = linked
    services.incident_link_cases(incident=incident, cases=cases, actor=agent, now=NOW)
    incident.refresh_from_db()
    due = incident.next_update_due_at
    mail.outbox.clear()
    done = services.sla_sweep(now=due - timedelta(minutes=5))
    assert done["incident_update_warning"] == 1
    assert done["next_update_warning"] == 0
    assert [m.subject for m in mail.outbox if incident.reference in m.subject]
    assert services.sla_sweep(now=due - timedelta(minutes=4))["incident_update_warning"] == 0
    assert incident.events.filter(kind="update_warning").count() == 1
    # Missed: each case's breach is still recorded for the SLA report, and alerted once,
    # for the incident, to on-call, its declarer and the Support Managers.
    last = max(c.next_update_due_at for c in Case.objects.all())
    mail.outbox.clear()
    done = services.sla_sweep(now=last + timedelta(minutes=1))
    assert (done["next_update_breach"], done["incident_update_breach"]) == (3, 1)
    breaches = CaseEvent.objects.filter(kind="sla_breach", data__deadline_kind="next_update")
    assert breaches.count() == 3
    subjects = [m.subject for m in mail.outbox]
    assert not [s for s in subjects if s.startswith("SLA breached") and "next update" in s]
    missed = [m for m in mail.outbox if m.subject.startswith("Incident update missed")]
    assert len(missed) == 1 and incident.reference in missed[0].subject
    assert agent.email in missed[0].to
    assert services.sla_sweep(now=last + timedelta(minutes=2))["incident_update_breach"] == 0
    assert incident.events.filter(kind="update_missed").count() == 1


def test_the_warning_links_to_the_incident_page(agent, linked):
    incident, cases = linked
    services.incident_link_cases(incident=incident, cases=cases, actor=agent, now=NOW)
    incident.refresh_from_db()
    mail.outbox.clear()
    services.sla_sweep(now=incident.next_update_due_at - timedelta(minutes=5))
    warning = next(m for m in mail.outbox if incident.reference in m.subject)
    assert page_of(incident) in warning.body


# --- resolution -----------------------------------------------------------------------


def test_resolving_proposes_on_each_case_and_each_customer_answers_alone(
    staff_client, agent, linked, customer_a, dutch_b, carol
):
    incident, (a, b, c) = linked
    services.incident_link_cases(incident=incident, cases=[a, b, c], actor=agent, now=NOW)
    settle(c, agent, NOW + timedelta(minutes=3))
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = staff_client.post(
            page_of(incident),
            {"action": "resolve", "summary": "A bad deploy.", "summary_nl": "Een foute uitrol."},
        )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    for case in (a, b):
        case.refresh_from_db()
        assert case.status == Status.RESOLUTION_PROPOSED
    assert "Een foute uitrol." in b.agreements.get().summary
    # The closed case gets the summary as a public message, in its customer's language.
    assert "A bad deploy." in CaseMessage.objects.get(case=c).body
    services.case_accept_resolution(case=a, customer=customer_a, now=NOW + timedelta(hours=2))
    services.case_reject_resolution(
        case=b, customer=dutch_b, reason="Nog steeds traag.", now=NOW + timedelta(hours=2)
    )
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.status, b.status) == (Status.RESOLVED, Status.IN_PROGRESS)


def test_the_resolution_is_mailed_once_to_subscribers_and_proposed_on_each_case(
    agent, linked, customer_a, dutch_b, carol
):
    incident, cases = linked
    subscriber = ContactFactory(
        account=carol.contact.account, user__email="ops@c.example", incident_mail=True
    ).user
    services.incident_link_cases(incident=incident, cases=cases, actor=agent, now=NOW)
    mail.outbox.clear()
    services.incident_resolve(
        incident=incident,
        actor=agent,
        summary="A bad deploy.",
        summary_nl="Een foute uitrol.",
        now=NOW + timedelta(hours=1),
    )
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    resolved = [s for s in subjects if s[1].startswith(f"[{incident.reference}] Resolved")]
    assert resolved == [
        (subscriber.email, f"[{incident.reference}] Resolved: REST API unavailable")
    ]
    # Each case's own proposal, which carries the summary, to its customer.
    proposals = [
        to
        for to, subject in subjects
        if "Proposed resolution" in subject or "Voorgestelde oplossing" in subject
    ]
    assert sorted(proposals) == sorted([customer_a.email, dutch_b.email, carol.email])
    assert send_incident_mail("resolved", incident.pk) == 0


def test_a_recovered_incident_tells_staff_to_propose_resolution(staff_client, agent):
    incident = declare(actor=agent)
    incident.recovered_at = NOW
    incident.save()
    response = staff_client.get(page_of(incident))
    assert text(response.content, "[data-testid=recovered]").startswith("Probes saw recovery at")


# --- who sees what --------------------------------------------------------------------


def test_a_tam_reads_the_incident_and_every_linked_case_but_does_not_act(
    client, agent, tam_a, linked
):
    # A TAM's oversight reads every account's cases (cases/staff_access.py): the incident
    # page lists them all, as its timeline names them all.
    incident, cases = linked
    services.incident_link_cases(incident=incident, cases=cases, actor=agent, now=NOW)
    client.force_login(tam_a)
    response = client.get(page_of(incident))
    assert response.status_code == 200
    listed = [r.get("data-testid") for r in select(response.content, "tr[data-testid^=linked-]")]
    assert sorted(listed) == sorted(f"linked-{c.reference}" for c in cases)
    absent(response.content, "[data-testid=update-form]")
    assert client.post(page_of(incident), {"action": "resolve"}).status_code == 403


def test_the_incidents_list_counts_linked_cases_in_a_fixed_number_of_queries(
    staff_client, agent, linked
):
    incident, cases = linked
    services.incident_link_cases(incident=incident, cases=cases, actor=agent, now=NOW)
    settle(cases[2], agent, NOW)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(LIST)
        assert response.status_code == 200
        return response, len(captured)

    queries()  # the first request also fills the content-type cache
    response, one_row = queries()
    row = one(response.content, "#result_list tbody tr")
    assert texts(row, "td.field-linked_cases, td.field-open_cases") == ["3", "2"]
    for n in range(4):
        declare(actor=agent, title=f"REST API unavailable ({n})")
    _response, five_rows = queries()
    assert five_rows == one_row


def test_the_customer_sees_on_their_case_which_incident_it_is_linked_to(client_a, agent, linked):
    incident, (a, _b, _c) = linked
    services.incident_link_cases(incident=incident, cases=[a], actor=agent, now=NOW)
    response = client_a.get(f"/cases/{a.reference}/")
    assert response.status_code == 200
    events = texts(response.content, "li.case-event")
    assert any(f"Linked to a platform incident: {incident.reference}" in e for e in events)


# --- review: nothing refused that should not be, nothing left untold ---------------


def test_a_form_sent_twice_declares_the_incident_once(staff_client, agent):
    declare(actor=agent)
    with pytest.raises(services.CaseError, match="was declared for this already"):
        declare(actor=agent)
    assert Incident.objects.count() == 1


def test_a_draft_that_is_no_incident_is_dismissed_with_its_reason(staff_client, agent):
    draft = Incident.objects.create(
        scope="api", status="draft", detected_by_probes=True, started_at=NOW, **TEXTS
    )
    response = staff_client.post(page_of(draft), {"action": "dismiss", "reason": ""})
    assert "Say why the draft is no incident" in text(response.content, ".errorlist")
    response = staff_client.post(
        page_of(draft), {"action": "dismiss", "reason": "The probe's password expired."}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.resolved_by, draft.dismissed_reason) == (
        IncidentStatus.DISMISSED,
        agent,
        "The probe's password expired.",
    )
    assert draft.events.get().kind == IncidentEvent.Kind.DISMISSED
    page = staff_client.get(page_of(draft)).content
    assert "The probe's password expired." in text(page, "[data-testid=dismissed]")
    absent(page, "[data-testid=publish-form]")
    with pytest.raises(services.CaseError, match="only a draft is dismissed"):
        services.incident_dismiss(incident=draft, actor=agent, reason="Again.")


def test_a_case_linked_by_staff_is_told_what_the_incident_is_and_its_latest_update(
    agent, linked, dutch_b
):
    incident, cases = linked
    services.incident_post_update(
        incident=incident,
        actor=agent,
        text="Draining the failing pool.",
        text_nl="We legen de falende pool.",
        after_update=0,
        now=NOW + timedelta(minutes=5),
    )
    mail.outbox.clear()
    services.incident_link_cases(
        incident=incident, cases=[cases[1]], actor=agent, now=NOW + timedelta(minutes=6)
    )
    (told,) = mail.outbox
    assert told.to == [dutch_b.email]
    assert told.subject.startswith(f"[{cases[1].reference}]")
    assert incident.reference in told.body and "REST API niet beschikbaar" in told.body
    assert "Alle API-aanroepen mislukken met 503." in told.body
    assert "We legen de falende pool." in told.body


def test_a_case_filed_into_an_incident_is_acknowledged_with_it(agent, customer_a):
    incident = declare(actor=agent)
    mail.outbox.clear()
    case = critical(customer_a, minutes=1)
    assert case.incident == incident
    (ack,) = [m for m in mail.outbox if m.to == [customer_a.email]]
    assert f"linked to platform incident {incident.reference}" in ack.body


def test_a_call_about_a_case_of_another_active_incident_is_still_recorded(
    agent, representative, linked
):
    incident, cases = linked
    services.incident_link_cases(incident=incident, cases=[cases[0]], actor=agent, now=NOW)
    other = services.incident_declare(actor=agent, scope="smtp", started_at=NOW, now=NOW, **TEXTS)
    call = services.hotline_record_call(
        recorded_by=representative,
        company_name="Alpha",
        contact_person="Alice",
        phone="+31 6 1234 5678",
        email=cases[0].requester.email,
        description="Still failing.",
        case=cases[0],
        incident=other,
        now=NOW + timedelta(minutes=3),
    )
    assert call.incident == other
    assert call.callback_due_at == NOW + timedelta(minutes=18)
    cases[0].refresh_from_db()
    assert cases[0].incident == incident  # it stays where staff linked it
    assert incident.reference in other.events.get(kind="call_linked").detail


def test_a_case_of_a_resolved_incident_moves_to_the_new_one(agent, linked):
    incident, cases = linked
    services.incident_link_cases(incident=incident, cases=[cases[0]], actor=agent, now=NOW)
    services.incident_resolve(
        incident=incident, actor=agent, summary="Fixed.", summary_nl="Opgelost.", now=NOW
    )
    services.case_reject_resolution(
        case=cases[0], customer=cases[0].requester, reason="Still failing.", now=NOW
    )
    again = services.incident_declare(
        actor=agent, scope="api", started_at=NOW - timedelta(minutes=5), now=NOW, **TEXTS
    )
    services.incident_link_cases(incident=again, cases=[cases[0]], actor=agent, now=NOW)
    cases[0].refresh_from_db()
    assert cases[0].incident == again
