"""The admin's navigation is built once per user, language and permissions, and follows
any change of permissions at once."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db

CALENDARS = reverse("admin:accounts_officehourscalendar_changelist")


@pytest.fixture
def builds(monkeypatch):
    calls = []
    original = admin.AdminSite._build_app_dict

    def counting(self, request, label=None):
        calls.append(label)
        return original(self, request, label)

    monkeypatch.setattr(admin.AdminSite, "_build_app_dict", counting)
    admin.site._navigation.clear()
    return calls


def test_the_navigation_is_built_once_and_then_reused(agent_client, builds):
    first = agent_client.get(reverse("admin:cases_hotlinecall_changelist")).content.decode()
    second = agent_client.get(reverse("admin:cases_hotlinecall_changelist")).content.decode()
    assert builds == [None]
    assert 'id="nav-sidebar"' in first
    assert (
        first.count(reverse("admin:accounts_account_changelist"))
        == second.count(reverse("admin:accounts_account_changelist"))
        >= 1
    )


def test_a_granted_permission_shows_in_the_navigation_at_once(representative, builds):
    from django.test import Client

    client = Client()
    client.force_login(representative)
    assert CALENDARS not in client.get(reverse("admin:index")).content.decode()
    view = Permission.objects.get(
        codename="view_officehourscalendar", content_type__app_label="accounts"
    )
    representative.user_permissions.add(view)
    assert CALENDARS in client.get(reverse("admin:index")).content.decode()
    assert len(builds) == 2


def test_the_navigation_speaks_the_reader_s_language(agent, agent_client, builds):
    english = agent_client.get(reverse("admin:index")).content.decode()
    agent.language = "nl"
    agent.save(update_fields=["language"])
    dutch = agent_client.get(reverse("admin:index")).content.decode()
    assert "Support cases" in english
    assert "Supportzaken" in dutch and "Support cases" not in dutch
    assert len(builds) == 2
