"""Guidance pages and TAM notes on industry trends."""

import pytest
from django.urls import reverse

from deliverability.models import TrendNote

from ..html import absent, attr, page, select, text

pytestmark = pytest.mark.django_db


def test_the_library_lists_the_articles_by_topic(client_a):
    tree = page(client_a.get(reverse("deliverability:guidance")))
    for slug in ("warm-up", "authentication", "list-hygiene", "bulk-senders", "remediation"):
        assert text(
            tree, f"main a[href='{reverse('deliverability:guidance_article', args=[slug])}']"
        )


def test_an_article_is_shown_in_the_users_language(client_a, customer_a):
    url = reverse("deliverability:guidance_article", args=["warm-up"])
    english = page(client_a.get(url))
    customer_a.language = "nl"
    customer_a.save()
    dutch = page(client_a.get(url))
    assert attr(english, "article.guidance-article", "lang") == "en"
    assert attr(dutch, "article.guidance-article", "lang") == "nl"
    assert text(english, "article.guidance-article h1") != text(
        dutch, "article.guidance-article h1"
    )


def test_an_unknown_article_is_not_found(client_a):
    assert (
        client_a.get(reverse("deliverability:guidance_article", args=["nope"])).status_code == 404
    )


def test_trends_notes_reach_the_accounts_they_were_published_to(client_a, client_b, note_a):
    [note] = select(client_a.get(reverse("deliverability:programme")).content, "article.trend-note")
    assert text(note, "h3") == note_a.title
    assert text(note, "strong") == "under 0.1%"
    assert note_a.title not in text(client_b.get(reverse("deliverability:programme")).content)


def test_a_note_is_sanitised(client_a, account_a, tam_a):
    note = TrendNote.objects.create(
        author=tam_a, title="x", body="<script>alert(1)</script>ok", published_on="2027-01-01"
    )
    note.accounts.add(account_a)
    tree = page(client_a.get(reverse("deliverability:programme")))
    [shown] = [n for n in select(tree, "article.trend-note") if text(n, "h3") == "x"]
    absent(shown, "script")
    assert text(shown).endswith("ok")


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
