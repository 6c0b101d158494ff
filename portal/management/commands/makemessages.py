"""Django's `makemessages`, reading the Jinja2 templates (<app>/jinja2/) as Jinja2.

Django's own reads every .html file as a Django template: it would miss `{% trans %}`
blocks. A Jinja2 template's strings are listed here by Jinja2's extractor for Babel
(`jinja2.ext.babel_extract`, what `pybabel extract` runs for a `[jinja2: **/jinja2/**.html]`
mapping) and handed to xgettext as gettext calls on their lines; the rest is Django's:
each string goes to the catalogue of the app the template is in, merged with what is
translated, and strings no longer used are dropped (--no-obsolete).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.core.management.commands import makemessages
from jinja2.ext import babel_extract

KEYWORDS = ("_", "gettext", "ngettext")
# As portal.jinja.environment: gettext formats its own %(name)s placeholders.
OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}


def is_jinja_template(path: str | Path) -> bool:
    return "jinja2" in Path(path).parts and str(path).endswith(".html")


def jinja_messages(path: str | Path) -> Iterator[tuple[int, str | tuple[str, str]]]:
    """(line, message) of each translatable string of a Jinja2 template; a message with a
    plural is (singular, plural)."""
    with open(path, "rb") as fp:
        for lineno, _func, message, _comments in babel_extract(fp, KEYWORDS, [], OPTIONS):
            # A call with variables comes as a tuple: None for each argument not a string.
            if isinstance(message, tuple) and len(message) > 1 and isinstance(message[1], str):
                yield lineno, (message[0], message[1])
            elif isinstance(message, tuple):
                yield lineno, message[0]
            elif message is not None:
                yield lineno, message


def as_python(path: str | Path) -> str:
    """The template's strings as gettext calls, each on its template line."""
    lines: dict[int, list[str]] = {}
    for lineno, message in jinja_messages(path):
        if isinstance(message, tuple):
            call = f"ngettext({message[0]!r}, {message[1]!r}, 1)"
        else:
            call = f"gettext({message!r})"
        lines.setdefault(lineno, []).append(call)
    last = max(lines, default=0)
    return "".join("; ".join(lines.get(n, [])) + "\n" for n in range(1, last + 1))


class JinjaBuildFile(makemessages.BuildFile):
    def preprocess(self):
        if not (self.is_templatized and is_jinja_template(self.path)):
            return super().preprocess()
        with open(self.work_path, "w", encoding="utf-8") as fp:
            fp.write(as_python(self.path))


class Command(makemessages.Command):
    build_file_class = JinjaBuildFile
