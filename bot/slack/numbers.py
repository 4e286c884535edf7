"""The fixed questions App Home and unfurls ask, built as Interpretations for the stats service.

They are the same questions a person could type into `/linkstats`, so
they read the same roll-ups and count the same way; this module only
phrases them and merges the answers by link.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from tracking.core.ports import StatsAnswers
from tracking.core.questions.model import GroupBy, Interpretation, Metric, Row
from tracking.core.questions.parser import parse_question

#: How far back App Home lists the links a person made.
RECENT_PERIOD = "last 30 days"


@dataclass(frozen=True, slots=True)
class LinkNumbers:
    """This week's clicks and shares of one link."""

    slug: str
    clicks: int = 0
    shares: int = 0


def _period(text: str, stats: StatsAnswers, now: datetime) -> Interpretation:
    """A plain "clicks <period>" question, to be narrowed with `replace`."""
    return parse_question(f"clicks {text}", now=now, tz=stats.tz)


async def link_clicks_this_week(stats: StatsAnswers, slug: str, *, now: datetime) -> int:
    """Clicks on one link this week (for its unfurl)."""
    question = replace(_period("this week", stats, now), link=slug)
    return (await stats.answer(question, now=now)).total


async def team_top_links(stats: StatsAnswers, *, now: datetime, top: int = 5) -> tuple[Row, ...]:
    """The team's most clicked links this week."""
    question = replace(_period("this week", stats, now), group_by=GroupBy.LINK, top=top)
    return (await stats.answer(question, now=now)).rows


async def my_links(stats: StatsAnswers, handle: str, *, now: datetime, limit: int = 10) -> list[LinkNumbers]:
    """A sharer's links made recently or used this week, busiest first."""
    week = replace(_period("this week", stats, now), sharer=handle, group_by=GroupBy.LINK)
    recent = replace(
        _period(RECENT_PERIOD, stats, now), metric=Metric.LINKS, sharer=handle, group_by=GroupBy.LINK
    )
    made = await stats.answer(recent, now=now)
    clicks = await stats.answer(week, now=now)
    shares = await stats.answer(replace(week, metric=Metric.PREVIEWS), now=now)
    numbers: dict[str, LinkNumbers] = {row.key: LinkNumbers(row.key) for row in made.rows if row.key}
    for row in clicks.rows:
        if row.key:
            numbers[row.key] = replace(numbers.get(row.key, LinkNumbers(row.key)), clicks=row.value)
    for row in shares.rows:
        if row.key:
            numbers[row.key] = replace(numbers.get(row.key, LinkNumbers(row.key)), shares=row.value)
    ordered = sorted(numbers.values(), key=lambda n: (-n.clicks, -n.shares, n.slug))
    return ordered[:limit]
