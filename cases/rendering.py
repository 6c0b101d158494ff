"""Customer and staff text is Markdown, rendered and then sanitised: no script, no raw
HTML, no javascript: links. HTML in the text is shown as the text it is: customers paste
SMTP output and header names such as "<X-Request-Id>"."""

import threading
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip

_local = threading.local()


def _converter() -> markdown.Markdown:
    # Building a Markdown converter costs more than converting a message: keep one per
    # thread (they are not thread-safe) and reset it between texts.
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=["fenced_code", "nl2br", "sane_lists"])
        # Raw HTML becomes escaped text instead of markup for nh3 to drop, so nothing a
        # person typed vanishes. Autolinks (<https://…>, <a@b>) are other patterns: kept.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    html = _converter().reset().convert(text)
    # Raw HTML arrives escaped (see _converter); nh3 still drops javascript: links and
    # whatever else is not allowed.
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str) -> SafeString:
    return mark_safe(_render(text or ""))  # noqa: S308 - sanitised by nh3 in _render
