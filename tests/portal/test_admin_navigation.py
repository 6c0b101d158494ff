"""The admin's navigation (the sidebar and the index) lists what the reader may open, in
their language, and follows a change of their permissions at once."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests.html import one, select, texts

pytestmark = pytest.mark.django_db

CALENDARS = reverse("admin:accounts_officehourscalendar_changelist")
ACCOUNTS = reverse("admin:accounts_account_changelist")


def links(element) -> set[str]:
    return {a.get("href") for a in select(element, "a")}


def index_links(client) -> set[str]:
    return links(one(client.get(reverse("admin:index")), "div#content-main"))


def test_the_sidebar_lists_the_models_the_reader_may_open(agent_client):
    sidebar = one(
        agent_client.get(reverse("admin:cases_hotlinecall_changelist")), "nav#nav-sidebar"
    )
    assert ACCOUNTS in links(sidebar)
    assert reverse("admin:cases_hotlinecall_changelist") in links(sidebar)
    assert reverse("admin:auth_group_changelist") not in links(sidebar)  # superusers only


def test_a_granted_permission_shows_in_the_navigation_at_once(representative):
    client = Client()
    client.force_login(representative)
    assert CALENDARS not in index_links(client)
    view = Permission.objects.get(
        codename="view_officehourscalendar", content_type__app_label="accounts"
    )
    representative.user_permissions.add(view)
    assert CALENDARS in index_links(client)


def test_the_navigation_speaks_the_reader_s_language(agent, agent_client):
    def captions():
        return set(
            texts(one(agent_client.get(reverse("admin:index")), "div#content-main"), "caption")
        )

    assert "Support cases" in captions()
    agent.language = "nl"
    agent.save(update_fields=["language"])
    dutch = captions()
    assert "Supportzaken" in dutch and "Support cases" not in dutch


@pytest.mark.parametrize(
    "persona, linked",
    [("manager", True), ("tam_a", True), ("agent", False), ("representative", False)],
)
def test_the_admin_index_links_the_sla_report_for_those_who_may_read_it(request, persona, linked):
    from tests.html import Page

    client = Client()
    client.force_login(request.getfixturevalue(persona))
    index = Page(client.get(reverse("admin:index")))
    links = index.attrs("[data-testid=sla-report-link]", "href")
    assert links == ([reverse("admin:cases_sla_report")] if linked else [])
    if linked:
        assert client.get(links[0]).status_code == 200
