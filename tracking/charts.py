"""Answers as PNG charts, for the bots and `lantern stats --chart`.

Outside the core because it imports matplotlib; only the stats paths import
this module, so the redirect path never pays for it. It uses matplotlib's
object API (Figure + FigureCanvasAgg) and never pyplot, whose global state
is neither thread-safe nor headless by default; no rcParams are changed.
"""

from __future__ import annotations

import functools
import io
import math
import textwrap
from collections.abc import Sequence
from datetime import date, datetime

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from tracking.core.questions.model import Answer, GroupBy, Row
from tracking.core.questions.render import (
    change_phrase,
    clean,
    describe_interpretation,
    display_width,
    metric_noun,
    truncate,
)

#: 1200 × 675 px: a 16:9 image that chat apps show full width on a phone.
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 150
#: Okabe-Ito blue: one colour that reads the same to colour-blind eyes.
COLOUR = "#0072B2"
INK = "#222222"
MUTED = "#666666"
GRID = "#dddddd"
#: Above this many buckets, bars become slivers: draw a line instead.
LINE_ABOVE = 45
#: Breakdowns longer than this are cut; a phone cannot read 50 bars.
MAX_BARS = 15
#: Fonts tried after DejaVu Sans for glyphs it lacks (CJK names, …), when installed.
FALLBACK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK KR",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Noto Sans",
    "Noto Sans Symbols 2",
)

TITLE_SIZE = 14
#: Characters of bold title that fit across the image at TITLE_SIZE.
TITLE_WIDTH = 62
SUBTITLE_SIZE = 11
#: Characters of subtitle that fit across the image at SUBTITLE_SIZE.
SUBTITLE_WIDTH = 100
TICK_SIZE = 10
LABEL_SIZE = 10
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@functools.cache
def _font_families() -> tuple[str, ...]:
    """DejaVu Sans, then whichever fallback fonts this machine has (looked up once)."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", *(name for name in FALLBACK_FONTS if name in installed))


def _literal(text: str) -> str:
    """Text matplotlib shows as written: a '$' in a campaign name must not start mathtext."""
    return clean(text).replace("$", r"\$")


def _number(value: float, _position: object = None) -> str:
    return f"{value:,.0f}"


def _bucket_start(row: Row, group: GroupBy) -> datetime | None:
    """The time a bucket starts, from its ISO key; None if the key is not a date."""
    try:
        if group is GroupBy.HOUR:
            return datetime.fromisoformat(row.key)
        day = date.fromisoformat(row.key[:10])
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day)


def _tick_label(moment: datetime, group: GroupBy, *, dense: bool) -> str:
    """Short date labels: '25 Nov', 'Wed\\n25 Nov' when there is room, '14:00' for hours."""
    if group is GroupBy.HOUR:
        if moment.hour == 0:
            return f"{moment.day} {_MONTHS[moment.month - 1]}"
        return f"{moment:%H:%M}"
    if group is GroupBy.MONTH:
        return f"{_MONTHS[moment.month - 1]}\n{moment.year}" if not dense else _MONTHS[moment.month - 1]
    day = f"{moment.day} {_MONTHS[moment.month - 1]}"
    if group is GroupBy.DAY and not dense:
        return f"{_WEEKDAYS[moment.weekday()]}\n{day}"
    return day


def _tick_positions(starts: Sequence[datetime | None], group: GroupBy, room: int) -> list[int]:
    """Which buckets get a label so labels never overlap: at most `room`, on round boundaries."""
    count = len(starts)
    if count <= room:
        return list(range(count))
    steps: tuple[int, ...] = {
        GroupBy.HOUR: (1, 2, 3, 6, 12, 24, 48, 72, 168),
        GroupBy.DAY: (1, 2, 7, 14, 28, 56, 91, 182, 364),
        GroupBy.WEEK: (1, 2, 4, 8, 13, 26, 52),
        GroupBy.MONTH: (1, 2, 3, 6, 12, 24),
    }.get(group, (1, 2, 5, 10, 20, 50, 100))
    step = next((s for s in steps if math.ceil(count / s) <= room), math.ceil(count / room))

    def anchored(index: int) -> bool:
        start = starts[index]
        if start is None:
            return index % step == 0
        if group is GroupBy.DAY and step % 7 == 0:
            return start.weekday() == 0 and (start.toordinal() // 7) % (step // 7) == 0
        if group is GroupBy.HOUR and step < 24:
            return start.hour % step == 0
        if group is GroupBy.HOUR:
            return start.hour == 0 and start.toordinal() % (step // 24) == 0
        if group is GroupBy.MONTH:
            return (start.month - 1) % step == 0
        return index % step == 0

    chosen = [index for index in range(count) if anchored(index)]
    if not chosen or len(chosen) > room:
        chosen = list(range(0, count, step))
    return chosen


def _cut_middle(text: str, width: int) -> str:
    """Shorten a link keeping both ends: the host and the slug tell links apart."""
    if display_width(text) <= width:
        return text
    head = truncate(text, width // 2).removesuffix("…")
    tail = ""
    for char in reversed(text):
        if display_width(head + "…" + char + tail) > width:
            break
        tail = char + tail
    return f"{head}…{tail}"


def _share(value: int, total: int) -> str:
    fraction = value / total
    return "<1%" if fraction < 0.005 else f"{fraction:.0%}"


def _title_lines(title: str) -> list[str]:
    """At most two lines, broken between ' · ' parts; the filters give way before the dates."""
    parts = title.split(" · ")
    lines: list[str] = []
    for part in parts:
        if lines and display_width(lines[-1] + " · " + part) <= TITLE_WIDTH:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    if len(lines) <= 2 and all(display_width(line) <= TITLE_WIDTH for line in lines):
        return lines
    rest = " · ".join(parts[1:])
    if display_width(rest) > TITLE_WIDTH:
        return textwrap.wrap(title, width=TITLE_WIDTH, max_lines=2, placeholder=" …")
    return [truncate(parts[0], TITLE_WIDTH), rest]


def _style(ax: Axes) -> None:
    """No chart junk: no box, a light grid behind the data, quiet ticks."""
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(MUTED)
    ax.set_axisbelow(True)
    ax.tick_params(colors=MUTED, labelcolor=INK, labelsize=TICK_SIZE, length=0)


def _no_data(ax: Axes, answer: Answer) -> None:
    noun = metric_noun(answer.interpretation.metric)
    ax.text(
        0.5,
        0.55,
        f"No {noun} in this period",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=SUBTITLE_SIZE + 1,
        color=MUTED,
    )


def _draw_series(ax: Axes, answer: Answer) -> None:
    """Bars per bucket (a line when there are many), every zero bucket kept in place."""
    group = answer.interpretation.group_by
    assert group is not None  # is_series
    rows = answer.rows
    values = [row.value for row in rows]
    positions = list(range(len(rows)))
    largest = max(values)
    _style(ax)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    if len(rows) > LINE_ABOVE:
        ax.fill_between(positions, values, color=COLOUR, alpha=0.15, linewidth=0)
        ax.plot(positions, values, color=COLOUR, linewidth=2)
        ax.set_xlim(-0.5, len(rows) - 0.5)
    else:
        bars = ax.bar(positions, values, color=COLOUR, width=0.75)
        ax.set_xlim(-0.6, len(rows) - 0.4)
        if len(rows) <= 14 and largest > 0:  # few bars: the exact numbers fit on top
            ax.bar_label(bars, labels=[_number(v) for v in values], padding=3, fontsize=LABEL_SIZE, color=INK)
    ax.axhline(0, color=MUTED, linewidth=0.8)
    ax.set_ylim(0, max(1.0, largest * 1.15))
    if largest == 0:
        ax.set_yticks([0])
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_number))

    starts = [_bucket_start(row, group) for row in rows]
    dense = len(rows) > 8
    texts = [
        _tick_label(start, group, dense=dense) if start is not None else _literal(row.label)
        for start, row in zip(starts, rows, strict=True)
    ]
    widest = max(display_width(line) for text in texts for line in text.split("\n"))
    room = max(2, int(88 / (widest + 3)))  # ~88 characters fit across the plot at this font size
    ticks = _tick_positions(starts, group, room)
    ax.set_xticks(ticks, labels=[texts[index] for index in ticks])
    ax.set_xlabel(group.value.capitalize(), fontsize=LABEL_SIZE, color=MUTED)
    ax.set_ylabel(metric_noun(answer.interpretation.metric).capitalize(), fontsize=LABEL_SIZE, color=MUTED)
    if largest == 0:
        _no_data(ax, answer)


def _draw_breakdown(ax: Axes, answer: Answer) -> int:
    """Horizontal bars, largest on top, the value at the end of each; returns rows left out."""
    rows = sorted(answer.rows, key=lambda row: row.value, reverse=True)
    hidden = max(0, len(rows) - MAX_BARS)
    rows = rows[:MAX_BARS]
    values = [row.value for row in rows]
    largest = max(values)
    size = TICK_SIZE if len(rows) <= 10 else TICK_SIZE - 1
    cut = _cut_middle if answer.interpretation.group_by is GroupBy.LINK else truncate
    labels = [_literal(cut(clean(row.label) or clean(row.key) or "(none)", 28)) for row in rows]
    positions = list(range(len(rows)))[::-1]  # first row at the top
    _style(ax)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.spines["bottom"].set_visible(False)
    ax.spines["left"].set_visible(True)
    ax.spines["left"].set_color(MUTED)
    bars = ax.barh(positions, values, color=COLOUR, height=0.7)
    total = answer.total
    ends = [f"{v:,} ({_share(v, total)})" if total > 0 and v > 0 else f"{v:,}" for v in values]
    ax.bar_label(bars, labels=ends, padding=4, fontsize=size, color=INK)
    ax.set_yticks(positions, labels=labels, fontsize=size)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(0, max(1.0, largest * 1.25))  # room for the value labels
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(_number))
    ax.set_xlabel(metric_noun(answer.interpretation.metric).capitalize(), fontsize=LABEL_SIZE, color=MUTED)
    group = answer.interpretation.group_by
    if group is not None:
        ax.set_ylabel(group.value.capitalize(), fontsize=LABEL_SIZE, color=MUTED)
    if largest == 0:
        ax.set_xticks([0])
        _no_data(ax, answer)
    return hidden


def _subtitle(answer: Answer, hidden: int) -> str:
    noun = metric_noun(answer.interpretation.metric, answer.total)
    parts = [f"{answer.total:,} {noun}", change_phrase(answer)]
    if hidden:
        parts.append(f"top {len(answer.rows) - hidden} of {len(answer.rows)}")
    return _literal(truncate("  ·  ".join(parts), SUBTITLE_WIDTH))


def render_chart(answer: Answer) -> bytes:
    """A PNG of the answer, 1200 x 675 px, readable on a phone.

    Raises ValueError when the answer has no rows: there is nothing to draw.
    """
    if not answer.rows:
        raise ValueError("an answer without rows has no chart")
    title_lines = [_literal(line) for line in _title_lines(describe_interpretation(answer.interpretation))]
    top = HEIGHT_IN * 72  # the figure's height in points; text is placed from the top down
    title_height = TITLE_SIZE * 1.3 * len(title_lines)
    header = 10 + title_height + 6 + SUBTITLE_SIZE * 1.3 + 2
    # The plot fills what the title and subtitle leave; constrained layout keeps tick labels inside.
    layout = ConstrainedLayoutEngine(rect=(0.0, 0.0, 1.0, 1 - header / top), w_pad=0.12, h_pad=0.08)
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white", layout=layout)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    if answer.is_series:
        _draw_series(ax, answer)
        hidden = 0
    else:
        hidden = _draw_breakdown(ax, answer)
    figure.text(
        0.02,
        1 - 10 / top,
        "\n".join(title_lines),
        ha="left",
        va="top",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        color=INK,
        linespacing=1.15,
    )
    figure.text(
        0.02,
        1 - (10 + title_height + 6) / top,
        _subtitle(answer, hidden),
        ha="left",
        va="top",
        fontsize=SUBTITLE_SIZE,
        color=MUTED,
    )
    families = _font_families()
    if len(families) > 1:  # per-glyph fallback, so a sharer named in Chinese is not tofu
        for text in figure.findobj(Text):
            assert isinstance(text, Text)
            text.set_fontfamily(list(families))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()
