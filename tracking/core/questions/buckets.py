"""How many buckets an answer may have: a series too fine for its period is coarsened, or refused.

Every bucket costs work on the server and a bar or point on the chart;
`clicks by hour since 1970` would be half a million of them. A time series
keeps at most `MAX_BUCKETS`: a grain that would need more is replaced by the
finest coarser one that fits (hour → day → week → month) and the answer says
so; when not even months fit, the question is refused with questions that
can be answered instead. Breakdowns (by link, by sharer, …) keep at most
`MAX_ROWS` rows, the largest first.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from tracking.core.errors import InvalidInput
from tracking.core.questions.model import GroupBy, Interpretation

#: Most points a time series may have (41 days by hour, 2.7 years by day, 83 years by month).
MAX_BUCKETS = 1000
#: Most rows a breakdown keeps (the largest first); the total still counts everything.
MAX_ROWS = 1000
_FINER_TO_COARSER = (GroupBy.HOUR, GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH)


def series_buckets(group: GroupBy, start: datetime, last: datetime) -> int:
    """Buckets a series of `group` needs to cover [start, last) (an upper bound, off by at most one)."""
    span = max(last - start, timedelta(0))
    if group is GroupBy.HOUR:
        return int(span / timedelta(hours=1)) + 2
    if group is GroupBy.DAY:
        return span.days + 2
    if group is GroupBy.WEEK:
        return span.days // 7 + 2
    return (last.year - start.year) * 12 + (last.month - start.month) + 1


def fit_series(interpretation: Interpretation, now: datetime) -> tuple[Interpretation, str | None]:
    """The interpretation with a grain that fits MAX_BUCKETS, and a note when the grain was changed.

    Raises InvalidInput (with questions to ask instead) when even months are too many.
    """
    group = interpretation.group_by
    if group is None or not group.is_time:
        return interpretation, None
    last = min(interpretation.end, max(now, interpretation.start))
    start = interpretation.start
    wanted = series_buckets(group, start, last)
    if wanted <= MAX_BUCKETS:
        return interpretation, None
    for coarser in _FINER_TO_COARSER[_FINER_TO_COARSER.index(group) + 1 :]:
        if series_buckets(coarser, start, last) <= MAX_BUCKETS:
            note = (
                f"by {group.value} would make {wanted:,} points; "
                f"shown by {coarser.value} instead (at most {MAX_BUCKETS:,} points)"
            )
            return replace(interpretation, group_by=coarser), note
    raise InvalidInput(
        f"“{interpretation.period}” is too long to break down over time: even by month it would make "
        f"{series_buckets(GroupBy.MONTH, start, last):,} points (at most {MAX_BUCKETS:,}). "
        "Ask for the total without “by …”, or a shorter period, e.g. "
        f"“{interpretation.metric.value} by month since {max(start.year, last.year - 10)}”."
    )
