"""Admin pages read as parsed HTML (Django's own parser): elements found by tag and
attributes, and their text, so that a template can be re-indented freely."""

from __future__ import annotations

from django.test.html import Element, parse_html


def parsed(response) -> Element:
    return parse_html(response.content.decode())


def _matches(element: Element, tag: str | None, attrs: dict) -> bool:
    if tag is not None and element.name != tag:
        return False
    have = dict(element.attributes)
    for name, wanted in attrs.items():
        name = name.rstrip("_").replace("_", "-")
        if name not in have:
            return False
        if name == "class":
            if wanted not in (have[name] or "").split():
                return False
        elif wanted is not True and have[name] != wanted:
            return False
    return True


def find_all(root: Element, tag: str | None = None, **attrs) -> list[Element]:
    """Every element under `root` (in document order) with the tag and attributes: a
    value True asks only that the attribute is there; `class_` is one of the classes."""
    found = []
    for child in root.children:
        if isinstance(child, Element):
            if _matches(child, tag, attrs):
                found.append(child)
            found.extend(find_all(child, tag, **attrs))
    return found


def find(root: Element, tag: str | None = None, **attrs) -> Element:
    """The one element with the tag and attributes."""
    found = find_all(root, tag, **attrs)
    assert len(found) == 1, f"{len(found)} elements {tag} {attrs}"
    return found[0]


def text(element: Element) -> str:
    """The element's text, its whitespace collapsed."""
    parts = []
    for child in element.children:
        parts.append(text(child) if isinstance(child, Element) else child)
    return " ".join(" ".join(parts).split())


def attribute(element: Element, name: str) -> str | None:
    return dict(element.attributes).get(name)
