"""Filing, replying, answering a proposed resolution and proposing an update interval
through the API: the portal's forms and services, their sentences as problems."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import Attachment, Case, IntervalProposal, Severity, Status
from tests.factories import open_case

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


def test_filing_classifies_like_the_form(api_a):
    response = api_a.post(
        CASES,
        {
            "subject": "All API calls fail",
            "need": "software_bug",
            "api_all_failing": True,
            "api_failure_cause": "server",
            "description": "Every call times out.",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["severity"] == Severity.CRITICAL
    assert Case.objects.get().severity == Severity.CRITICAL


def test_a_request_the_contract_excludes_is_refused_with_why(api_a):
    from cases import classification

    need = next(iter(classification.EXCLUDED_REQUESTS))
    response = api_a.post(
        CASES, {"subject": "Please", "need": need, "description": "Do it."}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]
    assert not Case.objects.exists()


def test_a_reply_carries_attachments_with_the_pages_rules(api_a, customer_a):
    case = open_case(customer_a, "Bounces twice")
    log = SimpleUploadedFile("mail.log", b"550 5.7.1 refused\n", content_type="text/plain")
    response = api_a.post(
        f"{CASES}{case.reference}/replies/",
        {"body": "The log.", "attachments": [log]},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["case"] == case.reference
    assert Attachment.objects.get().original_name == "mail.log"
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="text/plain")
    refused = api_a.post(
        f"{CASES}{case.reference}/replies/",
        {"body": "A tool.", "attachments": [exe]},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "tool.exe" in refused.json()["errors"]["attachments"][0]
    assert Attachment.objects.count() == 1


def test_accepting_the_proposed_resolution_resolves_the_case(api_a, customer_a, agent):
    case = open_case(customer_a, "Bounces twice")
    services.case_propose_resolution(case=case, actor=agent, summary="Fixed the retry.")
    detail = api_a.get(f"{CASES}{case.reference}/").json()
    proposal = detail["pending_resolution"]["id"]
    response = api_a.post(
        f"{CASES}{case.reference}/resolution/accept/", {"answering": proposal}, format="json"
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    again = api_a.post(f"{CASES}{case.reference}/resolution/accept/", {}, format="json")
    assert again.status_code == 409
    assert case.reference in again.json()["detail"]


def test_rejecting_needs_a_reason_and_sends_the_case_back_to_work(api_a, customer_a, agent):
    case = open_case(customer_a, "Bounces twice")
    services.case_propose_resolution(case=case, actor=agent, summary="Fixed the retry.")
    url = f"{CASES}{case.reference}/resolution/reject/"
    assert api_a.post(url, {"reason": ""}, format="json").status_code == 400
    assert api_a.post(url, {"reason": "Still twice."}, format="json").status_code == 200
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_an_update_interval_is_proposed_for_critical_cases_only(api_a, customer_a):
    critical = open_case(
        customer_a, "All API calls fail", api_all_failing=True, api_failure_cause="server"
    )
    minor = open_case(customer_a, "A question")
    ok = api_a.post(f"{CASES}{critical.reference}/update-interval/", {"minutes": 60}, format="json")
    assert ok.status_code == 201 and ok.json()["minutes"] == 60
    assert IntervalProposal.objects.get().case == critical
    refused = api_a.post(
        f"{CASES}{minor.reference}/update-interval/", {"minutes": 60}, format="json"
    )
    assert refused.status_code == 409
    bad = api_a.post(f"{CASES}{critical.reference}/update-interval/", {"minutes": 7}, format="json")
    assert bad.status_code == 400 and "minutes" in bad.json()["errors"]
