"""The programme's multi-line text stops at TEXT_MAX_LENGTH with a sentence, in the
customer's remediation form and in the staff admin alike; nothing is stored."""

import pytest
from django.urls import reverse

from core.text_limits import TEXT_MAX_LENGTH
from deliverability.models import PlanningSession, RemediationRequest, TrendNote

from ..html import one, page, text, texts
from .test_programme_remediation import _post_data

pytestmark = pytest.mark.django_db

OVER = "a" * TEXT_MAX_LENGTH + "b"
SENTENCE = "At most 20,000 characters fit here; this text has 20,001."


@pytest.mark.parametrize("field", ["bounce_text", "sample_headers", "affected_ips"])
def test_a_remediation_request_with_a_text_over_the_limit_is_refused_and_kept(client_a, field):
    response = client_a.post(reverse("deliverability:remediation_new"), _post_data(**{field: OVER}))
    assert response.status_code == 200
    tree = page(response)
    column = one(tree, f"#remediation-form .row > div:has(textarea[name={field}])")
    assert texts(column, ".text-danger") == [SENTENCE]
    assert text(column, "textarea").removeprefix("\n") == OVER
    assert not RemediationRequest.objects.exists()


def test_a_trends_note_over_the_limit_is_refused_in_the_admin(client, tam_a, account_a):
    client.force_login(tam_a)
    response = client.post(
        reverse("admin:deliverability_trendnote_add"),
        {"title": "Yahoo", "body": OVER, "accounts": [account_a.pk], "published_on": "2027-01-02"},
    )
    assert response.status_code == 200
    assert texts(response.content, ".errorlist li") == [SENTENCE]
    assert not TrendNote.objects.exists()


@pytest.mark.parametrize("field", ["attendees", "notes"])
def test_a_planning_session_over_the_limit_is_refused_in_the_admin(client, tam_a, account_a, field):
    client.force_login(tam_a)
    data = {
        "account": account_a.pk,
        "topic": "capacity",
        "held_on": "2027-01-05",
        "attendees": "Anna, Sam",
        "notes": "Black Friday volumes",
        "next_steps-TOTAL_FORMS": "0",
        "next_steps-INITIAL_FORMS": "0",
    }
    response = client.post(
        reverse("admin:deliverability_planningsession_add"), {**data, field: OVER}
    )
    assert response.status_code == 200
    assert texts(response.content, ".errorlist li") == [SENTENCE]
    assert not PlanningSession.objects.exists()


def test_a_remediation_step_text_over_the_limit_is_refused_in_the_admin(
    remediation_a, agent_client
):
    url = reverse("admin:deliverability_remediationrequest_change", args=[remediation_a.pk])
    fields = {
        name: getattr(remediation_a, name)
        for name in (
            "provider", "affected_ips", "from_domain", "dkim_domain", "return_path_domain",
            "bounce_text", "sample_headers", "daily_volume", "ip_type",
        )
    }  # fmt: skip
    response = agent_client.post(
        url,
        {
            **fields,
            "first_seen": remediation_a.first_seen.isoformat(),
            "steps-TOTAL_FORMS": 1,
            "steps-INITIAL_FORMS": 0,
            "steps-0-kind": "submitted",
            "steps-0-on": "2027-01-11",
            "steps-0-channel": "form",
            "steps-0-text": OVER,
        },
    )
    assert response.status_code == 200
    assert texts(response.content, ".errorlist li") == [SENTENCE]
    assert not remediation_a.steps.exists()
