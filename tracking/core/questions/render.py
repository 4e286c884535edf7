"""Answers as words: plain text (CLI), Slack mrkdwn, Telegram HTML and JSON.

Every renderer builds the same parts (headline, change, table, footer,
notes) from one function, so the CLI and both bots say the same thing; the
chat renderers only escape and wrap them. User strings (campaign, sharer,
labels…) are treated as hostile everywhere: control and bidi characters are
dropped before layout, and each markup escapes the whole text it emits.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracking.core.channels import find_channel, find_group
from tracking.core.questions.model import Answer, GroupBy, Interpretation, Metric, Row

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: (singular, plural) of what each metric counts, as a person says it.
_NOUNS: dict[Metric, tuple[str, str]] = {
    Metric.CLICKS: ("click", "clicks"),
    Metric.PREVIEWS: ("share", "shares"),
    Metric.VISITS: ("visit", "visits"),
    Metric.UNIQUE_VISITORS: ("unique visitor", "unique visitors"),
    Metric.LINKS: ("link created", "links created"),
    Metric.BOTS: ("bot visit", "bot visits"),
}

_GROUP_PLURALS: dict[GroupBy, str] = {
    GroupBy.HOUR: "hours",
    GroupBy.DAY: "days",
    GroupBy.WEEK: "weeks",
    GroupBy.MONTH: "months",
    GroupBy.CHANNEL: "channels",
    GroupBy.CAMPAIGN: "campaigns",
    GroupBy.LINK: "links",
    GroupBy.SHARER: "sharers",
    GroupBy.WORKSPACE: "workspaces",
    GroupBy.COUNTRY: "countries",
    GroupBy.DEVICE: "devices",
    GroupBy.BROWSER: "browsers",
    GroupBy.FETCHER: "fetchers",
    GroupBy.EVIDENCE: "kinds of evidence",
    GroupBy.PAGE: "pages",
}

#: Characters that reorder text (Trojan-source style) and would garble a table or a headline.
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_BAR_WIDTH = 16
_LABEL_WIDTH = 32
#: Rows a chat message shows at most; the chart carries the full series.
_CHAT_ROWS = 40
#: Telegram refuses messages over 4096 characters; Slack truncates long texts.
_CHAT_LIMIT = 4000


# --- small pieces shared by every renderer (and by the chart) -----------------


def clean(text: str) -> str:
    """A user string safe to lay out: no control or bidi characters, one line."""
    out = []
    for char in text:
        if char in _BIDI:
            continue
        out.append(" " if unicodedata.category(char) == "Cc" else char)
    return " ".join("".join(out).split())


def display_width(text: str) -> int:
    """Columns a string takes in a monospace font (wide CJK counts 2, accents 0)."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1
    return width


def truncate(text: str, width: int) -> str:
    """Cut a string to `width` columns, marking the cut with an ellipsis."""
    if display_width(text) <= width:
        return text
    out = ""
    for char in text:
        if display_width(out + char) > width - 1:
            break
        out += char
    return out + "…"


def metric_noun(metric: Metric, count: int = 2) -> str:
    """The word for what is counted, singular for exactly one."""
    singular, plural = _NOUNS[metric]
    return singular if count == 1 else plural


def group_plural(group: GroupBy) -> str:
    """'links' for GroupBy.LINK: how a 'top N' list is named."""
    return _GROUP_PLURALS[group]


def _channel_words(channel_filter: str) -> str:
    """'WhatsApp' for a channel, but 'messaging' / 'email' as the user wrote a group."""
    text = clean(channel_filter)
    if find_group(text) is None:
        found = find_channel(text)
        if found is not None:
            return found.label
    return text


def _filter_words(i: Interpretation) -> str:
    """The filters as a phrase: 'from messaging for campaign x by @alice to example.com'."""
    words: list[str] = []
    if i.channel_filter:
        words.append(f"from {_channel_words(i.channel_filter)}")
    if i.campaign:
        words.append(f"for campaign {clean(i.campaign)}")
    if i.link:
        words.append(f"on link {clean(i.link)}")
    if i.sharer:
        sharer = clean(i.sharer).lstrip("@")
        words.append(f"by {sharer}" if " " in sharer else f"by @{sharer}")
    if i.domain:
        words.append(f"to {clean(i.domain)}")
    return " ".join(words)


def _day(moment: datetime, *, month: bool = True, year: bool = True) -> str:
    text = str(moment.day)
    if month:
        text += f" {_MONTHS[moment.month - 1]}"
    if year:
        text += f" {moment.year}"
    return text


def _is_midnight(moment: datetime) -> bool:
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def period_dates(i: Interpretation) -> str:
    """The concrete dates of [start, end) as a person reads them, the end shown inclusive."""
    start, end = i.start, i.end
    last = end - timedelta(microseconds=1)
    whole_days = _is_midnight(start) and _is_midnight(end)
    if not whole_days and end - start < timedelta(days=2):
        if start.date() == last.date():
            return f"{_day(start)}, {start:%H:%M}–{end:%H:%M}"
        return f"{_day(start, year=start.year != end.year)} {start:%H:%M} – {_day(end)} {end:%H:%M}"
    if start.date() == last.date():
        return _day(start)
    if (start.year, start.month) == (last.year, last.month):
        return f"{start.day}–{_day(last)}"
    if start.year == last.year:
        return f"{_day(start, year=False)} – {_day(last)}"
    return f"{_day(start)} – {_day(last)}"


def _shape_words(i: Interpretation) -> str:
    if i.top is not None and i.group_by is not None:
        return f"top {i.top} {group_plural(i.group_by)}"
    if i.top is not None:
        return f"top {i.top}"
    if i.group_by is not None:
        return f"by {i.group_by.value}"
    return ""


def describe_interpretation(i: Interpretation) -> str:
    """One line that says what was counted: the title of a chart or a reply.

    e.g. 'Clicks from messaging · this week (dates) · by day'.
    """
    what = metric_noun(i.metric)
    what = what[0].upper() + what[1:]
    filters = _filter_words(i)
    if filters:
        what += " " + filters
    period = clean(i.period)
    dates = period_dates(i)
    when = f"{period} ({dates})" if period else dates
    return " · ".join(part for part in (what, when, _shape_words(i)) if part)


def _previous_words(i: Interpretation) -> str:
    """'the previous 7 days': the period the change is measured against."""
    if _is_midnight(i.start) and _is_midnight(i.end):
        days = (i.end.date() - i.start.date()).days
        if days == 1:
            return "the previous day"
        if days >= 14 and days % 7 == 0:
            return f"the previous {days // 7} weeks"
        if days > 1:
            return f"the previous {days} days"
    seconds = (i.end - i.start).total_seconds()
    if seconds > 0 and seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return "the previous hour" if hours == 1 else f"the previous {hours} hours"
    return "the previous period"


def _percent(fraction: float) -> str:
    points = abs(fraction) * 100
    if points >= 10:
        return f"{points:,.0f}%"
    if points < 0.05:
        return "<0.1%"
    return f"{points:.1f}".removesuffix(".0") + "%"


def change_phrase(answer: Answer) -> str:
    """'▲ 23% vs the previous 7 days (104)', or why there is nothing to compare with."""
    i = answer.interpretation
    previous = _previous_words(i)
    if answer.previous_total == 0:
        return f"no {metric_noun(i.metric)} in {previous}"
    before = f"({answer.previous_total:,})"
    if answer.total == answer.previous_total:
        return f"= same as {previous} {before}"
    change = answer.change
    assert change is not None  # previous_total is not zero here
    arrow = "▲" if change > 0 else "▼"
    return f"{arrow} {_percent(change)} vs {previous} {before}"


def _with_filters(words: str, i: Interpretation) -> str:
    """'128 clicks' + ' from messaging in campaign spring'."""
    filters = _filter_words(i)
    return f"{words} {filters}" if filters else words


def headline(answer: Answer) -> str:
    """'128 clicks from messaging · this week (dates)': the total and what it counts."""
    i = answer.interpretation
    what = _with_filters(f"{answer.total:,} {metric_noun(i.metric, answer.total)}", i)
    period = clean(i.period)
    dates = period_dates(i)
    when = f"{period} ({dates})" if period else dates
    return f"{what} · {when}"


def is_empty(answer: Answer) -> bool:
    """Nothing counted at all: say so instead of drawing a table of zeros."""
    return answer.total == 0 and all(row.value == 0 for row in answer.rows)


def _empty_message(answer: Answer) -> str:
    """'No clicks from messaging this week yet.' — kind, and 'yet' only while the period runs."""
    i = answer.interpretation
    words = _with_filters(f"No {metric_noun(i.metric)}", i)
    period = clean(i.period)
    if period:
        words += " " + period
        if period.lower().startswith(("this ", "today", "since ")):
            words += " yet"
    else:
        words += f" between {period_dates(i)}"
    return words + "."


# --- the parts every renderer shows ------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parts:
    """What an answer says, before markup: each markup escapes and wraps these."""

    headline: str
    change: str
    table: tuple[str, ...]
    footer: tuple[str, ...]
    notes: tuple[str, ...]
    empty: bool


def _share(value: int, total: int) -> str:
    if total <= 0:
        return ""
    if value == 0:
        return ""
    fraction = value / total
    if fraction < 0.01:
        return "<1%"
    return f"{fraction * 100:.0f}%"


def _bar(value: int, largest: int) -> str:
    if value <= 0 or largest <= 0:
        return ""
    return "█" * max(1, round(value / largest * _BAR_WIDTH))


def _table(rows: tuple[Row, ...], total: int) -> tuple[str, ...]:
    """Aligned lines: label, value, bar, share of the total."""
    if not rows:
        return ()
    labels = [truncate(clean(row.label) or clean(row.key) or "(none)", _LABEL_WIDTH) for row in rows]
    values = [f"{row.value:,}" for row in rows]
    label_width = max(display_width(label) for label in labels)
    value_width = max(len(value) for value in values)
    largest = max(row.value for row in rows)
    lines = []
    for row, label, value in zip(rows, labels, values, strict=True):
        pad = " " * (label_width - display_width(label))
        bar = _bar(row.value, largest).ljust(_BAR_WIDTH)
        lines.append(f"{label}{pad}  {value:>{value_width}}  {bar}  {_share(row.value, total):>4}".rstrip())
    return tuple(lines)


def _footer(answer: Answer, shown: tuple[Row, ...]) -> tuple[str, ...]:
    i = answer.interpretation
    lines: list[str] = []
    if answer.is_series and shown:
        busiest = max(shown, key=lambda row: row.value)
        if busiest.value > 0:
            label = truncate(clean(busiest.label) or clean(busiest.key), _LABEL_WIDTH)
            lines.append(f"Busiest: {label} ({busiest.value:,})")
    if i.top is not None and not answer.is_series:
        named = group_plural(i.group_by) if i.group_by is not None else "rows"
        line = f"Top {i.top} {named}"
        additive = i.metric is not Metric.UNIQUE_VISITORS
        rest = answer.total - sum(row.value for row in answer.rows)
        if additive and rest > 0:
            line += f" · {rest:,} more {metric_noun(i.metric, rest)} elsewhere"
        lines.append(line)
    return tuple(lines)


def _parts(answer: Answer, *, max_rows: int | None) -> _Parts:
    notes = tuple(clean(note) for note in answer.notes if clean(note))
    if is_empty(answer):
        change = change_phrase(answer) if answer.previous_total else ""
        return _Parts(_empty_message(answer), change, (), (), notes, empty=True)
    rows = answer.rows
    skipped: tuple[str, ...] = ()
    if max_rows is not None and len(rows) > max_rows:
        hidden = len(rows) - max_rows
        if answer.is_series:  # the latest buckets matter most
            rows = rows[-max_rows:]
            skipped = (f"… {hidden} earlier rows not shown",)
        else:
            rows = rows[:max_rows]
    table = skipped + _table(rows, answer.total)
    if max_rows is not None and len(answer.rows) > max_rows and not answer.is_series:
        table += (f"… {len(answer.rows) - max_rows} more rows not shown",)
    return _Parts(
        headline(answer), change_phrase(answer), table, _footer(answer, answer.rows), notes, empty=False
    )


# --- the renderers ------------------------------------------------------------


def render_text(answer: Answer) -> str:
    """Plain text for the command line."""
    parts = _parts(answer, max_rows=None)
    lines = [parts.headline]
    if parts.change:
        lines.append(parts.change)
    if parts.table:
        lines += ["", *parts.table]
    if parts.footer:
        lines += ["", *parts.footer]
    lines += [f"Note: {note}" for note in parts.notes]
    return "\n".join(lines)


def _slack_escape(text: str) -> str:
    """Slack's three control characters; backticks become a look-alike so no user string ends a code block."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "ˋ")


def _mrkdwn(parts: _Parts) -> str:
    esc = _slack_escape
    lines = [esc(parts.headline) if parts.empty else f"*{esc(parts.headline)}*"]
    if parts.change:
        lines.append(esc(parts.change))
    if parts.table:
        lines.append("```\n" + "\n".join(esc(line) for line in parts.table) + "\n```")
    lines += [esc(line) for line in parts.footer]
    lines += [f"_{esc(note)}_" for note in parts.notes]
    return "\n".join(lines)


def _html(parts: _Parts) -> str:
    def esc(text: str) -> str:
        return html.escape(text, quote=False)

    lines = [esc(parts.headline) if parts.empty else f"<b>{esc(parts.headline)}</b>"]
    if parts.change:
        lines.append(esc(parts.change))
    if parts.table:
        lines.append("<pre>" + "\n".join(esc(line) for line in parts.table) + "</pre>")
    lines += [esc(line) for line in parts.footer]
    lines += [f"<i>{esc(note)}</i>" for note in parts.notes]
    return "\n".join(lines)


def _fit(answer: Answer, markup: Callable[[_Parts], str]) -> str:
    """Render for chat, halving the table until the message fits the platform's limit."""
    max_rows = _CHAT_ROWS
    while True:
        message = markup(_parts(answer, max_rows=max_rows))
        if len(message) <= _CHAT_LIMIT or max_rows <= 5:
            return message
        max_rows //= 2


def render_mrkdwn(answer: Answer) -> str:
    """Slack mrkdwn: bold headline, the table in a code block so it stays aligned."""
    return _fit(answer, _mrkdwn)


def render_html(answer: Answer) -> str:
    """Telegram HTML (parse_mode=HTML): <b> headline, the table in <pre>."""
    return _fit(answer, _html)


def answer_to_json(answer: Answer) -> dict[str, object]:
    """A JSON-ready dict for `lantern stats --json` and the HTTP API."""
    i = answer.interpretation
    interpreted: dict[str, object] = {
        "metric": i.metric.value,
        "channels": list(i.channels) if i.channels is not None else None,
        "channel_filter": i.channel_filter,
        "campaign": i.campaign,
        "link": i.link,
        "sharer": i.sharer,
        "domain": i.domain,
        "start": i.start.isoformat(),
        "end": i.end.isoformat(),
        "period": i.period,
        "group_by": i.group_by.value if i.group_by is not None else None,
        "top": i.top,
    }
    return {
        "total": answer.total,
        "previous_total": answer.previous_total,
        "change": answer.change,
        "interpreted": interpreted,
        "rows": [{"key": row.key, "label": row.label, "value": row.value} for row in answer.rows],
        "notes": list(answer.notes),
    }
