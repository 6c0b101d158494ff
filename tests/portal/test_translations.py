"""Dutch is complete: every catalogue entry translated, none fuzzy, and compiled."""

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/nl/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (list), flags. Header skipped."""
    entries, current, key = [], None, None

    def finish():
        if current and current.get("msgid"):
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            current, key = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgid_plural": None, "msgstr": {}, "flags": set()}
        if line.startswith("#,"):
            current["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt"):
            key = "msgctxt"
            current[key] = ast.literal_eval(line[7:].strip())
        elif line.startswith("msgid_plural"):
            key = "msgid_plural"
            current[key] = ast.literal_eval(line[12:].strip())
        elif line.startswith("msgid"):
            key = "msgid"
            current[key] = ast.literal_eval(line[5:].strip())
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            key = ("msgstr", index)
            current["msgstr"][index] = ast.literal_eval(line[line.index("]") + 1 :].strip())
        elif line.startswith("msgstr"):
            key = ("msgstr", 0)
            current["msgstr"][0] = ast.literal_eval(line[6:].strip())
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                current["msgstr"][key[1]] += value
            else:
                current[key] += value
    return entries


def test_there_are_dutch_catalogues():
    assert {p.relative_to(ROOT).parts[0] for p in CATALOGUES} >= {"locale", "portal", "accounts"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_and_none_is_fuzzy(path):
    untranslated = [
        e["msgid"]
        for e in parse_po(path)
        if "fuzzy" in e["flags"] or not all(e["msgstr"].values()) or not e["msgstr"]
    ]
    assert untranslated == [], f"{path.relative_to(ROOT)} lacks Dutch for: {untranslated}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_its_source(path):
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run make messages"
    with mo.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for e in parse_po(path):
        if e["msgid_plural"] is not None:
            got = compiled.ngettext(e["msgid"], e["msgid_plural"], 1)
        elif "msgctxt" in e:
            got = compiled.pgettext(e["msgctxt"], e["msgid"])
        else:
            got = compiled.gettext(e["msgid"])
        if got != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == [], f"{mo.relative_to(ROOT)} is older than its .po: run make messages"


JINJA_TEMPLATES = sorted(
    p for p in ROOT.glob("**/jinja2/**/*.html") if ".venv" not in p.parts and "var" not in p.parts
)


def test_every_string_of_a_jinja2_template_has_dutch():
    """Django's makemessages does not read Jinja2; `make messages` lists their strings with
    Jinja2's extractor (portal/management/commands/makemessages.py). Each one has Dutch,
    even before the catalogues are refreshed."""
    from django.template import engines

    from portal.management.commands.makemessages import jinja_messages

    # The extractor passes over a template it cannot parse: each one must parse.
    env = engines["jinja2"].env
    for template in JINJA_TEMPLATES:
        env.parse(template.read_text(encoding="utf-8"), str(template))

    translated = set()
    for path in CATALOGUES:
        for e in parse_po(path):
            if e["msgstr"] and all(e["msgstr"].values()) and "fuzzy" not in e["flags"]:
                translated.add((e["msgid"], e["msgid_plural"]))
    assert JINJA_TEMPLATES
    missing = []
    for template in JINJA_TEMPLATES:
        for line, message in jinja_messages(template):
            key = message if isinstance(message, tuple) else (message, None)
            if key not in translated:
                missing.append(f"{template.relative_to(ROOT)}:{line}: {key[0]}")
    assert missing == [], "No Dutch for:\n" + "\n".join(missing)


def test_no_two_catalogues_give_the_same_words_different_dutch():
    """Django merges every app's catalogue into one: a msgid translated one way in one app
    and another way in the next shows one app's words in the other's pages and mails."""
    dutch: dict[tuple, dict[str, str]] = {}
    for path in CATALOGUES:
        for e in parse_po(path):
            if e["msgid_plural"] is None and e["msgstr"].get(0):
                key = (e.get("msgctxt"), e["msgid"])
                dutch.setdefault(key, {})[str(path.relative_to(ROOT))] = e["msgstr"][0]
    clashes = {key: seen for key, seen in dutch.items() if len(set(seen.values())) > 1}
    assert clashes == {}
