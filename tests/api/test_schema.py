"""The API's OpenAPI schema is valid, warning-free, and good enough that a client
generated from it files a case, replies and accepts a resolution on a live server."""

import importlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

from cases import services
from cases.models import Case, Status


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_is_valid_openapi_3():
    schema = _schema()
    validate(schema)
    assert "/api/v1/cases/" in schema["paths"]


def test_the_schema_builds_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


@pytest.fixture(scope="session")
def generated_client(tmp_path_factory, django_db_setup, django_db_blocker):
    """A Python client generated from the schema, importable (once per session)."""
    out = tmp_path_factory.mktemp("client")
    with django_db_blocker.unblock():
        schema = _schema()
    (out / "schema.yaml").write_text(yaml.safe_dump(schema, sort_keys=False))
    started = time.monotonic()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "openapi-python-client"),
            "generate",
            "--path",
            str(out / "schema.yaml"),
            "--output-path",
            str(out / "eeapi"),
            "--meta",
            "none",
        ],
        check=True,
        capture_output=True,
        # Its formatting step runs ruff, next to the interpreter.
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )
    generated_client.seconds = time.monotonic() - started
    sys.path.insert(0, str(out))
    yield "eeapi"
    sys.path.remove(str(out))


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_files_replies_and_accepts(
    generated_client, live_server, customer_a, agent, make_token
):
    _token, secret = make_token(customer_a)
    package = generated_client
    client_mod = importlib.import_module(f"{package}.client")
    models = importlib.import_module(f"{package}.models")
    api = type(
        "Operations",
        (),
        {
            name: importlib.import_module(f"{package}.api.cases.{name}")
            for name in ("cases_file", "cases_reply", "cases_get", "cases_accept_resolution")
        },
    )
    client = client_mod.AuthenticatedClient(base_url=live_server.url, token=secret)

    filing = models.CaseFilingRequest(
        subject="Bounces arrive twice", need=models.NeedEnum.SOFTWARE_BUG, description="Twice."
    )
    filed = api.cases_file.sync(client=client, body=filing, idempotency_key="gen-1")
    assert filed.reference.startswith("EE-")
    case = Case.objects.get(reference=filed.reference)

    reply = api.cases_reply.sync(
        reference=filed.reference, client=client, body=models.ReplyRequest(body="The log.")
    )
    assert reply.case == filed.reference

    services.case_propose_resolution(case=case, actor=agent, summary="Fixed the retry.")
    detail = api.cases_get.sync(reference=filed.reference, client=client)
    accepted = api.cases_accept_resolution.sync(
        reference=filed.reference,
        client=client,
        body=models.AnswerRequest(answering=detail.pending_resolution.id),
    )
    assert accepted.status == models.StatusEnum.RESOLVED
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
