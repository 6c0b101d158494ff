"""Staff search over cases and their messages, for the agents' queue: full text on
PostgreSQL (websearch syntax: words, "a phrase", -word, or), ranked, from the GIN
indexes of migration 0025; on SQLite every word in any of the same texts.

Internal notes are searched only for a reader who may read them: a case found by a
note's words would show what the note says."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Exists, Expression, OuterRef, Q, QuerySet
from django.db.models.expressions import Col
from django.utils.text import smart_split, unescape_string_literal

from accounts.models import Account

from .models import Case, CaseMessage

# No stemming: cases and messages are written in English and in Dutch, and a reference
# or an error code must match as typed. Migration 0025 stores the words by this one.
CONFIG = "simple"


class StoredWords(Expression):
    """The words of a row of the query's own table, as migration 0025 keeps them in the
    column `search_vector` (PostgreSQL only; the models do not know the column)."""

    def __init__(self):
        super().__init__(output_field=SearchVectorField())

    def resolve_expression(self, query=None, *args, **kwargs):
        column = SearchVectorField()
        column.set_attributes_from_name("search_vector")
        # A column of the table's alias, renamed with it when the query is a subquery.
        return Col(query.get_initial_alias(), column)


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


# A reference or a part of one ("EE-000123", "000123", "123"): the full text keeps a
# reference as whole words, so these are also looked for inside the references.
# ("-451" is no reference: an exclusion in the websearch syntax.)
REFERENCE_LIKE = re.compile(r"(?:[A-Za-z]{1,4}-)?[0-9]{1,12}")


def reference_terms(query: str) -> list[str]:
    return [word for word in words(query) if REFERENCE_LIKE.fullmatch(word)]


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
    return [SearchRank(StoredWords(), _search_query(query)).desc()]


def _full_text(cases: QuerySet, query: str, internal_notes: bool) -> QuerySet:
    search = _search_query(query)
    # One list of case ids from three index scans (not an OR over the whole case table,
    # which PostgreSQL could only answer by reading every case).
    # No ordering inside: the models' default one would sort each list for nothing.
    by_case = Case.objects.alias(found=StoredWords()).filter(found=search).order_by()
    by_message = _messages(internal_notes).alias(found=StoredWords()).filter(found=search)
    by_message = by_message.order_by()
    ids = by_case.values("pk").union(by_message.values("case_id"))
    if words(query):
        by_account = Case.objects.filter(account__in=_accounts_named(query)).order_by()
        ids = ids.union(by_account.values("pk"))
    references = Q()
    for term in reference_terms(query):
        references |= Q(reference__icontains=term)
    if references:
        ids = ids.union(Case.objects.filter(references).order_by().values("pk"))
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
