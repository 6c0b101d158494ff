"""The guidance library: every article in English and Dutch, and the links to it."""

import re

import pytest

from cases.rendering import render_article
from deliverability.programme import guidance_library as library
from deliverability.programme.bounces import load_rules
from deliverability.programme.guidance_library import (
    GUIDANCE_DIR,
    LANGUAGES,
    ArticleNotFound,
    get_article,
    list_articles,
    parse_article,
    slugs,
)

TOPICS = ["warm-up", "authentication", "list-hygiene", "bulk-senders", "remediation"]


def test_the_library_has_the_five_topics_in_reading_order():
    assert slugs() == TOPICS


def test_every_article_exists_in_both_languages_with_the_same_topic():
    files = sorted(p.name for p in GUIDANCE_DIR.glob("*.md"))
    assert files == sorted(f"{slug}.{lang}.md" for slug in TOPICS for lang in LANGUAGES)
    for slug in TOPICS:
        english, dutch = get_article(slug, "en"), get_article(slug, "nl")
        assert (english.language, dutch.language) == ("en", "nl")
        assert english.slug == dutch.slug == slug
        assert english.order == dutch.order
        assert english.title != dutch.title and english.summary != dutch.summary
        # the same sections, translated: as many headings and table rows in both
        for marker in (r"^## ", r"^\|"):
            assert len(re.findall(marker, english.body, re.M)) == len(
                re.findall(marker, dutch.body, re.M)
            ), (slug, marker)


def test_every_guidance_slug_in_the_bounce_rules_points_at_an_article():
    named = {rule.guidance for rule in load_rules() if rule.guidance}
    assert named <= set(slugs())
    assert {"authentication", "list-hygiene", "bulk-senders", "remediation"} <= named


def test_a_regional_language_and_an_unknown_language_are_understood():
    assert get_article("warm-up", "nl-NL").language == "nl"
    assert get_article("warm-up", "de").language == "en"
    assert get_article("warm-up", None).language == "en"
    assert [a.language for a in list_articles("nl")] == ["nl"] * len(TOPICS)


def test_an_article_missing_in_dutch_falls_back_to_english(tmp_path):
    (tmp_path / "only-english.en.md").write_text(
        "---\ntitle: Only\ntopic: only-english\nsummary: S\norder: 1\n---\nBody\n"
    )
    article = get_article("only-english", "nl", directory=tmp_path)
    assert (article.language, article.title, article.body) == ("en", "Only", "Body\n")


@pytest.mark.parametrize("slug", ["nope", "../settings", "warm-up.en", "", None])
def test_an_unknown_or_malformed_slug_is_not_found(slug):
    with pytest.raises(ArticleNotFound):
        get_article(slug, "en")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# no front matter", "no front matter"),
        ("---\ntitle: T\ntopic: x\nsummary: S\n---\n", "no order"),
        ("---\ntitle: T\ntopic: other\nsummary: S\norder: 1\n---\n", "names topic 'other'"),
        ("---\ntitle T\n---\n", "without ':'"),
        ("---\ntitle: T\ntopic: x\nsummary: S\norder: first\n---\n", "whole number as order"),
    ],
)
def test_a_bad_front_matter_is_refused_with_a_sentence(text, message):
    with pytest.raises(ValueError, match=message):
        parse_article(text, slug="x", language="en")


def test_dutch_articles_use_the_contracts_terms():
    dutch = " ".join(get_article(slug, "nl").body for slug in TOPICS)
    for term in (
        "IP-warmplan",
        "mailboxprovider",
        "Technische Accountmanager",
        "ISP-block remediatie",
        "inboxplaatsingspercentage",
    ):
        assert term in dutch, term


def test_remediation_states_the_exclusions_and_never_promises_inbox_placement():
    english = get_article("remediation", "en").body
    dutch = get_article("remediation", "nl").body
    assert "Tier 2" in english and "deliverability strategy" in english
    assert "not guaranteed" in english
    assert "Tier 2" in dutch and "niet gegarandeerd" in dutch
    for slug in TOPICS:
        for lang in LANGUAGES:
            body = get_article(slug, lang).body.lower()
            assert not re.search(r"guarantee(s|d)? (your )?inbox|garandeert (uw )?inbox", body)


def test_the_warm_up_article_gives_the_figures_the_schedule_uses():
    from deliverability.programme.actuals import Thresholds
    from deliverability.programme.warmup import DEFAULT_CAPS, DEFAULT_GROWTH

    english = get_article("warm-up", "en").body
    assert f"default is {DEFAULT_GROWTH}" in english
    for cap in DEFAULT_CAPS:
        assert f"{cap.daily_limit_per_ip:,}" in english
    limits = Thresholds()
    assert f"complaints under {limits.complaint_hold * 100:.1f}%" in english
    assert f"bounces under {limits.bounce_hold * 100:.0f}%" in english


def test_articles_render_to_sanitised_html():
    html = get_article("bulk-senders", "en").html()
    assert "<table>" in html and "<h2>" in html and "<code>" in html
    dirty = render_article(
        "[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>"
    )
    # Shown as the text it is, never as markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dirty
    assert "<script" not in dirty and 'href="javascript:' not in dirty and "<img" not in dirty


def test_the_library_is_read_once(monkeypatch):
    library._library.cache_clear()
    calls = []
    original = library.parse_article
    monkeypatch.setattr(
        library, "parse_article", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    list_articles("nl")
    list_articles("en")
    assert len(calls) == len(TOPICS) * len(LANGUAGES)
