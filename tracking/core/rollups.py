"""Roll-ups: what each visit adds to the hourly and daily counters stats read.

Stats never scan raw visits (except unique visitors), so an answer costs
the same at ten million visits as at ten thousand, and survives pruning.
The same counts are kept at several grains (every link and channel; all
links per channel; all channels per link) so each question reads the
smallest table that can answer it.
Days are local days of the configured time zone, so every question's whole
days read exact daily counters; hours are UTC hours for sub-day periods.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tracking.core.attribution import fetcher_of
from tracking.core.visits import Visit

#: Breakdowns kept per day beside the plain counters (not per hour: nobody asks "by browser by hour").
#: "fetcher" is the kind of fetcher (person, email-scanner, link-preview, search-crawler…), derived
#: from the verdict; it is counted from rules version FETCHER_SINCE on (`lantern reclassify` backfills).
#: "evidence" is the signal that attributed the visit (the dashboard's "how each click was attributed").
DIMENSIONS = ("country", "device", "browser", "fetcher", "evidence")
FETCHER_SINCE = 2
UNKNOWN = ""


def dimension_value(visit: Visit, dimension: str) -> str:
    """The value a visit counts under for one dimension ("" when unknown)."""
    if dimension == "fetcher":
        return fetcher_of(visit).value
    value = getattr(visit, dimension)
    return str(value) if value else UNKNOWN


@dataclass(frozen=True, slots=True)
class HourKey:
    """A UTC hour's counter of one link, kind and channel."""

    hour: datetime
    link_id: int
    kind: str
    channel: str


@dataclass(frozen=True, slots=True)
class DayKey:
    """A local day's counter of one link, kind and channel."""

    day: date
    link_id: int
    kind: str
    channel: str


@dataclass(frozen=True, slots=True)
class DimKey:
    """A local day's counter of one link, kind and channel for one value of a dimension."""

    day: date
    link_id: int
    kind: str
    channel: str
    dimension: str
    value: str


@dataclass(frozen=True, slots=True)
class TotalKey:
    """A local day's counter of one kind and channel over every link (most questions read only this)."""

    day: date
    kind: str
    channel: str


@dataclass(frozen=True, slots=True)
class LinkDayKey:
    """A local day's counter of one link and kind over every channel ("top links", campaigns, sharers)."""

    day: date
    link_id: int
    kind: str


@dataclass(slots=True)
class RollupDelta:
    """Counter changes for one batch; negative counts undo a visit (re-classification)."""

    hourly: Counter[HourKey]
    daily: Counter[DayKey]
    dims: Counter[DimKey]
    totals: Counter[TotalKey]
    link_days: Counter[LinkDayKey]

    @classmethod
    def empty(cls) -> RollupDelta:
        """No changes."""
        return cls(Counter(), Counter(), Counter(), Counter(), Counter())

    def add(self, visit: Visit, tz: ZoneInfo, sign: int = 1, *, with_fetcher: bool = True) -> None:
        """Count (or, with sign -1, uncount) one visit; `with_fetcher` False: it never had that dimension."""
        kind = visit.kind.value
        hour = visit.at.replace(minute=0, second=0, microsecond=0)
        day = visit.at.astimezone(tz).date()
        self.hourly[HourKey(hour, visit.link_id, kind, visit.channel)] += sign
        self.daily[DayKey(day, visit.link_id, kind, visit.channel)] += sign
        self.totals[TotalKey(day, kind, visit.channel)] += sign
        self.link_days[LinkDayKey(day, visit.link_id, kind)] += sign
        for dimension in DIMENSIONS:
            if dimension == "fetcher" and not with_fetcher:
                continue
            value = dimension_value(visit, dimension)
            self.dims[DimKey(day, visit.link_id, kind, visit.channel, dimension, value)] += sign

    def add_fetcher(self, visit: Visit, tz: ZoneInfo) -> None:
        """Count only the fetcher dimension of a visit stored before it existed (re-classification)."""
        day = visit.at.astimezone(tz).date()
        key = DimKey(day, visit.link_id, visit.kind.value, visit.channel, "fetcher", fetcher_of(visit).value)
        self.dims[key] += 1

    def drop_zeros(self) -> None:
        """Forget keys whose changes cancelled out."""
        for counter in (self.hourly, self.daily, self.dims, self.totals, self.link_days):
            for key in [k for k, v in counter.items() if v == 0]:
                del counter[key]


def rollup_delta(visits: Iterable[Visit], tz: ZoneInfo) -> RollupDelta:
    """The counter increments a batch of new visits causes.

    Visits in one batch are mostly alike (the same link, hour and app), so
    they are counted by what distinguishes them first and expanded into the
    seven counters once per distinct kind of visit, not once per visit.
    """
    alike: Counter[tuple[datetime, date, int, str, str, str, str, str, str, str]] = Counter(
        (
            visit.at.replace(minute=0, second=0, microsecond=0),
            visit.at.astimezone(tz).date(),  # per visit: zones with half-hour offsets split UTC hours
            visit.link_id,
            visit.kind.value,
            visit.channel,
            visit.country or UNKNOWN,
            visit.device or UNKNOWN,
            visit.browser or UNKNOWN,
            fetcher_of(visit).value,
            visit.evidence,
        )
        for visit in visits
    )
    delta = RollupDelta.empty()
    for (
        hour,
        day,
        link_id,
        kind,
        channel,
        country,
        device,
        browser,
        fetcher,
        evidence,
    ), count in alike.items():
        delta.hourly[HourKey(hour, link_id, kind, channel)] += count
        delta.daily[DayKey(day, link_id, kind, channel)] += count
        delta.totals[TotalKey(day, kind, channel)] += count
        delta.link_days[LinkDayKey(day, link_id, kind)] += count
        for dimension, value in (
            ("country", country),
            ("device", device),
            ("browser", browser),
            ("fetcher", fetcher),
            ("evidence", evidence),
        ):
            delta.dims[DimKey(day, link_id, kind, channel, dimension, value)] += count
    return delta
