"""The claim page's timeline: an SVG drawn on the server, no JavaScript.

x is the source's publication date, one row per stance, one dot per piece of
evidence coloured by its stance. Evidence whose source has no date goes in an
"undated" bucket at the right, so nothing silently disappears. Pure: plain
values in, markup out (every string escaped), easy to test.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

STANCES = ("asserts", "disputes", "mentions")
STANCE_COLOURS = {"asserts": "#1c7c54", "disputes": "#b3261e", "mentions": "#7a6a00"}

WIDTH = 760
LABEL_WIDTH = 90  # the stance names on the left
UNDATED_WIDTH = 90  # the bucket on the right
ROW_HEIGHT = 34
TOP = 12
AXIS_HEIGHT = 34
DOT_RADIUS = 6
MAX_TICKS = 5


@dataclass(frozen=True)
class TimelinePoint:
    stance: str
    date: dt.date | None
    label: str  # what the dot's <title> says (screen readers, hover)
    href: str = ""


def _format(day: dt.date, span_days: int) -> str:
    return day.strftime("%b %Y") if span_days > 730 else day.strftime("%-d %b %Y")


def _ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    span = (last - first).days
    if span == 0:
        return [first]
    count = min(MAX_TICKS, span + 1)
    days = sorted({round(span * i / (count - 1)) for i in range(count)})
    return [first + dt.timedelta(days=d) for d in days]


def timeline_svg(points: Sequence[TimelinePoint], *, width: int = WIDTH) -> str:
    """SVG markup for the points; an empty string when there are none."""
    if not points:
        return ""
    dated = [p for p in points if p.date is not None]
    undated = [p for p in points if p.date is None]
    plot_left = LABEL_WIDTH
    plot_right = width - (UNDATED_WIDTH if undated else 0) - 16
    rows_height = ROW_HEIGHT * len(STANCES)
    height = TOP + rows_height + AXIS_HEIGHT
    row_y = {s: TOP + ROW_HEIGHT * i + ROW_HEIGHT / 2 for i, s in enumerate(STANCES)}

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="timeline-svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-labelledby="timeline-title">',
        f'<title id="timeline-title">Timeline of {len(points)} pieces of evidence by publication '
        "date and stance</title>",
    ]
    for stance in STANCES:
        y = row_y[stance]
        parts.append(
            f'<text x="{plot_left - 10}" y="{y + 4:.0f}" text-anchor="end" class="row-label" '
            f'fill="{STANCE_COLOURS[stance]}" font-size="13">{stance}</text>'
            f'<line x1="{plot_left}" x2="{width - 8}" y1="{y:.0f}" y2="{y:.0f}" '
            'stroke="#e3e7ec" stroke-width="1"/>'
        )
    axis_y = TOP + rows_height + 4
    parts.append(
        f'<line x1="{plot_left}" x2="{plot_right}" y1="{axis_y}" y2="{axis_y}" '
        'stroke="#9aa5b1" stroke-width="1" class="axis"/>'
    )

    if dated:
        first = min(p.date for p in dated)  # type: ignore[type-var]
        last = max(p.date for p in dated)  # type: ignore[type-var]
        span = (last - first).days

        def x_of(day: dt.date) -> float:
            if span == 0:
                return (plot_left + plot_right) / 2
            return plot_left + 10 + (plot_right - plot_left - 20) * (day - first).days / span

        for tick in _ticks(first, last):
            x = x_of(tick)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{axis_y}" y2="{axis_y + 5}" '
                'stroke="#9aa5b1"/>'
                f'<text x="{x:.1f}" y="{axis_y + 20}" text-anchor="middle" font-size="11" '
                f'fill="#66707c" class="tick">{escape(_format(tick, span))}</text>'
            )
        parts.extend(_dots(dated, lambda p: x_of(p.date), row_y))  # type: ignore[arg-type]

    if undated:
        left = width - UNDATED_WIDTH
        centre = left + UNDATED_WIDTH / 2
        parts.append(
            f'<g class="undated"><line x1="{left}" x2="{left}" y1="{TOP}" y2="{axis_y}" '
            'stroke="#9aa5b1" stroke-dasharray="3 3"/>'
            f'<text x="{centre:.0f}" y="{axis_y + 20}" text-anchor="middle" font-size="11" '
            'fill="#66707c">undated</text>'
        )
        parts.extend(_dots(undated, lambda p: centre, row_y))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _dots(points, x_of, row_y) -> list[str]:
    """Dots at the same place are spread vertically so each stays visible."""
    seen: Counter[tuple[int, str]] = Counter()
    out = []
    for point in points:
        x = x_of(point)
        slot = (round(x / 4), point.stance)
        n = seen[slot]
        seen[slot] += 1
        offset = ((n + 1) // 2) * (1 if n % 2 else -1) * 5 if n else 0
        y = row_y.get(point.stance, row_y["mentions"]) + max(-12, min(12, offset))
        colour = STANCE_COLOURS.get(point.stance, "#66707c")
        dot = (
            f'<circle class="dot {escape(point.stance)}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{DOT_RADIUS}" '
            f'fill="{colour}" fill-opacity="0.85" stroke="#fff" stroke-width="1.5" '
            f'data-stance="{escape(point.stance)}"><title>{escape(point.label)}</title></circle>'
        )
        if point.href:
            dot = f'<a href="{escape(point.href)}">{dot}</a>'
        out.append(dot)
    return out
