"""Guidance pages and TAM notes on industry trends."""

import pytest
from django.urls import reverse

from deliverability.models import TrendNote
from tests.pages import Page

pytestmark = pytest.mark.django_db


def test_the_library_lists_the_articles_by_topic(client_a):
    body = client_a.get(reverse("deliverability:guidance")).content.decode()
    for slug in ("warm-up", "authentication", "list-hygiene", "bulk-senders", "remediation"):
        assert reverse("deliverability:guidance_article", args=[slug]) in body


def test_an_article_is_shown_in_the_users_language(client_a, customer_a):
    url = reverse("deliverability:guidance_article", args=["warm-up"])
    english = Page(client_a.get(url))
    customer_a.language = "nl"
    customer_a.save()
    dutch = Page(client_a.get(url))
    assert english.root.get("lang") == "en"
    assert dutch.attrs("article.guidance-article", "lang") == ["nl"]


def test_an_unknown_article_is_not_found(client_a):
    assert (
        client_a.get(reverse("deliverability:guidance_article", args=["nope"])).status_code == 404
    )


def test_trends_notes_reach_the_accounts_they_were_published_to(client_a, client_b, note_a):
    assert "under 0.1%" in client_a.get(reverse("deliverability:programme")).content.decode()
    assert note_a.title not in client_b.get(reverse("deliverability:programme")).content.decode()


def test_a_note_is_sanitised(client_a, account_a, tam_a):
    note = TrendNote.objects.create(
        author=tam_a, title="x", body="<script>alert(1)</script>ok", published_on="2027-01-01"
    )
    note.accounts.add(account_a)
    body = client_a.get(reverse("deliverability:programme")).content.decode()
    assert "<script>alert(1)" not in body


def test_the_programme_page_runs_a_fixed_number_of_queries(
    client_a, account_a, tam_a, session_a, note_a, django_assert_num_queries
):
    client_a.get(reverse("deliverability:programme"))
    with django_assert_num_queries(5):
        client_a.get(reverse("deliverability:programme"))
    for n in range(3):
        extra = TrendNote.objects.create(
            author=tam_a, title=f"n{n}", body="b", published_on="2027-01-02"
        )
        extra.accounts.add(account_a)
        session_a.pk = None
        session_a.save()
    with django_assert_num_queries(5):
        client_a.get(reverse("deliverability:programme"))
