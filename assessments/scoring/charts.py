"""Server-rendered inline SVG charts (the CSP allows no chart library): a score trend, bars, compliance lines.

Each function takes plain values and returns escaped markup; labels are user-visible text and are escaped.
The drawing is about as wide as a phone's card (360 units), so its 12-unit labels stay at least 11 px on a
390 px screen and simply grow on a desktop; the legend is HTML below the drawing, where it can wrap.
"""

from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 16, 12, 30
FONT = 12
# The same five colours as .chart-legend .s0 … .s4 in portal.css.
COLOURS = ("#0b6bcb", "#17823b", "#b7791f", "#c53030", "#6b46c1")


def _y(value: Decimal | float, top: float = 100) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - float(value) / top), 1)


def _x(index: int, count: int) -> float:
    plot = WIDTH - LEFT - RIGHT
    if count <= 1:
        return LEFT + plot / 2
    return round(LEFT + plot * index / (count - 1), 1)


def _frame(title: str, labels: list[str], body: str, top: float = 100, suffix: str = "") -> str:
    grid = []
    for tick in (0, top / 4, top / 2, 3 * top / 4, top):
        y = _y(tick, top)
        grid.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="#d9e2ec"/>'
            f'<text x="{LEFT - 4}" y="{y + 4}" font-size="{FONT}" text-anchor="end" fill="#616e7c">'
            f"{tick:g}{escape(suffix)}</text>"
        )
    # Room for about six month labels: every other month of a 12-month chart.
    step = max(1, -(-len(labels) // 6))
    for index, label in enumerate(labels):
        if (len(labels) - 1 - index) % step:
            continue
        # The outermost labels are anchored inside the drawing so that none is cut off at its edge.
        anchor = "start" if index == 0 else "end" if index == len(labels) - 1 else "middle"
        grid.append(
            f'<text x="{_x(index, len(labels))}" y="{HEIGHT - BOTTOM + 16}" font-size="{FONT}" '
            f'text-anchor="{anchor}" fill="#616e7c">{escape(label)}</text>'
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" width="100%" '
        'preserveAspectRatio="xMidYMid meet"><title>{}</title>{}{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        title,
        mark_safe("".join(grid)),  # noqa: S308 (built above from numbers and escaped labels)
        mark_safe(body),  # noqa: S308 (built by the callers from numbers and escaped labels)
    )


def line_chart(title: str, labels: list[str], series: list[tuple[str, list]], top: float = 100, suffix=""):
    """One or more lines over `labels`; a None value breaks the line (no data that month). Legend below."""
    body = []
    for number, (name, values) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        segment: list[str] = []
        segments = []
        for index, value in enumerate(values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            x, y = _x(index, len(values)), _y(value, top)
            segment.append(f"{x},{y}")
            body.append(
                f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"><title>{escape(labels[index])} '
                f"{escape(name)}: {value}{escape(suffix)}</title></circle>"
            )
        if segment:
            segments.append(segment)
        for points in segments:
            body.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(points)}"/>'
            )
    chart = _frame(title, labels, "".join(body), top, suffix)
    if len(series) < 2:
        return chart
    legend = "".join(
        f'<li><span class="swatch s{number % len(COLOURS)}"></span>{escape(name)}</li>'
        for number, (name, _values) in enumerate(series)
    )
    return format_html('{}<ul class="chart-legend">{}</ul>', chart, mark_safe(legend))  # noqa: S308


def bar_chart(title: str, labels: list[str], counts: list[int], axis_labels: list[str] | None = None):
    """Vertical bars (a score distribution): one per label, heights scaled to the largest count. `axis_labels`
    (short, such as a range's lower bound) go under the bars; the full `labels` are the bars' tooltips."""
    axis_labels = axis_labels or labels
    top = max(counts, default=0) or 1
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(counts), 1)
    body = []
    for index, count in enumerate(counts):
        x = round(LEFT + slot * index + slot * 0.1, 1)
        y = _y(count, top)
        height = round(HEIGHT - BOTTOM - y, 1)
        body.append(
            f'<rect x="{x}" y="{y}" width="{round(slot * 0.8, 1)}" height="{height}" fill="#0b6bcb">'
            f"<title>{escape(labels[index])}: {count}</title></rect>"
            f'<text x="{round(x + slot * 0.4, 1)}" y="{y - 3}" font-size="{FONT}" text-anchor="middle">{count}</text>'
            f'<text x="{round(x + slot * 0.4, 1)}" y="{HEIGHT - BOTTOM + 16}" font-size="{FONT}" '
            f'text-anchor="middle" fill="#616e7c">{escape(axis_labels[index])}</text>'
        )
    return _frame(title, [], "".join(body), top)


def grouped_bar_chart(title: str, labels: list[str], series: list[tuple[str, list]], top: float = 100):
    """Side-by-side bars per label, one per series (e.g. before and after); a None value draws no bar. Legend
    below."""
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(labels), 1)
    bar = slot * 0.8 / max(len(series), 1)
    body = []
    for index, label in enumerate(labels):
        start = LEFT + slot * index + slot * 0.1
        for number, (name, values) in enumerate(series):
            value = values[index]
            if value is None:
                continue
            x, y = round(start + bar * number, 1), _y(value, top)
            body.append(
                f'<rect x="{x}" y="{y}" width="{round(bar, 1)}" height="{round(HEIGHT - BOTTOM - y, 1)}" '
                f'fill="{COLOURS[number % len(COLOURS)]}"><title>{escape(label)} {escape(name)}: {value}</title></rect>'
            )
        body.append(
            f'<text x="{round(start + slot * 0.4, 1)}" y="{HEIGHT - BOTTOM + 16}" font-size="10" '
            f'text-anchor="middle" fill="#616e7c">{escape(label)}</text>'
        )
    for number, (name, _values) in enumerate(series):
        lx = LEFT + number * 150
        body.append(
            f'<rect x="{lx}" y="{HEIGHT - 14}" width="10" height="10" fill="{COLOURS[number % len(COLOURS)]}"/>'
            f'<text x="{lx + 14}" y="{HEIGHT - 5}" font-size="11" fill="#1f2933">{escape(name)}</text>'
        )
    return _frame(title, [], "".join(body), top)


def month_labels(months) -> list[str]:
    """Axis labels for consecutive months: the year on the last (the month shown) and on each January, the month
    number elsewhere."""
    return [f"{m:%Y-%m}" if i == len(months) - 1 or m.month == 1 else f"{m:%m}" for i, m in enumerate(months)]
