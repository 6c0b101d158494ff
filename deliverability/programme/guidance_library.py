"""The guidance library: markdown articles in English and Dutch, read from files.

Each article is `guidance/<topic>.<language>.md` and starts with a small front matter
between `---` lines (title, topic, summary, order). An article missing in the requested
language falls back to English. Pure file reads, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cases.rendering import render_article

GUIDANCE_DIR = Path(__file__).resolve().parent / "guidance"
LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"
FRONT_MATTER_FIELDS = ("title", "topic", "summary", "order")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FILE = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<language>[a-z]{2})\.md$")


class ArticleNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Article:
    slug: str
    language: str  # the language of the text (English when it fell back)
    title: str
    summary: str
    order: int
    body: str  # markdown, without the front matter

    def html(self) -> str:
        """The body as sanitised HTML."""
        return render_article(self.body)


def normalise_language(language: str | None) -> str:
    """ "nl-NL" -> "nl"; anything unknown -> English."""
    code = (language or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def parse_article(text: str, *, slug: str, language: str) -> Article:
    """An article from its file text; ValueError naming the field when the front matter is off."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in (s.strip() for s in lines[1:]):
        raise ValueError(f"The article {slug}.{language} has no front matter between --- lines.")
    end = next(i for i, s in enumerate(lines[1:], start=1) if s.strip() == "---")
    meta = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"The article {slug}.{language} has a front matter line without ':'.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta[key.strip()] = value
    for name in FRONT_MATTER_FIELDS:
        if not meta.get(name):
            raise ValueError(f"The article {slug}.{language} has no {name} in its front matter.")
    if meta["topic"] != slug:
        raise ValueError(
            f"The article {slug}.{language} names topic {meta['topic']!r}; the file says {slug!r}."
        )
    if not meta["order"].isdigit():
        raise ValueError(f"The article {slug}.{language} needs a whole number as order.")
    return Article(
        slug=slug,
        language=language,
        title=meta["title"],
        summary=meta["summary"],
        order=int(meta["order"]),
        body="\n".join(lines[end + 1 :]).strip() + "\n",
    )


@lru_cache(maxsize=8)
def _library(directory: Path) -> dict[tuple[str, str], Article]:
    articles = {}
    for path in sorted(directory.glob("*.md")):
        match = _FILE.match(path.name)
        if not match or match["language"] not in LANGUAGES:
            continue
        slug, language = match["slug"], match["language"]
        articles[slug, language] = parse_article(
            path.read_text(encoding="utf-8"), slug=slug, language=language
        )
    return articles


def slugs(directory: Path = GUIDANCE_DIR) -> list[str]:
    """Every topic with an English article, in reading order."""
    library = _library(Path(directory))
    english = [a for (s, lang), a in library.items() if lang == DEFAULT_LANGUAGE]
    return [a.slug for a in sorted(english, key=lambda a: (a.order, a.slug))]


def get_article(slug: str, language: str | None = None, directory: Path = GUIDANCE_DIR) -> Article:
    """The article in the language asked for, else in English; ArticleNotFound otherwise."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise ArticleNotFound(slug)
    library = _library(Path(directory))
    for lang in (normalise_language(language), DEFAULT_LANGUAGE):
        if (slug, lang) in library:
            return library[slug, lang]
    raise ArticleNotFound(slug)


def list_articles(language: str | None = None, directory: Path = GUIDANCE_DIR) -> list[Article]:
    """Every topic's article in the language asked for (English where it is missing)."""
    return [get_article(slug, language, directory) for slug in slugs(directory)]
