"""Cursor paging: a page holds its rows and opaque links to the next and previous pages,
stable while cases are filed meanwhile."""

from rest_framework.pagination import CursorPagination


class CasePagination(CursorPagination):
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    # Newest first; the id breaks ties between cases opened in the same microsecond.
    ordering = ("-opened_at", "-id")
