"""Digests: "weekly monday 9:00 clicks by channel last week" → a schedule and a question.

Runs are computed in the chat's time zone (so "9:00" stays 9:00 across a
daylight-saving change) and stored in UTC; `next_run` is what makes a run
missed while Lantern was down happen once when it comes back, not once per
missed period.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from tracking.core.errors import InvalidInput


class Cadence(StrEnum):
    """How often a digest is posted."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


_CADENCES: dict[str, Cadence] = {
    "daily": Cadence.DAILY, "day": Cadence.DAILY, "quotidien": Cadence.DAILY, "quotidienne": Cadence.DAILY,
    "jour": Cadence.DAILY,
    "weekly": Cadence.WEEKLY, "week": Cadence.WEEKLY, "hebdo": Cadence.WEEKLY,
    "hebdomadaire": Cadence.WEEKLY, "semaine": Cadence.WEEKLY,
    "monthly": Cadence.MONTHLY, "month": Cadence.MONTHLY, "mensuel": Cadence.MONTHLY,
    "mensuelle": Cadence.MONTHLY, "mois": Cadence.MONTHLY,
}  # fmt: skip
_WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "lundi": 0, "tuesday": 1, "tue": 1, "mardi": 1, "wednesday": 2, "wed": 2,
    "mercredi": 2, "thursday": 3, "thu": 3, "jeudi": 3, "friday": 4, "fri": 4, "vendredi": 4,
    "saturday": 5, "sat": 5, "samedi": 5, "sunday": 6, "sun": 6, "dimanche": 6,
}  # fmt: skip
#: Words that only join the schedule's parts ("every", "on the", "at", "chaque", "le", "à").
_GLUE = frozenset(
    {"every", "each", "on", "the", "at", "chaque", "tous", "toutes", "les", "le", "a", "à", "day"}
)
_TIME = re.compile(r"^(\d{1,2})(?:[:h](\d{2})?)?(am|pm)?$")
_MONTHDAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er|e)?$")

EXAMPLES = (
    "weekly monday 9:00 clicks by channel last week",
    "daily 8:30 clicks yesterday",
    "monthly 1st 9:00 top 5 links last month",
)


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a digest runs, in its chat's local time."""

    cadence: Cadence
    hour: int = 9
    minute: int = 0
    weekday: int | None = None  # 0 = Monday, weekly only
    monthday: int | None = None  # 1–28, monthly only

    def describe(self) -> str:
        """`weekly on Monday at 09:00` (the chat adapters translate the parts)."""
        at = f"{self.hour:02d}:{self.minute:02d}"
        if self.cadence is Cadence.WEEKLY:
            day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[
                self.weekday or 0
            ]
            return f"weekly on {day} at {at}"
        if self.cadence is Cadence.MONTHLY:
            return f"monthly on day {self.monthday or 1} at {at}"
        return f"daily at {at}"


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def parse_subscription(text: str) -> tuple[Schedule, str]:
    """Split "weekly monday 9:00 clicks by channel last week" into its schedule and its question."""
    words = text.strip().split()
    cadence: Cadence | None = None
    weekday: int | None = None
    monthday: int | None = None
    clock: tuple[int, int] | None = None
    used = 0
    for index, raw in enumerate(words):
        word = _fold(raw.strip(",;"))
        if cadence is None and word in _CADENCES:
            cadence = _CADENCES[word]
        elif word in _WEEKDAYS and weekday is None:
            weekday = _WEEKDAYS[word]
        elif (
            (found := _TIME.match(word))
            and clock is None
            and (found.group(2) or found.group(3) or "h" in word)
        ):
            hour, minute = int(found.group(1)), int(found.group(2) or 0)
            if found.group(3) == "pm" and hour < 12:
                hour += 12
            if found.group(3) == "am" and hour == 12:
                hour = 0
            if hour > 23 or minute > 59:
                raise InvalidInput(f"{raw!r} is not a time of day; write it like 9:00 or 17:30")
            clock = (hour, minute)
        elif (found := _MONTHDAY.match(word)) and monthday is None and cadence is Cadence.MONTHLY:
            monthday = int(found.group(1))
            if not 1 <= monthday <= 28:
                raise InvalidInput("a monthly digest runs on a day from 1 to 28 (every month has those)")
        elif word in _GLUE:
            pass
        else:
            break
        used = index + 1
    if weekday is not None and cadence is None:
        cadence = Cadence.WEEKLY
    if cadence is None:
        raise InvalidInput(
            "say how often first: daily, weekly or monthly — e.g. " + "; ".join(f"“{e}”" for e in EXAMPLES)
        )
    question = " ".join(words[used:]).strip()
    if not question:
        raise InvalidInput("add the question to post, e.g. “weekly monday 9:00 clicks by channel last week”")
    hour, minute = clock or (9, 0)
    return (
        Schedule(
            cadence=cadence,
            hour=hour,
            minute=minute,
            weekday=(weekday if weekday is not None else 0) if cadence is Cadence.WEEKLY else None,
            monthday=(monthday or 1) if cadence is Cadence.MONTHLY else None,
        ),
        question,
    )


def _local(day: datetime, schedule: Schedule, tz: ZoneInfo) -> datetime:
    return datetime.combine(day.date(), time(schedule.hour, schedule.minute), tzinfo=tz)


def next_run(schedule: Schedule, *, after: datetime, tz: ZoneInfo) -> datetime:
    """The first run strictly after `after`, as an aware datetime in `tz`."""
    local_after = after.astimezone(tz)
    day = local_after.replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(400):
        if schedule.cadence is Cadence.DAILY:
            fits = True
        elif schedule.cadence is Cadence.WEEKLY:
            fits = day.weekday() == schedule.weekday
        else:
            fits = day.day == schedule.monthday
        if fits:
            candidate = _local(day, schedule, tz)
            if candidate > local_after:
                return candidate
        day = (day + timedelta(days=1, hours=2)).replace(hour=0)  # plus two hours: safe across DST
    raise AssertionError("no run within 400 days")  # unreachable: every schedule fits within a month


def is_late(scheduled: datetime, now: datetime) -> bool:
    """A run more than ten minutes behind its time was missed while Lantern was down."""
    return now - scheduled > timedelta(minutes=10)
