"""Where files are kept, read from the environment: STORAGE_URL, django-storages' AWS_*
variables, or the local folder when neither is set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.object_storage import default_storage

ROOT = Path(__file__).resolve().parents[2]


def storage(**environ):
    return default_storage(environ, signed_url_seconds=60)


def test_without_a_bucket_files_stay_in_the_local_folder():
    assert storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storage(STORAGE_URL="", AWS_STORAGE_BUCKET_NAME=" ")["BACKEND"].endswith(
        "FileSystemStorage"
    )


def test_a_storage_url_names_a_private_bucket_with_signed_short_lived_addresses():
    entry = storage(
        STORAGE_URL="s3://AKIA:se%2Fcret@Support-Files/portal/prod"
        "?endpoint_url=https://minio.internal:9000&region=eu-west-1"
    )
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    assert entry["OPTIONS"] == {
        "bucket_name": "Support-Files",
        "location": "portal/prod",
        "region_name": "eu-west-1",
        "endpoint_url": "https://minio.internal:9000",
        "addressing_style": "path",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "signature_version": "s3v4",
        "custom_domain": None,
        "file_overwrite": False,
        "access_key": "AKIA",
        "secret_key": "se/cret",
    }


def test_on_aws_credentials_come_from_boto3_and_the_addressing_style_is_left_to_it():
    options = storage(STORAGE_URL="s3://support-files?acl=private&verify=false")["OPTIONS"]
    assert "access_key" not in options
    assert options["addressing_style"] is None
    assert options["endpoint_url"] is None
    assert options["default_acl"] == "private"
    assert options["verify"] is False


def test_django_storages_aws_variables_work_without_a_storage_url():
    options = storage(
        AWS_STORAGE_BUCKET_NAME="support-files",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_S3_REGION_NAME="us-east-1",
        AWS_S3_ADDRESSING_STYLE="virtual",
        AWS_LOCATION="/media/",
    )["OPTIONS"]
    assert options["bucket_name"] == "support-files"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["addressing_style"] == "virtual"
    assert options["location"] == "media"
    assert options["querystring_auth"] is True


@pytest.mark.parametrize(
    "environ,sentence",
    [
        ({"STORAGE_URL": "https://bucket.example"}, "STORAGE_URL must start with s3://"),
        ({"STORAGE_URL": "s3:///prefix"}, "STORAGE_URL names no bucket"),
        ({"STORAGE_URL": "s3://b?endpoint=http://x"}, "unknown option 'endpoint'"),
        ({"STORAGE_URL": "s3://key@b"}, "access key without its secret key"),
        (
            {"STORAGE_URL": "s3://b?acl=public-read"},
            "STORAGE_URL's acl must be private or bucket-owner",
        ),
        ({"STORAGE_URL": "s3://b?addressing_style=dns"}, "addressing_style must be one of"),
        ({"STORAGE_URL": "s3://b?endpoint_url=minio:9000"}, "endpoint_url must be an http"),
        (
            {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_DEFAULT_ACL": "public-read"},
            "AWS_DEFAULT_ACL must be private",
        ),
    ],
)
def test_a_wrong_setting_is_refused_with_a_sentence(environ, sentence):
    with pytest.raises(ImproperlyConfigured, match=sentence):
        storage(**environ)


@pytest.mark.parametrize("seconds", [0, 3601])
def test_a_signed_address_lives_between_a_second_and_an_hour(seconds):
    with pytest.raises(ImproperlyConfigured, match="STORAGE_SIGNED_URL_SECONDS must be between"):
        default_storage({"STORAGE_URL": "s3://b"}, signed_url_seconds=seconds)


def _settings_in_a_fresh_process(**environ) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['default']['BACKEND'], settings.STORAGE_DOWNLOADS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STORAGE_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_settings_read_the_environment():
    local = _settings_in_a_fresh_process()
    assert local.stdout.split() == ["django.core.files.storage.FileSystemStorage", "stream"]
    bucket = _settings_in_a_fresh_process(
        STORAGE_URL="s3://support-files?endpoint_url=http://127.0.0.1:9000",
        STORAGE_DOWNLOADS="redirect",
    )
    assert bucket.stdout.split() == ["storages.backends.s3.S3Storage", "redirect"]
    wrong = _settings_in_a_fresh_process(STORAGE_DOWNLOADS="public")
    assert wrong.returncode != 0
    assert "STORAGE_DOWNLOADS must be stream or redirect; got 'public'." in wrong.stderr
