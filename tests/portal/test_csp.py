"""A Content-Security-Policy on every page: scripts and styles from our own files only.
tests/e2e/test_csp_browser.py checks in Chromium that no page breaks it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def directives(header: str) -> dict[str, str]:
    return {d.split(" ", 1)[0]: d.strip() for d in (p.strip() for p in header.split(";")) if d}


@pytest.mark.parametrize("url", ["/", "/cases/", "/cases/new/", "/deliverability/", "/nowhere/"])
def test_customer_pages_carry_the_policy(client_a, account_a, url):
    assert directives(client_a.get(url)["Content-Security-Policy"]) == directives(POLICY)


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/password_reset/", "/admin/login/"])
def test_sign_in_pages_carry_the_policy(client, url):
    assert directives(client.get(url)["Content-Security-Policy"]) == directives(POLICY)


def test_admin_pages_carry_the_policy(agent_client):
    header = agent_client.get(reverse("admin:cases_case_changelist"))["Content-Security-Policy"]
    assert directives(header) == directives(POLICY)
    assert "unsafe-inline" not in header


def test_an_attachment_download_keeps_its_own_stricter_policy(client_a, customer_a, account_a):
    case = services.case_open(
        account=account_a,
        requester=customer_a,
        subject="Bounce logs",
        description="Attached.",
        category="information",
        attachments=[SimpleUploadedFile("b.csv", b"a,b\n", content_type="text/csv")],
    )
    url = reverse("cases:attachment", args=[case.reference, case.attachments.get().pk])
    assert client_a.get(url)["Content-Security-Policy"] == "default-src 'none'; sandbox"
