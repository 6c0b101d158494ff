"""A real S3 API for tests: moto's server mode on a free loopback port, once per session.

`s3_server` is its endpoint address; `s3_storage` gives a test an empty bucket of its own
and points the portal's default storage at it through STORAGE_URL, as a host would.
"""

from __future__ import annotations

import itertools
import logging
import os
from types import SimpleNamespace

import boto3
import pytest

from portal import object_storage

ACCESS_KEY = "portal-test-key"
SECRET_KEY = "portal-test-secret"
REGION = "eu-west-1"
_buckets = itertools.count(1)
# Test runs sharing one server (TEST_S3_ENDPOINT_URL) keep apart by process.
_run = os.getpid()


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint of an S3 server on loopback: TEST_S3_ENDPOINT_URL when one is
    running already (`.ci/run` starts moto_server as a process of its own), else moto's
    server in a thread of this process."""
    running = os.environ.get("TEST_S3_ENDPOINT_URL")
    if running:
        yield running
        return
    from moto.server import ThreadedMotoServer

    # Werkzeug's access log would print every request.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def storage_url(endpoint: str, bucket: str) -> str:
    return f"s3://{ACCESS_KEY}:{SECRET_KEY}@{bucket}?endpoint_url={endpoint}&region={REGION}"


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture
def s3_storage(s3_server, settings):
    """An empty private bucket, the portal's default storage for this test."""
    bucket = f"portal-test-{_run}-{next(_buckets)}"
    client = s3_client(s3_server)
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    url = storage_url(s3_server, bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": object_storage.default_storage(
            {"STORAGE_URL": url}, signed_url_seconds=settings.STORAGE_SIGNED_URL_SECONDS
        ),
    }

    def keys() -> list[str]:
        listing = client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", ()))

    return SimpleNamespace(endpoint=s3_server, bucket=bucket, url=url, client=client, keys=keys)
