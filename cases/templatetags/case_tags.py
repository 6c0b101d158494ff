from django import template

from ..rendering import render_markdown

register = template.Library()


@register.filter
def case_markdown(text):
    return render_markdown(text)
