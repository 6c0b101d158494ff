"""The agents' case queue: the admin's result list, with rows built by CaseAdmin."""

from django import template
from django.contrib.admin.templatetags import admin_list

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def case_queue_results(cl):
    """The context `{% result_list cl %}` gives its template, the same headers and the
    same markup, with the rows from `CaseAdmin.queue_rows`, or the admin's own rendering
    when those cannot be built."""
    headers = list(admin_list.result_headers(cl))
    rows = cl.model_admin.queue_rows(cl)
    if rows is None:
        rows = [list(admin_list.items_for_result(cl, case, None)) for case in cl.result_list]
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
    }
