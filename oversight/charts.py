"""Charts drawn on the server as SVG geometry; the template draws the shapes. No script, no
inline style: positions are SVG attributes, colours are classes.

A suppressed count gets no bar and no point: it is printed as "<5" and nothing in the chart
(a length, a height, the scale) is worked out from its real number."""

from dataclasses import dataclass

from oversight.statistics import Table

WIDTH = 640
# Horizontal bars: the labels' column, each bar's height and the gap between bars, the room
# kept right of the longest bar for its value, and the x axis' band below the bars.
LABEL, BAR, GAP, VALUE_ROOM, AXIS = 200, 22, 8, 48, 28
# The line: margins for the y axis' labels (left), the x axis' labels (bottom) and the values
# printed above the highest point (top).
LINE_HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 260, 48, 16, 24, 36
SHORT_SUPPRESSED = "<5"


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
    y: int
    width: int
    suppressed: bool
    url: str = ""

    @property
    def middle(self) -> int:
        return self.y + BAR // 2


@dataclass
class BarChart:
    key: str
    title: str
    bars: list[Bar]
    ticks: list[Tick]
    height: int
    axis_y: int
    width: int = WIDTH
    label_width: int = LABEL
    bar_height: int = BAR
    kind: str = "bar"

    @property
    def axis_end(self) -> int:
        return self.ticks[-1].position


def bar_chart(table: Table) -> BarChart:
    """Horizontal bars on a scale of the counts that are shown, the value at the end of each
    bar; a suppressed row gets "<5" and no bar. A row with a url links to its list."""
    scale = nice_scale(max((r.count for r in table.rows if not r.suppressed), default=0))
    room = WIDTH - LABEL - VALUE_ROOM
    bars = [
        Bar(
            label=row.label,
            value=shown(row),
            y=GAP + i * (BAR + GAP),
            width=0 if row.suppressed else round(room * row.count / scale[-1]),
            suppressed=row.suppressed,
            url=row.url,
        )
        for i, row in enumerate(table.rows)
    ]
    axis_y = GAP + len(bars) * (BAR + GAP)
    return BarChart(
        key=table.key,
        title=table.title,
        bars=bars,
        ticks=[Tick(LABEL + round(room * t / scale[-1]), str(t)) for t in scale],
        height=axis_y + AXIS,
        axis_y=axis_y,
    )


@dataclass
class Point:
    x: int
    y: int
    label: str
    value: str
    suppressed: bool


@dataclass
class LineChart:
    key: str
    title: str
    points: list[Point]
    segments: list[str]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = LINE_HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = LINE_HEIGHT - BOTTOM
    kind: str = "line"


def line_chart(table: Table) -> LineChart:
    """A line over the rows in order (periods), on a y scale of the counts that are shown. The
    line breaks at a suppressed period, which is marked "<5" on the x axis."""
    scale = nice_scale(max((r.count for r in table.rows if not r.suppressed), default=0))
    bottom, plot_height = LINE_HEIGHT - BOTTOM, LINE_HEIGHT - BOTTOM - TOP
    step = (WIDTH - RIGHT - LEFT - 20) / max(1, len(table.rows) - 1)
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
    return LineChart(
        key=table.key,
        title=table.title,
        points=points,
        segments=segments,
        ticks=[Tick(bottom - round(plot_height * t / scale[-1]), str(t)) for t in scale],
    )
