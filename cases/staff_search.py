"""Staff search over cases and their messages, for the agents' queue: full text on
PostgreSQL (websearch syntax: words, "a phrase", -word, or), ranked, from the GIN
indexes of migration 0025; on SQLite every word in any of the same texts.

Internal notes are searched only for a reader who may read them: a case found by a
note's words would show what the note says."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from accounts.models import Account

from .models import Case, CaseMessage

# No stemming: cases and messages are written in English and in Dutch, and a reference
# or an error code must match as typed. Migration 0025 indexes these very expressions.
CONFIG = "simple"
CASE_VECTOR = SearchVector("reference", "subject", "description", config=CONFIG)
MESSAGE_VECTOR = SearchVector("body", config=CONFIG)

# Longer than any sensible search; the rest is left out rather than parsed.
QUERY_MAX_LENGTH = 200


def words(query: str) -> list[str]:
    """The words and "quoted phrases" of a query, as the admin's own search splits them."""
    found = []
    for bit in smart_split(query):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        if bit.strip():
            found.append(bit)
    return found


def _messages(internal_notes: bool) -> QuerySet:
    messages = CaseMessage.objects.all()
    if not internal_notes:
        messages = messages.filter(visibility=CaseMessage.Visibility.PUBLIC)
    return messages


def _accounts_named(query: str) -> QuerySet:
    """Accounts whose name holds every word: few rows, so found by a plain scan."""
    accounts = Account.objects.all()
    for word in words(query):
        accounts = accounts.filter(name__icontains=word)
    return accounts.values("pk")


def _full_text_on(cases: QuerySet) -> bool:
    return connections[cases.db].vendor == "postgresql"


def _search_query(query: str) -> SearchQuery:
    return SearchQuery(query[:QUERY_MAX_LENGTH], search_type="websearch", config=CONFIG)


def staff_searched(cases: QuerySet, query: str, *, internal_notes: bool) -> QuerySet:
    """`cases` narrowed to those the query finds."""
    if _full_text_on(cases):
        return _full_text(cases, query[:QUERY_MAX_LENGTH], internal_notes)
    return _every_word(cases, query[:QUERY_MAX_LENGTH], internal_notes)


def best_first(cases: QuerySet, query: str) -> list:
    """The ordering that puts the best matches first (the case's own words weigh, a
    match in its messages only finds it), or none where the database cannot rank."""
    if not _full_text_on(cases):
        return []
    return [SearchRank(CASE_VECTOR, _search_query(query)).desc()]


def _full_text(cases: QuerySet, query: str, internal_notes: bool) -> QuerySet:
    search = _search_query(query)
    # One list of case ids from three index scans (not an OR over the whole case table,
    # which PostgreSQL could only answer by reading every case).
    by_case = Case.objects.annotate(found=CASE_VECTOR).filter(found=search).values("pk")
    by_message = (
        _messages(internal_notes)
        .annotate(found=MESSAGE_VECTOR)
        .filter(found=search)
        .values("case_id")
    )
    ids = by_case.union(by_message)
    if words(query):
        ids = ids.union(Case.objects.filter(account__in=_accounts_named(query)).values("pk"))
    return cases.filter(pk__in=ids)


def _every_word(cases: QuerySet, query: str, internal_notes: bool) -> QuerySet:
    found_words = words(query)
    if not found_words:
        return cases.none()
    for word in found_words:
        in_messages = _messages(internal_notes).filter(case=OuterRef("pk"), body__icontains=word)
        cases = cases.filter(
            Q(reference__icontains=word)
            | Q(subject__icontains=word)
            | Q(description__icontains=word)
            | Q(account__name__icontains=word)
            | Exists(in_messages)
        )
    return cases
