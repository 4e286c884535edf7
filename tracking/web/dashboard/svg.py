"""Server-drawn SVG of the clicks-and-shares series: the chart every browser sees, script or not.

uPlot, when its asset is there, draws an interactive chart over the same
numbers; the table under the chart carries every number in text.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 760, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28
CLICK_COLOUR = "#2563eb"
SHARE_COLOUR = "#f59e0b"


def _nice_max(value: int) -> int:
    """A round top for the axis (1, 2 or 5 times a power of ten)."""
    if value <= 4:
        return 4
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= value:
                return factor * step
        step *= 10


def series_svg(
    labels: Sequence[str], clicks: Sequence[int], shares: Sequence[int], *, title: str, number: object
) -> str:
    """Bars for clicks, a line for share events; `number` formats axis figures in the reader's language."""
    fmt = number if callable(number) else str
    count = max(len(labels), 1)
    top = _nice_max(max([*clicks, *shares, 0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / count
    bar = max(slot * 0.7, 1.0)

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / top

    parts = [
        f'<svg class="series-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(5):
        value = top * tick // 4
        ty = y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="#6b7280">'
            f"{escape(str(fmt(value)))}</text>"
        )
    for index, value in enumerate(clicks):
        x = LEFT + slot * index + (slot - bar) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{bar:.1f}" height="{TOP + plot_h - y(value):.1f}" '
            f'fill="{CLICK_COLOUR}" rx="2"/>'
        )
    if shares:
        points = " ".join(f"{LEFT + slot * i + slot / 2:.1f},{y(v):.1f}" for i, v in enumerate(shares))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{SHARE_COLOUR}" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
    every = max(1, count // 8)
    for index, label in enumerate(labels):
        if index % every == 0:
            x = LEFT + slot * index + slot / 2
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11" fill="#6b7280">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
