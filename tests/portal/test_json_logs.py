"""LOG_FORMAT=json writes one JSON object a line, each with the request id (the proxy's
X-Request-ID when valid, echoed in the response), the user id and the case reference."""

import io
import json
import logging
import logging.config
import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils.log import configure_logging

from cases import mailing
from core import log_context
from portal.celery import app as celery_app

SETTINGS = Path(__file__).resolve().parents[2] / "portal" / "settings.py"

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines(monkeypatch):
    """Logging configured as portal/settings.py does with LOG_FORMAT=json; the lines
    written, parsed."""
    # Celery sets Django up again (logging included) when it first loads the tasks.
    celery_app.loader.import_default_modules()
    monkeypatch.setenv("LOG_FORMAT", "json")
    logging_config = runpy.run_path(str(SETTINGS))["LOGGING"]
    logging.config.dictConfig(logging_config)
    (console,) = logging.getLogger().handlers
    console.stream = stream = io.StringIO()
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "portal.requests"]


def test_celery_workers_keep_the_json_configuration(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert runpy.run_path(str(SETTINGS))["CELERY_WORKER_HIJACK_ROOT_LOGGER"] is False


def test_a_case_page_request_is_one_line_with_its_request_user_and_case(
    json_lines, client_a, customer_a, case_a
):
    path = reverse("cases:detail", args=[case_a.reference])
    response = client_a.get(path)

    assert response.status_code == 200
    (line,) = request_lines(json_lines())
    assert line["request_id"] == response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32
    assert line["user_id"] == customer_a.pk
    assert line["case_reference"] == case_a.reference
    assert line["level"] == "INFO"
    assert line["message"] == f"GET {path} 200"
    assert (line["method"], line["path"], line["status"]) == ("GET", path, 200)
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")


def test_the_proxys_request_id_is_kept_and_echoed(json_lines, client_a):
    response = client_a.get(reverse("cases:list"), HTTP_X_REQUEST_ID="4bf92f3577b34da6a3ce")
    assert response["X-Request-ID"] == "4bf92f3577b34da6a3ce"
    (line,) = request_lines(json_lines())
    assert line["request_id"] == "4bf92f3577b34da6a3ce"
    assert "case_reference" not in line


@pytest.mark.parametrize("offered", ["a b", "x" * 200, "id\nforged line", "<script>"])
def test_an_invalid_request_id_is_replaced_by_our_own(client, offered):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID=offered)
    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32


def test_a_visitor_has_no_user_id(json_lines, client):
    client.get(reverse("login"))
    (line,) = request_lines(json_lines())
    assert "user_id" not in line


def test_the_staff_case_page_names_the_case(json_lines, agent_client, case_a):
    response = agent_client.get(reverse("admin:cases_case_change", args=[case_a.pk]))
    assert response.status_code == 200
    (line,) = request_lines(json_lines())
    assert line["case_reference"] == case_a.reference


def test_a_case_mail_task_logs_with_its_task_id_and_case(json_lines, case_a, monkeypatch):
    from cases.models import CaseEvent
    from cases.tasks import send_case_mail

    def recipients(event):
        logging.getLogger("cases.mailing").info("mailing")
        return []

    monkeypatch.setattr(mailing, "_recipients", recipients)
    event = CaseEvent.objects.filter(case=case_a, public=True).first()

    result = send_case_mail.apply(args=[event.pk], task_id="task-123")

    assert result.successful()
    (line,) = [line for line in json_lines() if line["message"] == "mailing"]
    assert (line["request_id"], line["case_reference"]) == ("task-123", case_a.reference)
    assert log_context.current() == {}
