"""Answers as text, Slack mrkdwn, Telegram HTML and JSON: numbers, wording, and hostile strings."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from tracking.core.questions.model import Answer, GroupBy, Interpretation, Metric, Row
from tracking.core.questions.render import (
    answer_to_json,
    describe_interpretation,
    display_width,
    render_html,
    render_mrkdwn,
    render_text,
)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 23, tzinfo=BERLIN)


def week(**changes: object) -> Interpretation:
    """'clicks from messaging this week', with any field changed."""
    base = Interpretation(
        metric=Metric.CLICKS,
        start=MONDAY,
        end=MONDAY + timedelta(days=7),
        period="this week",
        channels=("whatsapp", "telegram", "slack"),
        channel_filter="messaging",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def daily(values: list[int]) -> tuple[Row, ...]:
    days = [MONDAY + timedelta(days=k) for k in range(len(values))]
    return tuple(
        Row(day.date().isoformat(), f"{day:%a} {day.day} {day:%b}", value)
        for day, value in zip(days, values, strict=True)
    )


BY_DAY = [12, 30, 0, 25, 41, 8, 12]


def by_day_answer(previous: int = 104) -> Answer:
    return Answer(week(group_by=GroupBy.DAY), total=128, previous_total=previous, rows=daily(BY_DAY))


# --- wording and numbers ----------------------------------------------------------


def test_text_headline_change_and_table() -> None:
    text = render_text(by_day_answer())
    lines = text.splitlines()
    assert lines[0] == "128 clicks from messaging · this week (23–29 Nov 2026)"
    assert lines[1] == "▲ 23% vs the previous 7 days (104)"
    table = [line for line in lines if line.startswith(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))]
    assert len(table) == 7
    friday = next(line for line in table if line.startswith("Fri"))
    assert "41" in friday and "█" * 16 in friday and friday.endswith("32%")
    wednesday = next(line for line in table if line.startswith("Wed"))
    assert "█" not in wednesday  # a zero bucket stays in the table, with no bar
    # values are right-aligned in one column
    values = [re.match(r"\w{3} \d+ \w{3}\s+(\d+)", line) for line in table]
    assert [int(m.group(1)) for m in values if m] == BY_DAY
    assert len({m.end(1) for m in values if m}) == 1
    assert "Busiest: Fri 27 Nov (41)" in text


@pytest.mark.parametrize(
    ("total", "previous", "expected"),
    [
        (128, 104, "▲ 23% vs the previous 7 days (104)"),
        (80, 100, "▼ 20% vs the previous 7 days (100)"),
        (104, 104, "= same as the previous 7 days (104)"),
        (128, 0, "no clicks in the previous 7 days"),
        (101, 100, "▲ 1% vs the previous 7 days (100)"),
        (1005, 1000, "▲ 0.5% vs the previous 7 days (1,000)"),
        (5000, 100, "▲ 4,900% vs the previous 7 days (100)"),
    ],
)
def test_change_against_the_previous_period(total: int, previous: int, expected: str) -> None:
    answer = Answer(week(), total=total, previous_total=previous)
    assert render_text(answer).splitlines()[1] == expected
    assert expected in render_mrkdwn(answer)
    assert expected in render_html(answer)


def test_singular_and_thousands() -> None:
    assert render_text(Answer(week(), total=1, previous_total=0)).startswith("1 click from messaging")
    assert render_text(Answer(week(), total=12345, previous_total=0)).startswith("12,345 clicks")


def test_previous_period_across_the_dst_change_is_still_seven_days() -> None:
    start = datetime(2026, 10, 19, tzinfo=BERLIN)  # clocks go back on Sunday 25 Oct
    answer = Answer(week(start=start, end=start + timedelta(days=7)), total=10, previous_total=5)
    assert "vs the previous 7 days (5)" in render_text(answer)


def test_breakdown_with_top_n_notes_the_rest() -> None:
    interpretation = week(group_by=GroupBy.CHANNEL, top=3, channel_filter=None, channels=None)
    rows = (Row("whatsapp", "WhatsApp", 60), Row("telegram", "Telegram", 25), Row("slack", "Slack", 5))
    text = render_text(Answer(interpretation, total=100, previous_total=50, rows=rows))
    assert text.splitlines()[0] == "100 clicks · this week (23–29 Nov 2026)"
    assert "Top 3 channels · 10 more clicks elsewhere" in text
    whatsapp = next(line for line in text.splitlines() if line.startswith("WhatsApp"))
    assert whatsapp.endswith("60%")


def test_unique_visitors_do_not_claim_a_remainder() -> None:
    """Unique visitors do not add up across rows, so 'N more elsewhere' would be false."""
    interpretation = week(metric=Metric.UNIQUE_VISITORS, group_by=GroupBy.CHANNEL, top=2)
    rows = (Row("whatsapp", "WhatsApp", 60), Row("telegram", "Telegram", 25))
    text = render_text(Answer(interpretation, total=100, previous_total=0, rows=rows))
    assert "Top 2 channels" in text and "elsewhere" not in text


def test_wide_characters_keep_the_table_aligned() -> None:
    rows = (Row("a", "電報電報", 10), Row("b", "Slack", 5))
    text = render_text(Answer(week(group_by=GroupBy.SHARER), total=15, previous_total=0, rows=rows))
    lines = [line for line in text.splitlines() if "█" in line]
    prefix_widths = {display_width(line[: line.index("█")]) for line in lines}
    assert len(prefix_widths) == 1


def test_notes_are_shown() -> None:
    answer = dataclasses.replace(by_day_answer(), notes=("unique visitors only within retention",))
    assert "Note: unique visitors only within retention" in render_text(answer)
    assert "_unique visitors only within retention_" in render_mrkdwn(answer)
    assert "<i>unique visitors only within retention</i>" in render_html(answer)


# --- empty answers ----------------------------------------------------------------


def test_empty_answer_is_said_kindly_everywhere() -> None:
    empty = Answer(week(group_by=GroupBy.DAY), total=0, previous_total=0, rows=daily([0] * 7))
    for render in (render_text, render_mrkdwn, render_html):
        out = render(empty)
        assert out.splitlines()[0] == "No clicks from messaging this week yet."
        assert "█" not in out and "```" not in out and "<pre>" not in out


def test_empty_answer_without_rows_and_a_past_period() -> None:
    answer = Answer(week(period="last week"), total=0, previous_total=12)
    lines = render_text(answer).splitlines()
    assert lines[0] == "No clicks from messaging last week."
    assert lines[1] == "▼ 100% vs the previous 7 days (12)"


# --- describe_interpretation --------------------------------------------------------


def test_describe_the_example() -> None:
    assert (
        describe_interpretation(week(group_by=GroupBy.DAY))
        == "Clicks from messaging · this week (23–29 Nov 2026) · by day"
    )


def test_describe_every_filter_and_top_n() -> None:
    interpretation = week(
        metric=Metric.PREVIEWS,
        channel_filter="whatsapp",
        campaign="spring-sale",
        link="abc123",
        sharer="alice",
        domain="example.com",
        group_by=GroupBy.LINK,
        top=5,
    )
    assert describe_interpretation(interpretation) == (
        "Shares from WhatsApp for campaign spring-sale on link abc123 by @alice to example.com"
        " · this week (23–29 Nov 2026) · top 5 links"
    )


@pytest.mark.parametrize(
    ("start", "end", "period", "dates"),
    [
        (datetime(2026, 11, 29), datetime(2026, 11, 30), "today", "29 Nov 2026"),
        (datetime(2026, 11, 30), datetime(2026, 12, 7), "this week", "30 Nov – 6 Dec 2026"),
        (datetime(2026, 12, 28), datetime(2027, 1, 4), "this week", "28 Dec 2026 – 3 Jan 2027"),
        (datetime(2026, 10, 1), datetime(2026, 11, 1), "in october", "1–31 Oct 2026"),
        (datetime(2026, 11, 29, 10), datetime(2026, 11, 29, 16), "last 6 hours", "29 Nov 2026, 10:00–16:00"),
    ],
)
def test_describe_shows_the_concrete_dates_end_inclusive(
    start: datetime, end: datetime, period: str, dates: str
) -> None:
    interpretation = week(start=start.replace(tzinfo=BERLIN), end=end.replace(tzinfo=BERLIN), period=period)
    assert describe_interpretation(interpretation) == f"Clicks from messaging · {period} ({dates})"


# --- hostile strings -----------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<https://evil.example|click>",
    "<!channel>",
    "<!here|here> <@U123>",
    "'; DROP TABLE links; --",
    "```",
    "a```b",
    "Tom & Jerry &amp; &lt;",
    "*bold* _it_ ~s~",
    "$x$ \\n",
]
FIELDS = ["campaign", "sharer", "label", "channel_filter", "domain", "link"]


def hostile_answer(field: str, value: str) -> Answer:
    """The hostile value in one user-supplied place, with a table so code blocks are involved."""
    rows = (Row("k1", value if field == "label" else "go.example/abc", 7), Row("k2", "Plain", 3))
    changes: dict[str, object] = {"group_by": GroupBy.LINK}
    if field != "label":
        changes[field] = value
    return Answer(week(**changes), total=10, previous_total=4, rows=rows)


class TagCollector(HTMLParser):
    """Every tag Telegram would see, and the text it would show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)

    def handle_data(self, data: str) -> None:
        self.text += data


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", FIELDS)
def test_html_escapes_every_user_string(field: str, value: str) -> None:
    out = render_html(hostile_answer(field, value))
    parser = TagCollector()
    parser.feed(out)
    parser.close()
    assert set(parser.tags) <= {"b", "/b", "pre", "/pre", "i", "/i"}
    assert parser.tags.count("pre") == 1 and parser.tags.count("/pre") == 1
    assert re.search(r"&(?!amp;|lt;|gt;)", out) is None  # every & starts an entity
    assert value in parser.text  # shown exactly as written


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", FIELDS)
def test_mrkdwn_escapes_every_user_string(field: str, value: str) -> None:
    out = render_mrkdwn(hostile_answer(field, value))
    assert "<" not in out and ">" not in out  # no links, mentions or <!channel> can form
    assert re.search(r"&(?!amp;|lt;|gt;)", out) is None
    assert out.count("```") == 2  # the table's own fence, opened and closed once
    fenced = out.split("```")[1]
    assert "`" not in fenced
    assert "Plain" in fenced and "7" in fenced  # the table survived inside its block
    assert value in html.unescape(out).replace("ˋ", "`")  # nothing lost, only escaped


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", FIELDS)
def test_text_keeps_user_strings_as_written(field: str, value: str) -> None:
    out = render_text(hostile_answer(field, value))
    assert value in out or field == "channel_filter"  # a channel filter may be shown as its label


def test_mrkdwn_entities_for_the_classic_attacks() -> None:
    out = render_mrkdwn(hostile_answer("campaign", "<!channel> <https://evil|click> & co"))
    assert "&lt;!channel&gt; &lt;https://evil|click&gt; &amp; co" in out


def test_control_and_bidi_characters_cannot_break_lines_or_reorder_text() -> None:
    answer = hostile_answer("campaign", "spring\n*fake headline*\r\u202eevil")
    for render in (render_text, render_mrkdwn, render_html):
        first = render(answer).splitlines()[0]
        assert "fake headline" in first and "\u202e" not in first


def test_long_answers_fit_in_one_chat_message() -> None:
    rows = tuple(Row(f"k{n}", f"go.example/{'&' * 30}{n}", 1000 - n) for n in range(300))
    answer = Answer(week(group_by=GroupBy.LINK), total=200_000, previous_total=0, rows=rows)
    assert len(render_html(answer)) <= 4096
    assert len(render_mrkdwn(answer)) <= 4096
    assert "more rows not shown" in render_html(answer)
    assert len(render_text(answer).splitlines()) > 300  # the CLI shows everything


# --- JSON ---------------------------------------------------------------------------------


def test_json_shape() -> None:
    data = answer_to_json(dataclasses.replace(by_day_answer(), notes=("a note",)))
    assert json.loads(json.dumps(data)) == data
    assert data["total"] == 128 and data["previous_total"] == 104
    assert data["change"] == pytest.approx(24 / 104)
    assert data["interpreted"] == {
        "metric": "clicks",
        "channels": ["whatsapp", "telegram", "slack"],
        "channel_filter": "messaging",
        "campaign": None,
        "link": None,
        "sharer": None,
        "domain": None,
        "start": "2026-11-23T00:00:00+01:00",
        "end": "2026-11-30T00:00:00+01:00",
        "period": "this week",
        "group_by": "day",
        "top": None,
    }
    assert data["rows"][0] == {"key": "2026-11-23", "label": "Mon 23 Nov", "value": 12}  # type: ignore[index]
    assert len(data["rows"]) == 7  # type: ignore[arg-type]
    assert data["notes"] == ["a note"]


def test_json_nulls_and_raw_user_strings() -> None:
    interpretation = week(
        channels=None, channel_filter=None, metric=Metric.UNIQUE_VISITORS, campaign="<b>&", top=None
    )
    data = answer_to_json(Answer(interpretation, total=0, previous_total=0))
    assert data["change"] is None and data["rows"] == [] and data["notes"] == []
    interpreted = data["interpreted"]
    assert isinstance(interpreted, dict)
    assert interpreted["channels"] is None and interpreted["group_by"] is None
    assert interpreted["metric"] == "unique visitors"
    assert interpreted["campaign"] == "<b>&"  # JSON is data: escaping is the reader's job
