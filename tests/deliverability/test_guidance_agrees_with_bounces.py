"""Bounce diagnosis and the guidance library tell the customer the same thing: a code the
remediation article offers as a Tier 1 case is a reputation block for the classifier, and a
code the warm-up article says means "slow down" is throttling."""

import re

import pytest

from deliverability.programme import bounces, guidance_library

YAHOO_TSS04 = (
    "421 4.7.0 [TSS04] Messages from 203.0.113.51 temporarily deferred due to unexpected "
    "volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"
)
_CODE = re.compile(r"`([^`]+)`")


def _paragraph(article, marker: str) -> str:
    """The paragraph (or list item) of the article's body that contains the marker."""
    found = [p for p in re.split(r"\n\s*\n|\n- ", article.body) if marker in p]
    assert len(found) == 1, f"{article.slug}.{article.language}: {marker!r} in {len(found)}"
    return found[0]


def _kinds_of(code: str) -> set[str]:
    """The kinds of the rules that recognise the code on its own or in their sample."""
    rules = bounces.load_rules()
    return {rule.kind for rule in rules if rule.pattern.search(code) or code in rule.sample}


def test_yahoo_tss04_is_a_deferral_that_says_slow_down_not_a_tier_1_request():
    diagnosis = bounces.classify_message(YAHOO_TSS04)
    assert (diagnosis.provider, diagnosis.kind) == ("yahoo", bounces.Kind.THROTTLING)
    assert diagnosis.guidance == "warm-up"
    assert not diagnosis.remediation_candidate


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_code_the_remediation_article_offers_as_tier_1_is_a_reputation_block(language):
    article = guidance_library.get_article("remediation", language)
    when = _paragraph(article, "S3150")
    codes = [c for c in _CODE.findall(when) if "–" not in c]
    assert "[TSS09]" in codes and "[TSS04]" not in codes
    for code in codes:
        assert _kinds_of(code) == {bounces.Kind.REPUTATION_BLOCK}, code


@pytest.mark.parametrize(("language", "marker"), [("en", "slow"), ("nl", "langzamer")])
def test_every_code_the_guidance_calls_a_deferral_is_throttling(language, marker):
    for slug in ("warm-up", "remediation"):
        paragraph = _paragraph(guidance_library.get_article(slug, language), marker)
        codes = _CODE.findall(paragraph)
        assert "[TSS04]" in codes
        for code in codes:
            assert _kinds_of(code) == {bounces.Kind.THROTTLING}, (slug, code)
