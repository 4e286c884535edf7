"""What a dashboard URL asks to see: a period and filters, from `q`, the period picker and clicked rows.

The question in `q` is read first (by the same parser the bots use); the
period picker and the filters of clicked rows then narrow or replace what
it said. Anything unreadable becomes a message shown on the page and the
part is left out — the page itself always renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tracking.core.channels import channels_in, find_channel, find_group
from tracking.core.questions.model import GroupBy, Interpretation, Metric, QuestionNotUnderstood
from tracking.core.questions.parser import parse_question
from tracking.core.questions.periods import midnight

#: The period picker's choices, in the order shown.
PERIODS = ("today", "7d", "30d", "month", "lastmonth", "custom")
DEFAULT_PERIOD = "7d"
#: Query parameters that make up a view (kept when another one changes).
#: Per-day dimensions a clicked row can filter by (one at a time: the roll-up keeps them apart).
DIMENSION_PARAMS = ("country", "device", "browser", "evidence")
VIEW_PARAMS = ("q", "period", "from", "to", "channel", "campaign", "link", "sharer", *DIMENSION_PARAMS)
FILTER_PARAMS = ("channel", "campaign", "link", "sharer", *DIMENSION_PARAMS)
MAX_QUESTION = 300
MAX_CUSTOM_DAYS = 3 * 366


def N_(message: str) -> str:
    """Mark a message for the catalog; the page translates it when it shows it."""
    return message


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the URL that could not be used, said for people (English source text + values)."""

    message: str  # a gettext message id with {placeholders}
    values: Mapping[str, str] = field(default_factory=dict)
    understood: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scope:
    """The period and filters every panel of one page uses."""

    start: datetime
    end: datetime
    period: str  # one of PERIODS, or "question" when the question chose it
    channels: tuple[str, ...] | None = None
    channel_filter: str | None = None
    campaign: str | None = None
    link: str | None = None
    sharer: str | None = None
    domain: str | None = None
    dimension: tuple[str, str] | None = None  # ("country", "FR"), from a clicked row

    def interpretation(
        self,
        metric: Metric,
        group_by: GroupBy | None = None,
        *,
        top: int | None = None,
        channels: tuple[str, ...] | bool | None = True,
    ) -> Interpretation:
        """This scope as a question the stats service answers (`channels` replaces the filter)."""
        return Interpretation(
            metric=metric,
            start=self.start,
            end=self.end,
            period=self.period,
            channels=self.channels if channels is True else (None if channels is False else channels),
            channel_filter=self.channel_filter,
            campaign=self.campaign,
            link=self.link,
            sharer=self.sharer,
            domain=self.domain,
            group_by=group_by,
            top=top,
            dimension=self.dimension,
        )

    @property
    def days(self) -> float:
        """How long the period is, in days."""
        return (self.end - self.start).total_seconds() / 86400


@dataclass(frozen=True, slots=True)
class View:
    """A read URL: its scope, the question (as asked and as understood) and what went wrong."""

    scope: Scope
    params: dict[str, str]
    question: Interpretation | None = None
    problems: tuple[Problem, ...] = ()


def _clean(value: str | None, limit: int = 100) -> str | None:
    text = (value or "").strip()
    return text[:limit] or None


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def period_bounds(period: str, *, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a picker choice (not "custom"), in whole local days."""
    today = now.astimezone(tz).date()
    first, after = {
        "today": (today, today + timedelta(days=1)),
        "7d": (today - timedelta(days=6), today + timedelta(days=1)),
        "30d": (today - timedelta(days=29), today + timedelta(days=1)),
        "month": (today.replace(day=1), today + timedelta(days=1)),
        "lastmonth": ((today.replace(day=1) - timedelta(days=1)).replace(day=1), today.replace(day=1)),
    }[period]
    return midnight(first, tz), midnight(after, tz)


def _custom(params: Mapping[str, str], *, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime] | Problem:
    first, last = _parse_day(params.get("from")), _parse_day(params.get("to"))
    if first is None or last is None:
        return Problem(
            N_("A custom period needs two dates (YYYY-MM-DD); got “{first}” and “{last}”."),
            {"first": params.get("from", "")[:20], "last": params.get("to", "")[:20]},
        )
    if last < first:
        return Problem(
            N_("The custom period ends ({last}) before it starts ({first})."),
            {"first": first.isoformat(), "last": last.isoformat()},
        )
    if (last - first).days > MAX_CUSTOM_DAYS:
        return Problem(N_("A custom period is at most three years long."))
    if first > now.astimezone(tz).date():
        return Problem(N_("The custom period starts in the future ({first})."), {"first": first.isoformat()})
    return midnight(first, tz), midnight(last + timedelta(days=1), tz)


def _channel(scope: Scope, raw: str) -> Scope | Problem:
    groups = find_group(raw)
    if groups is not None:
        names = channels_in(groups)
    elif (found := find_channel(raw)) is not None:
        names = (found.name,)
    else:
        return Problem(N_("No channel or channel group is called “{name}”."), {"name": raw[:40]})
    if scope.channels is not None:  # the question already narrowed it: keep what both allow
        names = tuple(name for name in names if name in scope.channels)
    return replace(scope, channels=names, channel_filter=raw.lower())


def read_view(
    params: Mapping[str, str], *, now: datetime, tz: ZoneInfo, default_question: str | None = None
) -> View:
    """Turn query parameters into a scope; never raises for anything a URL can hold."""
    kept = {name: value[:MAX_QUESTION] for name in VIEW_PARAMS if (value := params.get(name, "").strip())}
    problems: list[Problem] = []
    start, end = period_bounds(DEFAULT_PERIOD, now=now, tz=tz)
    scope = Scope(start=start, end=end, period=DEFAULT_PERIOD)
    question: Interpretation | None = None
    text = kept.get("q") or (default_question or "").strip()
    if text:
        try:
            question = parse_question(text, now=now, tz=tz)
        except QuestionNotUnderstood as error:
            problems.append(
                Problem(
                    N_("The question “{question}” could not be read: {reason}"),
                    {"question": text[:MAX_QUESTION], "reason": error.message},
                    understood=error.understood,
                    suggestions=error.suggestions,
                )
            )
        else:
            scope = Scope(
                start=question.start,
                end=question.end,
                period="question",
                channels=question.channels,
                channel_filter=question.channel_filter,
                campaign=question.campaign,
                link=question.link,
                sharer=question.sharer,
                domain=question.domain,
            )
    period = kept.get("period")
    if period is not None:
        if period not in PERIODS:
            problems.append(Problem(N_("There is no period called “{name}”."), {"name": period[:20]}))
        elif period == "custom":
            bounds = _custom(kept, now=now, tz=tz)
            if isinstance(bounds, Problem):
                problems.append(bounds)
            else:
                scope = replace(scope, start=bounds[0], end=bounds[1], period="custom")
        else:
            start, end = period_bounds(period, now=now, tz=tz)
            scope = replace(scope, start=start, end=end, period=period)
    if (raw := _clean(kept.get("channel"), 40)) is not None:
        narrowed = _channel(scope, raw)
        if isinstance(narrowed, Problem):
            problems.append(narrowed)
        else:
            scope = narrowed
    if (campaign := _clean(kept.get("campaign"), 64)) is not None:
        scope = replace(scope, campaign=campaign)
    if (link := _clean(kept.get("link"), 64)) is not None:
        scope = replace(scope, link=link)
    if (sharer := _clean(kept.get("sharer"), 64)) is not None:
        scope = replace(scope, sharer=sharer.removeprefix("@"))
    dimensions = [(name, found) for name in DIMENSION_PARAMS if (found := _clean(kept.get(name), 64))]
    if len(dimensions) > 1:
        problems.append(
            Problem(
                N_("Only one of country, device, browser and evidence filters at a time; kept {name}."),
                {"name": dimensions[-1][0]},
            )
        )
        for name, _value in dimensions[:-1]:
            kept.pop(name, None)
    if dimensions:
        name, chosen = dimensions[-1]
        scope = replace(scope, dimension=(name, chosen.upper() if name == "country" else chosen))
    if question is not None:
        question = replace(
            question,
            start=scope.start,
            end=scope.end,
            channels=scope.channels,
            channel_filter=scope.channel_filter,
            campaign=scope.campaign,
            link=scope.link,
            sharer=scope.sharer,
            dimension=scope.dimension,
        )
    return View(scope=scope, params=kept, question=question, problems=tuple(problems))
