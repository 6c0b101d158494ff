"""The templates of every page hold no inline script, event handler or style (the
Content-Security-Policy would block them); mail templates are not pages and may."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Django templates (the admin) and Jinja2 templates (the customer pages).
PAGES = sorted(
    p
    for pattern in ("**/templates/**/*.html", "**/jinja2/**/*.html")
    for p in ROOT.glob(pattern)
    if ".venv" not in p.parts and "emails" not in p.parts
)
INLINE = [
    ("inline script", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
    ("event handler", re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)),
    ("style element", re.compile(r"<style\b", re.I)),
    ("style attribute", re.compile(r"<[^>]+\sstyle\s*=", re.I)),
]


def test_there_are_page_templates_to_check():
    assert len(PAGES) > 30


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_page_template_has_no_inline_code(path):
    text = path.read_text()
    found = [f"{name}: {m.group(0)[:60]}" for name, rx in INLINE for m in rx.finditer(text)]
    assert found == []
