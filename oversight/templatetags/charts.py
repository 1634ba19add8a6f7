"""{% chart_svg chart "wide" %}: a chart's drawing, written by oversight.charts.svg."""

from django import template
from django.utils.safestring import SafeString

from oversight import charts

register = template.Library()


@register.simple_tag
def chart_svg(chart, size: str) -> SafeString:
    return charts.svg(chart, size)
