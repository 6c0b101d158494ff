"""Customer and staff text is Markdown, rendered and then sanitised: no script, no raw
HTML, no javascript: links."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip


def render_markdown(text: str) -> SafeString:
    # Markdown passes raw HTML through; nh3 then removes whatever is not allowed.
    html = markdown.markdown(text or "", extensions=["fenced_code", "nl2br", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above
