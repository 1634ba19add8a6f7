"""Charts drawn on the server as SVG geometry; the template draws the shapes. No script."""

from dataclasses import dataclass

from oversight.statistics import SUPPRESS_BELOW, Table

WIDTH, BAR, GAP, LABEL = 640, 22, 6, 190


@dataclass
class Bar:
    label: str
    shown: str
    x: int
    y: int
    width: int
    suppressed: bool


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL
    bar_height: int = BAR


def bar_chart(table: Table) -> BarChart:
    """Horizontal bars. A suppressed count is drawn as an outline of the threshold's length,
    so the chart gives away no more than the table."""
    visible = [r.count if not r.suppressed else SUPPRESS_BELOW for r in table.rows]
    top = max(visible, default=0) or 1
    room = WIDTH - LABEL - 90
    bars = [
        Bar(
            label=row.label,
            shown=row.shown,
            x=LABEL,
            y=i * (BAR + GAP),
            width=max(1, round(room * value / top)),
            suppressed=row.suppressed,
        )
        for i, (row, value) in enumerate(zip(table.rows, visible, strict=True))
    ]
    return BarChart(title=table.title, bars=bars, height=len(bars) * (BAR + GAP) + GAP)


@dataclass
class LineChart:
    title: str
    points: str
    dots: list[tuple[int, int, str, str]]
    width: int
    height: int


def line_chart(table: Table) -> LineChart:
    """A line over the rows in order (months). Suppressed months sit at the threshold's
    height and are marked "fewer than 5"."""
    values = [r.count if not r.suppressed else SUPPRESS_BELOW for r in table.rows]
    top = max(values, default=0) or 1
    width, height, pad = WIDTH, 220, 30
    step = (width - 2 * pad) / max(1, len(values) - 1)
    dots = [
        (
            round(pad + i * step),
            round(height - pad - (height - 2 * pad) * v / top),
            row.label,
            row.shown,
        )
        for i, (row, v) in enumerate(zip(table.rows, values, strict=True))
    ]
    return LineChart(
        title=table.title,
        points=" ".join(f"{x},{y}" for x, y, _l, _s in dots),
        dots=dots,
        width=width,
        height=height,
    )
