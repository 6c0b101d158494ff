"""The on-call rota: who is alerted at once, with a fallback so nobody is never alerted."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import roles
from accounts.models import OnCallShift
from accounts.selectors import on_call_staff
from tests.factories import StaffFactory
from tests.html import page, text

pytestmark = pytest.mark.django_db

SUNDAY_3AM = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def shift(agent, start, hours):
    return OnCallShift.objects.create(
        agent=agent, starts_at=start, ends_at=start + timedelta(hours=hours)
    )


def test_the_agents_on_a_shift_covering_the_moment_are_on_call(agent, manager):
    night = StaffFactory(full_name="Night Owl", role=roles.SUPPORT_AGENTS)
    shift(night, SUNDAY_3AM - timedelta(hours=2), 8)
    shift(agent, SUNDAY_3AM + timedelta(hours=6), 8)  # later that day
    assert on_call_staff(at=SUNDAY_3AM) == [night]


def test_a_shift_ends_exclusively(agent):
    shift(agent, SUNDAY_3AM - timedelta(hours=8), 8)
    other = StaffFactory(role=roles.SUPPORT_AGENTS)
    shift(other, SUNDAY_3AM, 8)
    assert on_call_staff(at=SUNDAY_3AM) == [other]


def test_when_no_shift_covers_the_moment_all_agents_and_managers_are_alerted(
    agent, manager, representative, tam_a
):
    got = on_call_staff(at=SUNDAY_3AM)
    assert set(got) == {agent, manager}


def test_inactive_staff_are_never_alerted(agent, manager):
    agent.is_active = False
    agent.save()
    assert on_call_staff(at=SUNDAY_3AM) == [manager]


def test_a_shift_must_end_after_it_starts(agent):
    bad = OnCallShift(agent=agent, starts_at=SUNDAY_3AM, ends_at=SUNDAY_3AM)
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "A shift must end after it starts." in str(exc.value)


def test_a_manager_plans_the_rota_in_the_admin(client, manager, agent):
    client.force_login(manager)
    response = client.post(
        reverse("admin:accounts_oncallshift_add"),
        {
            "agent": agent.pk,
            "starts_at_0": "2026-11-29",
            "starts_at_1": "00:00",
            "ends_at_0": "2026-11-29",
            "ends_at_1": "08:00",
            "note": "Weekend night",
        },
    )
    assert response.status_code == 302
    assert on_call_staff(at=SUNDAY_3AM) == [agent]
    rota = page(client.get(reverse("admin:accounts_oncallshift_changelist")))
    assert "Weekend night" in text(rota, "#result_list")


def test_an_agent_may_read_but_not_change_the_rota(client, agent):
    client.force_login(agent)
    assert client.get(reverse("admin:accounts_oncallshift_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_oncallshift_add")).status_code == 403
