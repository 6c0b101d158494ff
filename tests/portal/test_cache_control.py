"""Nothing shown to a signed-in person is kept by a browser's cache or a proxy."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.mark.parametrize(
    "url", ["/", "/cases/", "/cases/new/", "/deliverability/", "/me/profile/", "/nowhere/"]
)
def test_customer_pages_are_private_and_not_stored(client_a, account_a, url):
    response = client_a.get(url)
    assert {"private", "no-store"} <= directives(response)


def test_an_attachment_download_is_private_and_not_stored(client_a, customer_a, account_a):
    case = services.case_open(
        account=account_a,
        requester=customer_a,
        subject="Bounce logs",
        description="Attached.",
        category="information",
        attachments=[SimpleUploadedFile("bounces.csv", b"a,b\n", content_type="text/csv")],
    )
    attachment = case.attachments.get()
    response = client_a.get(reverse("cases:attachment", args=[case.reference, attachment.pk]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_admin_pages_are_private_and_not_stored(agent_client):
    response = agent_client.get("/admin/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_pages_for_nobody_signed_in_carry_no_private_directive(client):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    assert "private" not in directives(response)


def test_static_files_keep_their_cache_lifetime(settings, customer_a):
    from django.test import Client

    # WhiteNoise serves from the apps' static folders, as under `make run`.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()
    client.force_login(customer_a)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "private" not in directives(response)
