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
