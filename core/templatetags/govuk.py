"""Template helpers for GOV.UK Frontend's patterns that need to look at the whole page."""

from django import forms, template
from django.contrib.messages import DEFAULT_LEVELS
from django.utils.translation import gettext

register = template.Library()


def _forms_in(context: template.Context) -> list[forms.BaseForm | forms.BaseFormSet]:
    found = []
    for layer in context.dicts:
        for value in layer.values():
            if isinstance(value, forms.BaseForm | forms.BaseFormSet):
                found.append(value)
    return found


@register.simple_tag(takes_context=True)
def error_title_prefix(context: template.Context) -> str:
    """'Error: ' when a form on the page was sent back with errors, as GOV.UK asks, so that a
    screen reader hears it first. Every form the view put in the context is looked at, whatever
    its name, so no page has to remember to say it."""
    for form in _forms_in(context):
        if form.is_bound and not form.is_valid():
            return gettext("Error:") + " "
    # A refusal shown as a message (a page with no form to put it on) is an error too.
    for message in context.get("messages") or ():
        if message.level >= DEFAULT_LEVELS["ERROR"]:
            return gettext("Error:") + " "
    return ""


# A search form with more fields than this after its search box folds them into "More filters".
FILTERS_SHOWN = 3


@register.filter
def search_parts(form: forms.BaseForm) -> dict:
    """A list's search form in two parts: its first field (the search box), always shown, and
    the other filters, folded behind GOV.UK's details ("More filters") when there are more than
    FILTERS_SHOWN of them, so that a phone shows the list's first rows, not a screen of filters.
    `in_use` counts the filters that hold a value or an error: the fold opens for them, so a
    filter that is narrowing the list, or was refused, is never hidden."""
    first, *rest = form.visible_fields()
    in_use = sum(1 for field in rest if field.errors or (form.is_bound and field.value()))
    return {
        "search": first,
        "filters": rest,
        "fold": len(rest) > FILTERS_SHOWN,
        "in_use": in_use,
    }
