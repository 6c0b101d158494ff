"""Attachments in a private S3 bucket (moto's S3 server on loopback): filed through the
portal, kept in the bucket and not on the host's disk, and downloaded only by those the
views allow, streamed through the portal or through a short-lived signed address."""

import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case

from .test_views import bug_form

pytestmark = pytest.mark.django_db

LOG = b"421 4.3.2 Service not available, closing transmission channel\n"


@pytest.fixture
def filed(client_a, s3_storage):
    """A case filed through the portal's form with one attachment, into the bucket."""
    upload = SimpleUploadedFile("relay1 smtp.log", LOG, content_type="text/plain")
    response = client_a.post(reverse("cases:new"), {**bug_form(), "attachments": [upload]})
    assert response.status_code == 302
    case = Case.objects.get()
    return case, case.attachments.get()


def customer_url(case, attachment):
    return reverse("cases:attachment", args=[case.reference, attachment.pk])


def admin_url(case, attachment):
    return reverse("admin:cases_case_attachment", args=[case.pk, attachment.pk])


def fetch(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback test server
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_an_attachment_is_kept_in_the_bucket_not_on_the_hosts_disk(filed, s3_storage, settings):
    _case, attachment = filed
    assert s3_storage.keys() == [attachment.file.name]
    assert attachment.file.name.startswith(f"case-attachments/{attachment.case_id}/")
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


def test_objects_are_private_the_bucket_refuses_an_unsigned_read(filed, s3_storage):
    _case, attachment = filed
    acl = s3_storage.client.get_object_acl(Bucket=s3_storage.bucket, Key=attachment.file.name)
    grantees = [grant["Grantee"].get("URI", "") for grant in acl["Grants"]]
    assert not [uri for uri in grantees if uri.endswith(("/AllUsers", "/AuthenticatedUsers"))]
    status, _headers, body = fetch(
        f"{s3_storage.endpoint}/{s3_storage.bucket}/{attachment.file.name}"
    )
    assert status == 403
    assert LOG not in body


def test_the_owner_downloads_the_attachment_streamed_through_the_portal(client_a, filed):
    case, attachment = filed
    response = client_a.get(customer_url(case, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == LOG
    assert response["Content-Disposition"] == 'attachment; filename="relay1 smtp.log"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_download_from_the_bucket_and_the_hotline_role_may_not(
    agent_client, client, representative, filed
):
    case, attachment = filed
    response = agent_client.get(admin_url(case, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == LOG
    client.force_login(representative)
    assert client.get(admin_url(case, attachment)).status_code == 403


@pytest.mark.parametrize("downloads", ["stream", "redirect"])
def test_another_account_and_anonymous_get_nothing(client_b, client, filed, settings, downloads):
    settings.STORAGE_DOWNLOADS = downloads
    case, attachment = filed
    other = client_b.get(customer_url(case, attachment))
    assert other.status_code == 404
    assert "Location" not in other
    anonymous = client.get(customer_url(case, attachment))
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    staff_page = client.get(admin_url(case, attachment))
    assert staff_page.status_code == 302
    assert "/admin/login/" in staff_page["Location"]


def test_a_redirect_goes_to_an_address_signed_for_a_minute(client_a, filed, s3_storage, settings):
    settings.STORAGE_DOWNLOADS = "redirect"
    case, attachment = filed
    before = datetime.now(UTC).replace(microsecond=0)
    response = client_a.get(customer_url(case, attachment))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    target = urlsplit(response["Location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}" == s3_storage.endpoint
    assert target.path == f"/{s3_storage.bucket}/{attachment.file.name}"
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["60"]
    assert query["X-Amz-Signature"][0]
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert 0 <= (signed_at - before).total_seconds() < 5
    # The address serves the file as a download under its own name ...
    status, headers, body = fetch(response["Location"])
    assert (status, body) == (200, LOG)
    assert headers["Content-Disposition"] == 'attachment; filename="relay1 smtp.log"'
    assert headers["Content-Type"] == "text/plain"
    # ... and without its signature it is refused.
    status, _headers, body = fetch(response["Location"].split("?")[0])
    assert status == 403
    assert LOG not in body


def test_a_shorter_signed_address_when_configured(client_a, filed, settings):
    settings.STORAGE_DOWNLOADS = "redirect"
    settings.STORAGE_SIGNED_URL_SECONDS = 15
    case, attachment = filed
    location = client_a.get(customer_url(case, attachment))["Location"]
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["15"]


def test_staff_are_redirected_too_when_configured(agent_client, filed, settings):
    settings.STORAGE_DOWNLOADS = "redirect"
    case, attachment = filed
    response = agent_client.get(admin_url(case, attachment))
    assert response.status_code == 302
    assert "X-Amz-Signature=" in response["Location"]


def test_an_object_missing_from_the_bucket_is_a_404(client_a, filed, s3_storage):
    case, attachment = filed
    s3_storage.client.delete_object(Bucket=s3_storage.bucket, Key=attachment.file.name)
    assert client_a.get(customer_url(case, attachment)).status_code == 404


def test_the_local_folder_is_streamed_even_when_redirects_are_asked_for(client_a, settings):
    """Without a bucket the files stay under MEDIA_ROOT, and there is no address to sign."""
    settings.STORAGE_DOWNLOADS = "redirect"
    upload = SimpleUploadedFile("smtp.log", LOG, content_type="text/plain")
    client_a.post(reverse("cases:new"), {**bug_form(), "attachments": [upload]})
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == LOG
    response = client_a.get(customer_url(case, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == LOG
