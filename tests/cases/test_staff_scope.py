"""Who works which case in the admin: agents and managers every case, a TAM the cases of
their own accounts (and reads the others' for oversight); the hotline role reads
internal notes and attachments only with the permissions for them."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases import services
from cases.models import CaseEvent

from ..html import absent, one, page, select, text, texts
from .conftest import NOW

pytestmark = pytest.mark.django_db

# Each action with what its form needs, as the case page would post it.
ACTIONS = {
    "reply": {"body": "Taken over"},
    "note": {"body": "Taken over"},
    "assign_to_me": {},
    "start_work": {},
    "wait_on_customer": {},
    "propose": {"body": "Taken over"},
    "reclassify": {"severity": "critical", "reason": "Taken over"},
    "close": {},
    "propose_interval": {"minutes": "30"},
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case_with_note_and_file(case_a, agent, customer_a):
    services.case_reply(
        case=case_a,
        author=customer_a,
        body="Here is the log",
        attachments=[SimpleUploadedFile("smtp.log", b"421 busy", content_type="text/plain")],
        now=NOW,
    )
    services.case_add_note(case=case_a, author=agent, body="staff eyes only", now=NOW)
    mail.outbox.clear()
    return case_a


def page_of(client, case):
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200
    return page(response)


def timeline(tree) -> str:
    return text(tree, "[data-testid=staff-timeline]")


def test_a_tam_reads_another_tams_case_but_is_offered_no_action(tam_b, case_with_note_and_file):
    case = case_with_note_and_file
    tree = page_of(signed_in(tam_b), case)
    assert f"{case.reference} Webhooks arrive twice" in texts(tree, "#content h2")
    assert "staff eyes only" in timeline(tree)
    absent(tree, "[data-action]")


@pytest.mark.parametrize("action", ACTIONS)
def test_a_tam_cannot_act_on_another_tams_case(tam_b, case_with_note_and_file, action):
    case = case_with_note_and_file

    def state():
        case.refresh_from_db()
        return (
            case.status,
            case.severity,
            case.assigned_agent_id,
            case.agreed_update_interval,
            case.events.count(),
            case.messages.count(),
        )

    before = state()
    url = reverse("admin:cases_case_act", args=[case.pk, action])
    data = {f"{action}-{k}": v for k, v in ACTIONS[action].items()}
    assert signed_in(tam_b).post(url, data).status_code == 403
    assert state() == before
    assert mail.outbox == []


def test_a_tam_cannot_change_another_tams_case_through_its_change_form(tam_b, case_a):
    url = reverse("admin:cases_case_change", args=[case_a.pk])
    assert signed_in(tam_b).post(url, {"subject": "Taken over"}).status_code == 403


def test_a_tam_reads_the_attachments_of_another_tams_case(tam_b, case_with_note_and_file):
    case = case_with_note_and_file
    attachment = case.attachments.get()
    url = reverse("admin:cases_case_attachment", args=[case.pk, attachment.pk])
    response = signed_in(tam_b).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"421 busy"


def test_the_tam_works_the_cases_of_their_own_accounts(tam_a, case_a):
    url = reverse("admin:cases_case_act", args=[case_a.pk, "note"])
    assert signed_in(tam_a).post(url, {"note-body": "on it"}).status_code == 302
    assert case_a.messages.get().body == "on it"
    one(page_of(signed_in(tam_a), case_a), "[data-action=note]")


@pytest.mark.parametrize("persona", ["agent", "manager", "superuser"])
def test_agents_and_managers_work_every_case(request, persona, case_b):
    url = reverse("admin:cases_case_act", args=[case_b.pk, "note"])
    client = signed_in(request.getfixturevalue(persona))
    assert client.post(url, {"note-body": "on it"}).status_code == 302
    assert case_b.messages.get().body == "on it"


def test_a_tam_who_is_also_an_agent_works_every_case(tam_b, case_a):
    from django.contrib.auth.models import Group

    from accounts import roles

    tam_b.groups.add(Group.objects.get(name=roles.SUPPORT_AGENTS))
    url = reverse("admin:cases_case_act", args=[case_a.pk, "note"])
    assert signed_in(tam_b).post(url, {"note-body": "on it"}).status_code == 302
    assert case_a.messages.get().body == "on it"


def test_the_hotline_role_reads_the_case_without_notes_or_attachments(
    representative, case_with_note_and_file
):
    case = case_with_note_and_file
    tree = page_of(signed_in(representative), case)
    assert f"{case.reference} Webhooks arrive twice" in texts(tree, "#content h2")
    assert "Here is the log" in timeline(tree)
    assert "staff eyes only" not in text(tree)
    assert "smtp.log" not in text(tree)
    absent(tree, "[data-action]")
    # The internal note's place in the timeline stays: an event without its text.
    events = texts(tree, "[data-testid=staff-timeline] > li.event")
    assert any(str(CaseEvent.Kind.NOTE_ADDED.label) in event for event in events)
    attachment = case.attachments.get()
    url = reverse("admin:cases_case_attachment", args=[case.pk, attachment.pk])
    absent(tree, f"a[href='{url}']")
    assert signed_in(representative).get(url).status_code == 403


def test_the_permissions_open_notes_and_attachments_to_the_hotline_role(
    representative, case_with_note_and_file
):
    case = case_with_note_and_file
    for codename in ("view_internal_note", "view_attachment"):
        representative.user_permissions.add(
            Permission.objects.get(codename=codename, content_type__app_label="cases")
        )
    tree = page_of(signed_in(representative), case)
    assert "staff eyes only" in timeline(tree)
    attachment = case.attachments.get()
    url = reverse("admin:cases_case_attachment", args=[case.pk, attachment.pk])
    assert text(tree, f"[data-testid=staff-timeline] a[href='{url}']") == "smtp.log"
    assert signed_in(representative).get(url).status_code == 200


def test_an_internal_notes_attachment_needs_the_notes_permission_too(representative, agent, case_a):
    from cases.models import Attachment

    note = services.case_add_note(case=case_a, author=agent, body="see file", now=NOW)
    attachment = Attachment.objects.create(
        case=case_a,
        message=note,
        file=SimpleUploadedFile("internal.txt", b"secret"),
        original_name="internal.txt",
        content_type="text/plain",
        size=6,
        uploaded_by=agent,
        uploaded_at=NOW,
    )
    representative.user_permissions.add(
        Permission.objects.get(codename="view_attachment", content_type__app_label="cases")
    )
    url = reverse("admin:cases_case_attachment", args=[case_a.pk, attachment.pk])
    assert signed_in(representative).get(url).status_code == 403
    tree = page_of(signed_in(representative), case_a)
    assert "internal.txt" not in text(tree)
    absent(tree, f"a[href='{url}']")
    assert signed_in(agent).get(url).status_code == 200


def test_files_attached_when_filing_show_on_the_staff_case_page(agent, representative, file_case):
    case = file_case(
        attachments=[SimpleUploadedFile("bounce.eml", b"550 5.7.1", content_type="text/plain")]
    )
    attachment = case.attachments.get()
    url = reverse("admin:cases_case_attachment", args=[case.pk, attachment.pk])
    tree = page_of(signed_in(agent), case)
    (link,) = select(tree, "[data-testid=filing-attachment] a")
    assert (link.get("href"), text(link)) == (url, "bounce.eml")
    assert signed_in(agent).get(url).status_code == 200
    # The hotline role reads no attachments, these included.
    absent(page_of(signed_in(representative), case), "[data-testid=filing-attachment]")
