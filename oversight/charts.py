"""Charts drawn on the server as SVG geometry; the template draws the shapes. No script, no
inline style: positions are SVG attributes, colours are classes.

Each chart is drawn twice, wide (labels beside the bars) and narrow (labels above the bars, for
a phone), and the style sheet shows one: an SVG scales as a whole, so a wide drawing shrunk to a
phone's width would shrink its text below reading size.

A suppressed count gets no bar and no point: it is printed as "<5" and nothing in the chart
(a length, a height, the scale) is worked out from its real number."""

from dataclasses import dataclass

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
