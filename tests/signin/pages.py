"""Read an element of a page by its data-testid (or another attribute's exact value), as a
reader sees its text: the sign-in tests' short names for tests/html.py."""

from tests import html


def texts(source, testid: str, attr: str = "data-testid") -> list[str]:
    """The text of every element whose `attr` is `testid`, whitespace collapsed."""
    return html.texts(source, f"[{attr}='{testid}']")


def text(source, testid: str, attr: str = "data-testid") -> str:
    """The text of the one element whose `attr` is `testid`; fails if not exactly one."""
    return html.text(source, f"[{attr}='{testid}']")
