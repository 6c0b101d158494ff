"""Who may open which case URL: customer A, customer B, each staff role, anonymous."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services

from .conftest import NOW

PERSONAS = ["customer_a", "customer_b", "tam_a", "agent", "representative", "manager", "anonymous"]


@pytest.fixture
def case_with_file(customer_a, account_a):
    case = services.case_open(
        account=account_a,
        requester=customer_a,
        subject="Logs attached",
        description="See the log",
        category="information",
        attachments=[SimpleUploadedFile("smtp.log", b"421 busy", content_type="text/plain")],
        now=NOW,
    )
    return case, case.attachments.get()


def customer_urls(case, attachment):
    ref = case.reference
    return {
        "list": ("get", reverse("cases:list")),
        "new": ("get", reverse("cases:new")),
        "detail": ("get", reverse("cases:detail", args=[ref])),
        "reply": ("post", reverse("cases:reply", args=[ref])),
        "accept": ("post", reverse("cases:accept", args=[ref])),
        "reject": ("post", reverse("cases:reject", args=[ref])),
        "escalate": ("post", reverse("cases:escalate", args=[ref])),
        "follow": ("post", reverse("cases:follow", args=[ref])),
        "attachment": ("get", reverse("cases:attachment", args=[ref, attachment.pk])),
    }


# The case's own customer: the pages show; an empty form is refused (400) where the
# action needs a text, and accept (nothing proposed) and follow go back to the case (302).
OWN_CASE = {
    "detail": 200,
    "reply": 400,
    "accept": 302,
    "reject": 400,
    "escalate": 400,
    "follow": 302,
    "attachment": 200,
}
EXPECTED = {
    # persona: status for (list, new) and for the case's own pages
    "customer_a": {"list": 200, "new": 200, **OWN_CASE},
    "customer_b": {"list": 200, "new": 200, "case": 404},
    "tam_a": {"list": 200, "new": 200, "case": 200},  # staff: a notice page, no data
    "agent": {"list": 200, "new": 200, "case": 200},
    "representative": {"list": 200, "new": 200, "case": 200},
    "manager": {"list": 200, "new": 200, "case": 200},
    "anonymous": {"list": 302, "new": 302, "case": 302},
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona_client", PERSONAS, indirect=True)
@pytest.mark.parametrize(
    "name",
    ["list", "new", "detail", "reply", "accept", "reject", "escalate", "follow", "attachment"],
)
def test_every_case_url_for_every_persona(persona_client, request, name, case_with_file):
    case, attachment = case_with_file
    persona = request.node.callspec.params["persona_client"]
    method, url = customer_urls(case, attachment)[name]
    response = getattr(persona_client, method)(url)
    expected = EXPECTED[persona]
    assert response.status_code == expected.get(name, expected.get("case"))
    body = response.content if not hasattr(response, "streaming_content") else b""
    if persona != "customer_a":
        assert b"Logs attached" not in body
        assert b"421 busy" not in b"".join(getattr(response, "streaming_content", []))
    if persona == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_owner_downloads_an_attachment_as_a_file(client_a, case_with_file):
    case, attachment = case_with_file
    response = client_a.get(reverse("cases:attachment", args=[case.reference, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"421 busy"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_an_attachment_of_another_case_cannot_be_reached_through_mine(
    client_b, customer_b, account_b, case_with_file
):
    _case, attachment = case_with_file
    mine = services.case_open(
        account=account_b,
        requester=customer_b,
        subject="x",
        description="x",
        category="information",
    )
    url = reverse("cases:attachment", args=[mine.reference, attachment.pk])
    assert client_b.get(url).status_code == 404


@pytest.mark.django_db
def test_attachments_are_not_under_a_public_media_url(case_with_file, client):
    _case, attachment = case_with_file
    assert not attachment.file.name.startswith("/")
    assert client.get("/media/" + attachment.file.name).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona_client,status,download_status",
    [
        ("agent", 200, 200),
        ("tam_a", 200, 200),
        ("manager", 200, 200),
        # The hotline role reads the case, not its attachments (no view_attachment).
        ("representative", 200, 403),
        ("customer_a", 302, 302),
        ("anonymous", 302, 302),
    ],
    indirect=["persona_client"],
)
def test_the_admin_case_pages_by_role(persona_client, status, download_status, case_with_file):
    case, attachment = case_with_file
    assert persona_client.get(reverse("admin:cases_case_changelist")).status_code == status
    change = persona_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert change.status_code == status
    download = persona_client.get(
        reverse("admin:cases_case_attachment", args=[case.pk, attachment.pk])
    )
    assert download.status_code == download_status


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona_client,allowed",
    [("agent", True), ("tam_a", True), ("manager", True), ("representative", False)],
    indirect=["persona_client"],
)
def test_only_roles_that_work_cases_can_act_on_them(persona_client, allowed, case_with_file):
    case, _attachment = case_with_file
    url = reverse("admin:cases_case_act", args=[case.pk, "note"])
    response = persona_client.post(url, {"note-body": "looked at it"})
    assert (response.status_code == 302) is allowed
    assert case.messages.exists() is allowed


def test_a_contact_who_leaves_or_moves_loses_the_old_account_at_once(
    client_a, customer_a, account_b, case_a
):
    from accounts.models import Contact

    url = reverse("cases:detail", args=[case_a.reference])
    assert client_a.get(url).status_code == 200
    Contact.objects.filter(user=customer_a).update(account=account_b)
    assert client_a.get(url).status_code == 404
    Contact.objects.filter(user=customer_a).delete()
    assert client_a.get(reverse("cases:list")).status_code == 403
