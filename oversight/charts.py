"""Charts drawn on the server as SVG geometry; the template draws the shapes. No script, no
inline style: positions are SVG attributes, colours are classes.

Each chart is drawn twice, wide (labels beside the bars) and narrow (labels above the bars, for
a phone), and the style sheet shows one: an SVG scales as a whole, so a wide drawing shrunk to a
phone's width would shrink its text below reading size.

A suppressed count gets no bar and no point: it is printed as "<5" and nothing in the chart
(a length, a height, the scale) is worked out from its real number."""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from oversight.statistics import SUPPRESS_BELOW, Table

SHORT_SUPPRESSED = "<5"


@dataclass(frozen=True)
class Layout:
    width: int
    label_width: int  # the labels' column left of the bars; 0: each label above its bar
    bar: int = 22
    gap: int = 8
    value_room: int = 48  # right of the longest bar, for its value
    axis: int = 28  # below the bars, for the x axis' tick labels
    label_line: int = 18  # above each bar, when the label is above it


WIDE = Layout(width=640, label_width=200)
NARROW = Layout(width=360, label_width=0, bar=16, gap=6, value_room=36)
# The line: margins for the y axis' labels (left), the x axis' labels (bottom) and the values
# printed above the highest point (top).
LINE_HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 260, 40, 16, 24, 36


def nice_scale(top: int, ticks: int = 5) -> list[int]:
    """Round tick values from 0 to at least `top`: steps of 1, 2 or 5 times a power of ten,
    at most `ticks` steps."""
    top = max(top, 1)
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * magnitude
            if top <= step * ticks:
                steps = -(-top // step)
                return [i * step for i in range(steps + 1)]
        magnitude *= 10


def _scale(table: Table) -> list[int]:
    """The scale of the counts that are shown; up to the threshold when none is."""
    shown = [r.count for r in table.rows if not r.suppressed]
    return nice_scale(max(shown) if shown else SUPPRESS_BELOW)


def shown(row) -> str:
    return SHORT_SUPPRESSED if row.suppressed else str(row.count)


@dataclass
class Tick:
    position: int
    label: str


@dataclass
class Bar:
    label: str
    value: str
    label_x: int
    label_y: int
    y: int
    middle: int
    width: int
    suppressed: bool


@dataclass
class BarDrawing:
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    axis_x: int
    axis_y: int
    bar_height: int
    label_anchor: str

    @property
    def axis_end(self) -> int:
        return self.ticks[-1].position


@dataclass
class BarChart:
    key: str
    title: str
    wide: BarDrawing
    narrow: BarDrawing
    kind: str = "bar"


def _bars(table: Table, scale: list[int], layout: Layout) -> BarDrawing:
    beside = layout.label_width > 0
    axis_x = layout.label_width if beside else 4
    room = layout.width - axis_x - layout.value_room
    row_height = layout.bar + layout.gap + (0 if beside else layout.label_line)
    bars = []
    for i, row in enumerate(table.rows):
        top = layout.gap + i * row_height
        y = top if beside else top + layout.label_line
        bars.append(
            Bar(
                label=row.label,
                value=shown(row),
                label_x=axis_x - 8 if beside else axis_x + 6,
                label_y=y + layout.bar // 2 if beside else top + layout.label_line // 2,
                y=y,
                middle=y + layout.bar // 2,
                width=0 if row.suppressed else round(room * row.count / scale[-1]),
                suppressed=row.suppressed,
            )
        )
    axis_y = layout.gap + len(bars) * row_height
    return BarDrawing(
        bars=bars,
        ticks=[Tick(axis_x + round(room * t / scale[-1]), str(t)) for t in scale],
        width=layout.width,
        height=axis_y + layout.axis,
        axis_x=axis_x,
        axis_y=axis_y,
        bar_height=layout.bar,
        label_anchor="end" if beside else "start",
    )


def bar_chart(table: Table) -> BarChart:
    """Horizontal bars on a scale of the counts that are shown, the value at the end of each
    bar; a suppressed row gets "<5" and no bar. (A drawing holds no link: its role is an image;
    the table below it links each count to its list.)"""
    scale = _scale(table)
    return BarChart(
        key=table.key,
        title=table.title,
        wide=_bars(table, scale, WIDE),
        narrow=_bars(table, scale, NARROW),
    )


@dataclass
class Point:
    x: int
    y: int
    label: str
    value: str
    suppressed: bool


@dataclass
class LineDrawing:
    points: list[Point]
    segments: list[str]
    ticks: list[Tick]
    width: int
    right: int
    height: int = LINE_HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = LINE_HEIGHT - BOTTOM


@dataclass
class LineChart:
    key: str
    title: str
    wide: LineDrawing
    narrow: LineDrawing
    kind: str = "line"


def _line(table: Table, scale: list[int], width: int) -> LineDrawing:
    bottom, plot_height = LINE_HEIGHT - BOTTOM, LINE_HEIGHT - BOTTOM - TOP
    step = (width - RIGHT - LEFT - 20) / max(1, len(table.rows) - 1)
    points = [
        Point(
            x=round(LEFT + 10 + i * step),
            y=bottom - (0 if row.suppressed else round(plot_height * row.count / scale[-1])),
            label=row.label,
            value=shown(row),
            suppressed=row.suppressed,
        )
        for i, row in enumerate(table.rows)
    ]
    segments, run = [], []
    for point in [*points, None]:
        if point is None or point.suppressed:
            if run:
                segments.append(" ".join(f"{p.x},{p.y}" for p in run))
            run = []
        else:
            run.append(point)
    return LineDrawing(
        points=points,
        segments=segments,
        ticks=[Tick(bottom - round(plot_height * t / scale[-1]), str(t)) for t in scale],
        width=width,
        right=width - RIGHT,
    )


def line_chart(table: Table) -> LineChart:
    """A line over the rows in order (periods), on a y scale of the counts that are shown. The
    line breaks at a suppressed period, which is marked "<5" on the x axis."""
    scale = _scale(table)
    return LineChart(
        key=table.key,
        title=table.title,
        wide=_line(table, scale, WIDE.width),
        narrow=_line(table, scale, NARROW.width),
    )


# --- Drawing: the SVG of one drawing, written in Python ---------------------------------------
# A dashboard's chart of overdue actions has a bar per agency (150 in a large city), drawn wide
# and narrow: as a template of a few tags per bar it was a third of the dashboard's time
# (bench/README.md). Every text is escaped (format_html); the numbers are our own integers.


def svg(chart: "BarChart | LineChart", size: str) -> SafeString:
    """The chart's drawing of this size ("wide" or "narrow") as an <svg> element."""
    drawing = chart.wide if size == "wide" else chart.narrow
    title_id = f"chart-{chart.key}-{size}-title"
    shapes = _line_shapes(drawing) if isinstance(drawing, LineDrawing) else _bar_shapes(drawing)
    return format_html(
        '<svg class="chart__svg chart__svg--{}" role="img" aria-labelledby="{}" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'focusable="false">\n    <title id="{}">{}</title>\n{}\n</svg>',
        size,
        title_id,
        drawing.width,
        drawing.height,
        title_id,
        chart.title,
        shapes,
    )


def _line_shapes(d: LineDrawing) -> SafeString:
    parts = []
    for tick in d.ticks:
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/><text class="chart-tick"'
                ' x="{}" y="{}" dy="0.35em" text-anchor="end">{}</text>',
                d.left,
                d.right,
                tick.position,
                tick.position,
                d.left - 6,
                tick.position,
                tick.label,
            )
        )
    parts.append(
        format_html(
            '<line class="chart-axis" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<line class="chart-axis" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            d.left,
            d.left,
            d.top,
            d.bottom,
            d.left,
            d.right,
            d.bottom,
            d.bottom,
        )
    )
    parts.extend(format_html('<polyline class="line" points="{}"/>', s) for s in d.segments)
    for point in d.points:
        if point.suppressed:
            parts.append(
                format_html(
                    '<text class="chart-value chart-value--suppressed" x="{}" y="{}" '
                    'text-anchor="middle">{}</text>',
                    point.x,
                    d.bottom - 6,
                    point.value,
                )
            )
        else:
            parts.append(
                format_html(
                    '<circle class="dot" cx="{}" cy="{}" r="4"/><text class="chart-value" x="{}" '
                    'y="{}" text-anchor="middle">{}</text>',
                    point.x,
                    point.y,
                    point.x,
                    point.y - 8,
                    point.value,
                )
            )
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                point.x,
                d.bottom + 18,
                point.label,
            )
        )
    return mark_safe("\n".join(parts))  # noqa: S308 (each part escaped by format_html)


def _bar_shapes(d: BarDrawing) -> SafeString:
    parts = [
        format_html(
            '<line class="chart-grid" x1="{}" x2="{}" y1="0" y2="{}"/>',
            tick.position,
            tick.position,
            d.axis_y,
        )
        for tick in d.ticks
    ]
    for bar in d.bars:
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" dy="0.35em" text-anchor="{}">{}</text>',
                bar.label_x,
                bar.label_y,
                d.label_anchor,
                bar.label,
            )
        )
        if bar.suppressed:
            parts.append(
                format_html(
                    '<text class="chart-value chart-value--suppressed" x="{}" y="{}" '
                    'dy="0.35em">{}</text>',
                    d.axis_x + 6,
                    bar.middle,
                    bar.value,
                )
            )
        else:
            parts.append(
                format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}"/><text '
                    'class="chart-value" x="{}" y="{}" dy="0.35em">{}</text>',
                    d.axis_x,
                    bar.y,
                    bar.width,
                    d.bar_height,
                    d.axis_x + bar.width + 6,
                    bar.middle,
                    bar.value,
                )
            )
    parts.append(
        format_html(
            '<line class="chart-axis" x1="{}" x2="{}" y1="0" y2="{}"/>'
            '<line class="chart-axis" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            d.axis_x,
            d.axis_x,
            d.axis_y,
            d.axis_x,
            d.axis_end,
            d.axis_y,
            d.axis_y,
        )
    )
    parts.extend(
        format_html(
            '<text class="chart-tick" x="{}" y="{}" text-anchor="middle">{}</text>',
            tick.position,
            d.axis_y + 18,
            tick.label,
        )
        for tick in d.ticks
    )
    return mark_safe("\n".join(parts))  # noqa: S308 (each part escaped by format_html)
