"""{{ case|person }}: the person of a case as the page's reader may see them (cases.people)."""

from django import template

from cases.people import label_of

register = template.Library()


@register.filter
def person(case) -> str:
    return str(label_of(case))
