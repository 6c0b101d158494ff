"""Branded 403, 404, CSRF and 500 pages in English and Dutch where DEBUG is off (as in
production); with DEBUG on (a developer's laptop) Django's technical pages stay."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.html import text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def test_a_missing_page_is_branded_and_says_so(client_a):
    response = client_a.get("/no-such-page/")
    assert response.status_code == 404
    assert text(response, "[data-testid=error-page]").startswith("We cannot find that page")
    assert "Email Enterprise" in text(response, ".navbar-brand.fw-semibold")


def test_a_missing_page_speaks_dutch_to_a_dutch_reader():
    response = Client(HTTP_ACCEPT_LANGUAGE="nl").get("/no-such-page/")
    assert response.status_code == 404
    assert text(response, "[data-testid=error-page]").startswith("We kunnen die pagina niet vinden")


def test_a_refused_page_is_branded(agent_client):
    response = agent_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403
    assert text(response, "[data-testid=error-page]").startswith("You have no access to this page")


def test_an_expired_form_is_branded_in_dutch_too(customer_a):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="nl")
    response = client.post("/accounts/login/", {"username": customer_a.email, "password": "x"})
    assert response.status_code == 403
    assert text(response, "[data-testid=error-page]").startswith("Dit formulier is verlopen")


@pytest.mark.urls("tests.portal.urls_failing")
def test_a_failing_page_is_branded_and_names_the_hotline(client_a, settings):
    client_a.raise_request_exception = False
    response = client_a.get("/failing/")
    assert response.status_code == 500
    page = text(response, "[data-testid=error-page]")
    assert page.startswith("Something went wrong on our side")
    assert settings.SEVERITY1_HOTLINE in page


def test_the_500_page_renders_with_no_database_and_nobody_signed_in(rf):
    from portal.views import server_error

    request = rf.get("/anything/")
    with CaptureQueriesContext(connection) as queries:
        response = server_error(request)
    assert response.status_code == 500
    assert queries.captured_queries == []
    assert text(response, "[data-testid=error-page]").startswith("Something went wrong on our side")
