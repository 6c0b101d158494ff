"""Staff configure the probes in the admin and read their results and outages there:
clear errors per field, the probe's password never shown again, the latest result and
status in the list at a fixed number of queries, results and outages read-only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from availability.models import Outage, Probe, ProbeResult

from ..html import Page, attr, one, select, text, texts
from .probe_fixtures import CREDENTIAL, T0, make_incident, minute

pytestmark = pytest.mark.django_db

ADD = reverse("admin:availability_probe_add")
LIST = reverse("admin:availability_probe_changelist")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(probe) -> str:
    return reverse("admin:availability_probe_change", args=[probe.pk])


def probe_form(**fields) -> dict:
    data = {
        "name": "API EU-West",
        "component": "api",
        "region": "",
        "enabled": "on",
        "timeout_seconds": "10",
        "method": "GET",
        "url": "https://api.eu-west.platform.example/v1/health",
        "expected_status": "200",
        "host": "",
        "port": "587",
        "username": "",
        "password": "",
        "mail_from": "",
        "rcpt_to": "",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def field_errors(response, field: str) -> list[str]:
    return texts(response.content, f".field-{field} .errorlist li")


def test_a_manager_adds_an_api_probe(manager, eu_west):
    response = signed_in(manager).post(ADD, probe_form(region=str(eu_west.pk)))
    assert response.status_code == 302
    probe = Probe.objects.get()
    assert (probe.component, probe.region, probe.url) == (
        "api",
        eu_west,
        "https://api.eu-west.platform.example/v1/health",
    )


def test_an_api_probe_without_a_url_is_refused_on_the_url_field(manager):
    response = signed_in(manager).post(ADD, probe_form(url=""))
    assert response.status_code == 200
    assert field_errors(response, "url") == ["A REST API probe needs the URL it requests."]
    assert not Probe.objects.exists()


def test_an_smtp_probe_without_host_or_sink_is_refused_on_each_field(manager):
    response = signed_in(manager).post(ADD, probe_form(component="smtp", url=""))
    assert response.status_code == 200
    assert field_errors(response, "host") == [
        "An SMTP injection probe needs the host it injects to."
    ]
    assert field_errors(response, "rcpt_to") == [
        "An SMTP injection probe needs the sink address its messages go to."
    ]
    assert field_errors(response, "url") == []


def test_a_password_without_a_user_name_and_a_timeout_past_the_minute_are_refused(manager):
    form = probe_form(
        component="smtp", host="smtp.platform.example", rcpt_to="sink@platform.example"
    )
    form.update(password="secret", timeout_seconds="120")
    response = signed_in(manager).post(ADD, form)
    assert field_errors(response, "username") == ["A password needs the user name it belongs to."]
    assert field_errors(response, "timeout_seconds") == [
        "The timeout must be from 1 to 50 seconds: every probe runs once a minute."
    ]


def test_an_smtp_probe_shows_its_own_fields_and_never_its_password(manager, smtp_probe):
    body = Page(signed_in(manager).get(change_url(smtp_probe)))
    assert body.has(".field-host") and body.has(".field-rcpt_to")
    assert not body.has(".field-url")
    assert attr(body.one(".field-password"), "input[name=password]", "type") == "password"
    assert body.one("input[name=password]").get("value") is None
    assert body.one("input[name=username]").get("value") == CREDENTIAL[0]
    assert CREDENTIAL[1].encode() not in signed_in(manager).get(change_url(smtp_probe)).content


def _smtp_change(probe, **fields) -> dict:
    data = {
        "name": probe.name,
        "region": str(probe.region_id),
        "enabled": "on",
        "timeout_seconds": "2",
        "host": probe.host,
        "port": str(probe.port),
        "username": probe.username,
        "password": "",
        "mail_from": probe.mail_from,
        "rcpt_to": probe.rcpt_to,
    }
    data.update(fields)
    return data


def test_saving_without_a_password_keeps_the_stored_one(manager, smtp_probe):
    response = signed_in(manager).post(change_url(smtp_probe), _smtp_change(smtp_probe))
    assert response.status_code == 302
    smtp_probe.refresh_from_db()
    assert smtp_probe.password == CREDENTIAL[1]


def test_a_new_password_replaces_it_and_remove_forgets_it(manager, smtp_probe):
    client = signed_in(manager)
    client.post(change_url(smtp_probe), _smtp_change(smtp_probe, password="n3w"))
    smtp_probe.refresh_from_db()
    assert smtp_probe.password == "n3w"
    client.post(change_url(smtp_probe), _smtp_change(smtp_probe, forget_password="on"))
    smtp_probe.refresh_from_db()
    assert smtp_probe.password == ""


def test_the_component_of_a_probe_cannot_change(manager, api_probe):
    body = Page(signed_in(manager).get(change_url(api_probe)))
    assert not body.has("select[name=component]")
    assert body.text(".field-component .readonly") == "REST API"


def _results(probe, kinds: str):
    ProbeResult.objects.bulk_create(
        ProbeResult(
            probe=probe,
            at=minute(i),
            ok=k == ".",
            server_side=k == "x",
            code=200 if k == "." else 503,
            latency_ms=40 + i,
        )
        for i, k in enumerate(kinds)
    )


def test_the_list_shows_each_probes_latest_result_and_status(manager, api_probe, smtp_probe):
    _results(api_probe, "..x")
    _results(smtp_probe, "xxxx")
    Outage.objects.create(component="smtp", region=smtp_probe.region, started_at=minute(0))
    body = Page(signed_in(manager).get(LIST))
    rows = {text(row, ".field-name"): row for row in body.select("#result_list tbody tr")}
    assert text(rows["API EU-West"], ".field-status") == "Failed: server-side"
    assert text(rows["API EU-West"], ".field-latest_result").endswith("503 · 42 ms")
    assert text(rows["SMTP EU-West"], ".field-status").startswith("Unavailable since 2027-03-01")


def test_a_probe_without_results_says_so(manager, api_probe):
    body = Page(signed_in(manager).get(LIST))
    assert body.text("#result_list .field-status") == "No result yet"


def test_a_disabled_probe_says_it_is_not_run_whatever_its_last_result(manager, api_probe):
    _results(api_probe, "...")
    Probe.objects.filter(pk=api_probe.pk).update(enabled=False)
    body = Page(signed_in(manager).get(LIST))
    assert body.text("#result_list .field-status") == "Disabled: not run"


def test_the_probe_list_runs_a_fixed_number_of_queries(manager, eu_west, django_assert_num_queries):
    client = signed_in(manager)
    client.get(LIST)  # the session and the user's permissions, as on any later page

    def make(n):
        for i in range(n):
            probe = Probe.objects.create(
                name=f"API {i}", component="api", region=eu_west, url="https://a.example/"
            )
            _results(probe, ".x")

    make(1)
    with django_assert_num_queries(9):
        client.get(LIST)
    make(9)
    with django_assert_num_queries(9):
        assert len(select(client.get(LIST).content, "#result_list tbody tr")) == 10


def test_the_probe_page_shows_recent_results_read_only(manager, api_probe):
    _results(api_probe, ".x")
    body = Page(signed_in(manager).get(change_url(api_probe)))
    rows = body.select(".field-recent_results tbody tr")
    assert [text(r, "td:nth-child(2)") for r in rows] == ["Failed: server-side", "Succeeded"]


def test_agents_read_probes_but_do_not_change_them(agent, api_probe):
    client = signed_in(agent)
    assert client.get(LIST).status_code == 200
    assert client.get(change_url(api_probe)).status_code == 200
    assert client.post(change_url(api_probe), probe_form()).status_code == 403
    assert client.get(ADD).status_code == 403


def test_customer_service_does_not_see_the_probes(representative):
    assert signed_in(representative).get(LIST).status_code == 403


def test_results_and_outages_are_read_only_even_for_managers(manager, api_probe):
    _results(api_probe, "x")
    outage = Outage.objects.create(component="api", region=api_probe.region, started_at=T0)
    client = signed_in(manager)
    result = ProbeResult.objects.get()
    assert client.get(reverse("admin:availability_proberesult_add")).status_code == 403
    assert client.get(reverse("admin:availability_outage_add")).status_code == 403
    page = client.get(reverse("admin:availability_proberesult_change", args=[result.pk]))
    assert page.status_code == 200 and not Page(page).has("input[name=_save]")
    post = client.post(reverse("admin:availability_outage_change", args=[outage.pk]), {})
    assert post.status_code == 403


def test_the_outage_list_links_each_outage_to_its_incident(manager, eu_west):
    incident = make_incident(region=eu_west, detected_by_probes=True)
    Outage.objects.create(
        component="api",
        region=eu_west,
        started_at=T0,
        ended_at=T0 + timedelta(minutes=40),
        incident=incident,
    )
    body = Page(signed_in(manager).get(reverse("admin:availability_outage_changelist")))
    row = one(body.select("#result_list tbody tr")[0], "td.field-incident_link a")
    assert row.get("href") == f"{reverse('admin:index')}cases/incident/{incident.pk}/change/"
    assert text(row) == str(incident)
    assert body.text("#result_list .field-duration") == "40 min"
