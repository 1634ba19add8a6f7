"""Long choice lists, rendered quickly: the case list's agency filter has one option per
agency (150 in a large city; bench/README.md)."""

import html

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _text(label) -> str:
    """conditional_escape, short-cut for plain strings (what django.utils.html.escape does)."""
    return html.escape(label) if type(label) is str else conditional_escape(label)


def _attrs(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html writes."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(format_html(' {}="{}"', name, str(value)))
    return "".join(out)


class FastSelect(forms.Select):
    """Django's Select, writing its options in Python instead of including a template for each:
    the same HTML, byte for byte (tests/cases/test_widgets.py), many times faster."""

    # Django passes the renderer by name; this widget writes its HTML itself.
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:  # noqa: ARG002
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        values = set(self.format_value(value))
        parts = [format_html('<select name="{}"', name), _attrs(attrs), ">"]
        has_selected = False
        # As ChoiceWidget.optgroups: the first matching option is selected (every one, if
        # several may be), groups as <optgroup>.
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                group, options = option_value, option_label
                parts.append(format_html('\n  <optgroup label="{}">', group))
            else:
                group, options = None, [(option_value, option_label)]
            for value_, label in options:
                value_ = "" if value_ is None else str(value_)
                selected = (not has_selected or self.allow_multiple_selected) and value_ in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{html.escape(value_)}"{" selected" if selected else ""}>'
                    f"{_text(label)}</option>\n"
                )
            if group is not None:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
