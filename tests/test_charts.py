"""PNG charts: the right size, real pixels, every shape of answer, and no pyplot."""

from __future__ import annotations

import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from tracking.charts import render_chart
from tracking.core.questions.model import Answer, GroupBy, Interpretation, Metric, Row

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 9, 1, tzinfo=BERLIN)
BLUE = (0, 114, 178)  # the chart colour, #0072B2


def day_series(values: list[int], *, period: str) -> Answer:
    days = [START + timedelta(days=k) for k in range(len(values))]
    rows = tuple(
        Row(day.date().isoformat(), f"{day:%a} {day.day} {day:%b}", value)
        for day, value in zip(days, values, strict=True)
    )
    interpretation = Interpretation(
        metric=Metric.CLICKS,
        start=START,
        end=START + timedelta(days=len(values)),
        period=period,
        channel_filter="messaging",
        group_by=GroupBy.DAY,
    )
    return Answer(interpretation, total=sum(values), previous_total=40, rows=rows)


def by_channel() -> Answer:
    interpretation = Interpretation(
        metric=Metric.PREVIEWS,
        start=START,
        end=START + timedelta(days=30),
        period="last 30 days",
        group_by=GroupBy.CHANNEL,
    )
    rows = (
        Row("whatsapp", "WhatsApp", 412),
        Row("telegram", "Telegram", 230),
        Row("slack", "Slack", 118),
        Row("teams", "Microsoft Teams", 40),
        Row("signal", "Signal", 3),
    )
    return Answer(interpretation, total=803, previous_total=900, rows=rows)


def image_of(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def blue_pixels(image: Image.Image) -> int:
    rgb = image.convert("RGB")
    return sum(
        count
        for count, colour in rgb.getcolors(maxcolors=1_000_000) or []
        if isinstance(colour, tuple) and all(abs(a - b) <= 8 for a, b in zip(colour, BLUE, strict=True))
    )


CASES = {
    "7 days": day_series([5, 12, 0, 9, 30, 2, 7], period="this week"),
    "90 days": day_series([(k * 37) % 53 for k in range(90)], period="last 90 days"),
    "by channel": by_channel(),
    "all zero": day_series([0] * 7, period="this week"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_chart_is_a_phone_sized_png(name: str) -> None:
    png = render_chart(CASES[name])
    image = image_of(png)
    assert image.format == "PNG"
    assert image.size == (1200, 675)
    assert len(png) > 15_000  # text and axes, not a blank canvas


@pytest.mark.parametrize("name", ["7 days", "90 days", "by channel"])
def test_data_is_drawn_in_the_chart_colour(name: str) -> None:
    assert blue_pixels(image_of(render_chart(CASES[name]))) > 5_000


def test_all_zero_series_renders_without_bars() -> None:
    assert blue_pixels(image_of(render_chart(CASES["all zero"]))) < 100


def test_no_rows_is_a_caller_error() -> None:
    answer = Answer(CASES["7 days"].interpretation, total=0, previous_total=0)
    with pytest.raises(ValueError, match="no chart"):
        render_chart(answer)


def test_hours_long_titles_and_hostile_labels_render() -> None:
    """Mathtext ('$'), markup, very long names and wide characters must not break rendering."""
    start = datetime(2026, 11, 28, 14, tzinfo=BERLIN)
    hours = Interpretation(
        metric=Metric.VISITS,
        start=start,
        end=start + timedelta(hours=48),
        period="last 48 hours",
        campaign="black-friday $x$ " + "very-long-campaign-name-" * 5,
        sharer="<script>alert(1)</script>",
        group_by=GroupBy.HOUR,
    )
    rows = tuple(
        Row((start + timedelta(hours=k)).isoformat(), f"{(start + timedelta(hours=k)):%H:00}", k % 7)
        for k in range(48)
    )
    assert image_of(render_chart(Answer(hours, total=141, previous_total=0, rows=rows))).size == (1200, 675)

    links = Interpretation(
        metric=Metric.CLICKS,
        start=START,
        end=START + timedelta(days=7),
        period="this week",
        group_by=GroupBy.LINK,
        top=30,
    )
    hostile = ["$", "$$", "$\\frac{1}{0}$", "```", "<!channel>", "a & b", "Ünïcødé ½", "x" * 200]
    rows = tuple(Row(f"k{n}", label, 100 - n) for n, label in enumerate(hostile * 4))
    answer = Answer(links, total=5000, previous_total=5000, rows=rows)
    assert image_of(render_chart(answer)).size == (1200, 675)


def test_charts_render_concurrently() -> None:
    """Figure + FigureCanvasAgg, no pyplot: safe to call from a thread pool."""
    answers = [CASES["7 days"], CASES["90 days"], CASES["by channel"], CASES["all zero"]] * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        pngs = list(pool.map(render_chart, answers))
    assert all(image_of(png).size == (1200, 675) for png in pngs)


def test_no_pyplot_and_no_matplotlib_in_the_core() -> None:
    code = (
        "import sys\n"
        "import tracking.core.questions.render\n"
        "assert 'matplotlib' not in sys.modules, 'the core must not pull matplotlib in'\n"
        "import tracking.charts\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
