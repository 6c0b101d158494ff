"""A case opened by mail that reads like an outage is flagged "possibly critical": on-call
is alerted, the acknowledgement says to call the hotline now, staff reclassify or dismiss
with a reason. A mailed request the contract excludes gets the scope note and a flag."""

import pytest
from django.core import mail
from django.urls import reverse

from cases import services
from cases.models import CaseEvent
from inbound.services import ingest

from ..html import text

pytestmark = pytest.mark.django_db


def message(subject: str, body: str, *extra_headers: str, sender="jeroen@acme.example") -> bytes:
    headers = "\n".join(
        [
            f"From: {sender}",
            "To: support@example.com",
            f"Subject: {subject}",
            "Date: Thu, 26 Nov 2026 12:00:00 +0100",
            f"Message-ID: <{abs(hash((subject, body, extra_headers)))}@acme.example>",
            *extra_headers,
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ]
    )
    return f"{headers}\n\n{body}\n".encode()


def acknowledgement(address):
    (ack,) = [m for m in mail.outbox if address in m.to and "Auto-Submitted" in m.extra_headers]
    return ack


def test_a_mailed_outage_is_flagged_alerted_and_told_to_call_the_hotline(world, settings):
    mail.outbox.clear()
    row = ingest(message("Urgent: relay down", "Every injection fails with 421 4.3.2 since 09:10."))
    case = row.case
    assert (case.severity, case.possibly_critical) == ("non_critical", True)
    flagged = CaseEvent.objects.get(case=case, kind="flagged")
    assert not flagged.public
    assert "421" in flagged.detail and "urgent" in flagged.detail
    (alert,) = [m for m in mail.outbox if m.subject.startswith("Possibly critical case")]
    assert world.agent.email in alert.to and case.reference in alert.subject
    ack = acknowledgement("jeroen@acme.example")
    assert "reads like an outage" in ack.body
    assert f"call the Severity 1 hotline now: {settings.SEVERITY1_HOTLINE}" in ack.body
    assert "reads like an outage" in text(ack.alternatives[0][0])


def test_a_high_priority_header_alone_flags_the_case(world):
    row = ingest(message("Question about DKIM", "Which selector do we use?", "X-Priority: 1"))
    assert row.case.possibly_critical


def test_an_ordinary_question_is_not_flagged_and_alerts_nobody(world):
    mail.outbox.clear()
    row = ingest(message("Question about DKIM", "Which selector should we use for 2027?"))
    assert not row.case.possibly_critical and not row.case.out_of_scope
    assert not CaseEvent.objects.filter(case=row.case, kind="flagged").exists()
    assert mail.outbox == [acknowledgement("jeroen@acme.example")]
    assert "reads like an outage" not in mail.outbox[0].body


def test_a_mailed_excluded_request_gets_the_scope_note_and_a_staff_flag(world):
    mail.outbox.clear()
    row = ingest(message("Templates", "Could you translate our email templates to German?"))
    assert row.case.out_of_scope == "templates"
    ack = acknowledgement("jeroen@acme.example")
    assert "templates themselves stay with your team" in ack.body
    assert "templates themselves stay with your team" in text(ack.alternatives[0][0])


def test_the_scope_note_is_in_the_reader_s_language(world):
    mail.outbox.clear()
    ingest(
        message("Sjablonen", "Kunnen jullie onze sjablonen vertalen?", sender="anna@acme.example")
    )
    ack = acknowledgement("anna@acme.example")
    assert "de templates zelf blijven bij uw team" in ack.body
    assert "templates themselves" not in ack.body


def test_reclassifying_as_critical_clears_the_flag(world):
    case = ingest(message("URGENT", "All API calls fail with 503")).case
    services.case_reclassify(
        case=case, actor=world.agent, severity="critical", reason="Mailed outage confirmed"
    )
    case.refresh_from_db()
    assert (case.severity, case.possibly_critical) == ("critical", False)


def test_staff_dismiss_a_flag_with_a_reason_on_record(world):
    case = ingest(message("URGENT", "All API calls fail with 503")).case
    with pytest.raises(services.CaseError, match="reason"):
        services.case_dismiss_flag(case=case, actor=world.agent, reason=" ")
    services.case_dismiss_flag(case=case, actor=world.agent, reason="A test tenant only")
    case.refresh_from_db()
    assert not case.possibly_critical
    dismissed = CaseEvent.objects.get(case=case, kind="flag_dismissed")
    assert dismissed.detail == "A test tenant only" and dismissed.data["possibly_critical"]
    with pytest.raises(services.CaseError, match="no flag"):
        services.case_dismiss_flag(case=case, actor=world.agent, reason="again")


def test_a_critical_case_link_is_in_the_alert(world):
    mail.outbox.clear()
    case = ingest(message("Platform outage", "Nothing goes out")).case
    (alert,) = [m for m in mail.outbox if m.subject.startswith("Possibly critical case")]
    assert reverse("admin:cases_case_change", args=[case.pk]) in alert.body


def _queue(client, **params):
    from tests.cases.test_admin import queue_rows

    return queue_rows(client.get(reverse("admin:cases_case_changelist"), params))


def test_the_queue_shows_and_filters_the_flags(world, agent_client):
    flagged = ingest(message("URGENT", "All API calls fail with 503")).case
    scoped = ingest(message("Templates", "Please translate our email templates")).case
    plain = ingest(message("DKIM", "Which selector should we use?")).case
    rows = {row["ref"]: row for row in _queue(agent_client)}
    assert "possibly critical" in rows[flagged.reference]["severity"]
    assert "outside the contract" in rows[scoped.reference]["severity"]
    assert rows[plain.reference]["severity"] == "Non-critical issue"
    assert [r["ref"] for r in _queue(agent_client, flag="critical")] == [flagged.reference]
    assert [r["ref"] for r in _queue(agent_client, flag="scope")] == [scoped.reference]


def test_one_click_on_the_case_page_reclassifies_with_the_signs_as_reason(world, agent_client):
    from tests.cases.test_admin import act, offered_actions

    case = ingest(message("URGENT", "All API calls fail with 503")).case
    page = agent_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert {"confirm_critical", "dismiss_flag"} <= offered_actions(page)
    assert "Possibly critical: The email reads like an outage" in text(page, ".field-flags")
    mail.outbox.clear()
    act(agent_client, case, "confirm_critical")
    case.refresh_from_db()
    assert (case.severity, case.possibly_critical) == ("critical", False)
    event = CaseEvent.objects.get(case=case, kind="reclassified")
    assert event.detail.startswith("The email reads like an outage: says it is urgent")
    assert "503" in event.detail
    page = agent_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert not {"confirm_critical", "dismiss_flag"} & offered_actions(page)


def test_dismissing_from_the_case_page_needs_a_reason(world, agent_client):
    from tests.cases.test_admin import act, messages_of

    case = ingest(message("Templates", "Please translate our email templates")).case
    response = act(agent_client, case, "dismiss_flag", body="")
    assert any("This field is required" in m for m in messages_of(response))
    act(agent_client, case, "dismiss_flag", body="They mean our own templates' rendering")
    case.refresh_from_db()
    assert case.out_of_scope == ""
