"""Time phrases of the question language, read into [start, end) between local midnights.

Why a module of its own: every boundary is a midnight in the configured zone,
built with `datetime(..., tzinfo=tz)` from calendar dates, so a DST change
never shifts a day; rolling hours are the only periods measured in elapsed
time (through UTC). Semantics, one line each:

- `today` / `yesterday`: that local calendar day.
- `this week|month|year`: the whole calendar period containing now (weeks
  start on Monday); the end may lie in the future — nothing is counted there.
- `last|previous week|month|year`: the whole calendar period before this one.
- `last|past N hours` (`last hour`): from exactly N elapsed hours before now to now.
- `last|past N days`: N whole calendar days ending with today (start of the day
  N-1 days ago to the start of tomorrow); the default period is `last 7 days`.
- `last|past N weeks`: the same as `last 7·N days`.
- `last|past N months|years`: whole days from the day after the same date N
  months (years) ago, clamped to the month's length, through today.
- `past week|month|year` (no number): rolling, like `last 1 week|month|year`.
- `since X`: from the start of X to the start of tomorrow; X is a weekday (the
  most recent one, today if today is that day), a date, a month, a year,
  `yesterday`, or `this|last week|month|year`.
- `in october` / `october`: that whole month, the most recent one whose first
  day is not after today; `in october 2025` / `in 2026-10` name the year.
- `in|during|for 2026`: that whole calendar year.
- `on 2026-11-20` / `on nov 20` / `20 november` / `monday` / `on monday`: that
  one day; a weekday is the most recent one (today included); `last monday`
  is the most recent one before today.
- `between A and B` / `from A to B` / `A to B`: whole days A through B
  inclusive; A is the most recent such day, B the first such day on or after A.
- `from A` (no end): the same as `since A`.
- Dates without a year (`nov 2`) are the most recent one not after today.
- A period that starts after now (`tomorrow`, `next week`, `in 2027` while it is
  2026) is refused, as is one starting before 1970.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_SMALL_NUMBERS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_UNITS: dict[str, str] = {
    "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour",
    "day": "day", "days": "day",
    "week": "week", "weeks": "week", "wk": "week", "wks": "week",
    "month": "month", "months": "month",
    "year": "year", "years": "year", "yr": "year", "yrs": "year",
}  # fmt: skip
_CALENDAR_UNITS = frozenset({"week", "month", "year"})
_LAST = frozenset({"last", "previous", "prev"})
_ROLLING = frozenset({"last", "past", "previous", "prev"})
_THIS = frozenset({"this", "current"})
_RANGE_TO = frozenset({"to", "until", "till", "through", "thru", "-", "–"})
_MONTH_PREFIXES = frozenset({"in", "during", "for", "throughout", "of"})

#: Words that only make sense inside a time phrase; the parser never reads them as names.
PERIOD_WORDS: frozenset[str] = frozenset(
    {
        *WEEKDAYS,
        *MONTHS,
        *_SMALL_NUMBERS,
        *_UNITS,
        *_LAST,
        *_ROLLING,
        *_THIS,
        *_RANGE_TO,
        "today",
        "yesterday",
        "tomorrow",
        "next",
        "since",
        "between",
    }
)

_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_YEAR = re.compile(r"[0-9]{4}")
_DAY = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?")
_DIGITS = re.compile(r"[0-9]{1,6}")
_FIRST_YEAR = 1970


@dataclass(frozen=True, slots=True)
class Period:
    """A period [start, end) in the configured zone and the label it was asked by."""

    start: datetime
    end: datetime
    label: str


class PeriodError(Exception):
    """A time phrase that names no usable period; `end` is the index just after it."""

    def __init__(self, message: str, *, words: tuple[str, ...], end: int) -> None:
        super().__init__(message)
        self.message = message
        self.words = words
        self.end = end


@dataclass(frozen=True, slots=True)
class _DayRef:
    """A day as written: a full date, a month and day without year, or a weekday."""

    exact: date | None = None
    month_day: tuple[int, int] | None = None
    weekday: int | None = None
    before_today: bool = False  # "last monday": strictly before today


def number(word: str) -> int | None:
    """A count written in digits (at most six) or as a small English word ("seven", "twenty-four")."""
    if _DIGITS.fullmatch(word):
        return int(word)
    if word in _SMALL_NUMBERS:
        return _SMALL_NUMBERS[word]
    tens, dash, units = word.partition("-")
    if dash and tens in _SMALL_NUMBERS and units in _SMALL_NUMBERS:
        high, low = _SMALL_NUMBERS[tens], _SMALL_NUMBERS[units]
        if high in {20, 30, 40, 50, 60, 70, 80, 90} and low < 10:
            return high + low
    return None


def midnight(day: date, tz: ZoneInfo) -> datetime:
    """The local start of `day`; where midnight does not exist, the first instant that does."""
    local = datetime.combine(day, time(0), tzinfo=tz)
    return local.astimezone(UTC).astimezone(tz)


def default_period(now: datetime, tz: ZoneInfo) -> Period:
    """What a question without a time phrase covers: the last 7 days."""
    today = now.astimezone(tz).date()
    return _days_to_today(today - timedelta(days=6), today, tz, "last 7 days")


def read_period(words: Sequence[str], i: int, now: datetime, tz: ZoneInfo) -> tuple[int, Period] | None:
    """Read a time phrase starting at words[i] (lower-case): (words used, period), or None.

    Raises PeriodError for a phrase that is recognisably about time but names
    an impossible, empty, inverted, future-only or too early period.
    """
    reader = _Reader(words, now.astimezone(tz), tz)
    try:
        found = reader.any_period(i)
    except (OverflowError, ValueError):  # a date at the very edge of what datetime can hold
        raise PeriodError(
            f"“{' '.join(words[i : i + 3])}” is beyond the dates I can count.", words=(words[i],), end=i + 1
        ) from None
    if found is None:
        return None
    used, period = found
    if period.start > reader.now:
        phrase = " ".join(words[i : i + used])
        raise PeriodError(
            f"“{phrase}” is still in the future, so there is nothing to count yet.",
            words=tuple(words[i : i + used]),
            end=i + used,
        )
    if period.start.year < _FIRST_YEAR:
        phrase = " ".join(words[i : i + used])
        raise PeriodError(
            f"“{phrase}” reaches back before {_FIRST_YEAR}; ask about a shorter period.",
            words=tuple(words[i : i + used]),
            end=i + used,
        )
    return used, period


def span_text(start: datetime, end: datetime) -> str:
    """The days (or times) a period covers, for people, e.g. Mon 23 Nov to Sun 29 Nov 2026."""
    tz = start.tzinfo
    end = end.astimezone(tz)
    if start.time() == time(0) and end.time() == time(0):
        first, last = start.date(), end.date() - timedelta(days=1)
        if first >= last:
            return _day_text(first, with_year=True)
        return f"{_day_text(first, with_year=first.year != last.year)} – {_day_text(last, with_year=True)}"
    first_text, last_text = _day_text(start.date(), with_year=True), _day_text(end.date(), with_year=True)
    return f"{first_text} {start:%H:%M} – {last_text} {end:%H:%M}"


def _day_text(day: date, *, with_year: bool) -> str:
    text = f"{day:%a} {day.day} {day:%b}"
    return f"{text} {day.year}" if with_year else text


def _days_to_today(first: date, today: date, tz: ZoneInfo, label: str) -> Period:
    return Period(midnight(first, tz), midnight(today + timedelta(days=1), tz), label)


def _whole_days(first: date, last: date, tz: ZoneInfo, label: str) -> Period:
    return Period(midnight(first, tz), midnight(last + timedelta(days=1), tz), label)


def _shift_months(day: date, months: int) -> date:
    """The same day-of-month `months` later (negative: earlier), clamped to the month's length."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year = day.year + years
    if year < 1:
        raise ValueError("before year 1")
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _calendar_bounds(unit: str, today: date, offset: int) -> tuple[date, date]:
    """First day of the calendar week/month/year `offset` periods from today's, and of the next one."""
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(weeks=1)
    if unit == "month":
        first = _shift_months(_month_start(today.year, today.month), offset)
        return first, _shift_months(first, 1)
    first = date(today.year + offset, 1, 1)
    return first, date(first.year + 1, 1, 1)


def _month_name(month: int) -> str:
    return calendar.month_name[month]


def _weekday_name(weekday: int) -> str:
    return calendar.day_name[weekday]


class _Reader:
    """Pattern readers over one question's words; each returns (words used, period) or None."""

    def __init__(self, words: Sequence[str], now: datetime, tz: ZoneInfo) -> None:
        self.words = words
        self.now = now
        self.tz = tz
        self.today = now.date()

    def word(self, j: int) -> str:
        return self.words[j] if 0 <= j < len(self.words) else ""

    def any_period(self, i: int) -> tuple[int, Period] | None:
        for pattern in (
            self.calendar_period,
            self.rolling_period,
            self.since,
            self.day_range,
            self.single_day,
            self.month,
            self.year,
        ):
            found = pattern(i)
            if found is not None:
                return found
        return None

    # -- today, yesterday, this/last/next week|month|year ---------------------------------

    def calendar_period(self, i: int) -> tuple[int, Period] | None:
        first = self.word(i)
        offsets = {"today": 0, "yesterday": -1, "tomorrow": 1}
        if first in offsets:
            day = self.today + timedelta(days=offsets[first])
            return 1, _whole_days(day, day, self.tz, first)
        unit = _UNITS.get(self.word(i + 1))
        if unit not in _CALENDAR_UNITS:
            return None
        assert unit is not None
        if first in _THIS or first in _LAST or first == "next":
            offset = 0 if first in _THIS else (-1 if first in _LAST else 1)
            start, end = _calendar_bounds(unit, self.today, offset)
            word = "this" if offset == 0 else ("last" if offset < 0 else "next")
            return 2, Period(midnight(start, self.tz), midnight(end, self.tz), f"{word} {unit}")
        if first == "past" and self.word(i + 1) == unit:
            return 2, self.rolling(1, unit, f"past {unit}", i, 2)
        return None

    # -- last/past N hours|days|weeks|months|years ----------------------------------------

    def rolling_period(self, i: int) -> tuple[int, Period] | None:
        first = self.word(i)
        if first not in _ROLLING and first != "next":
            return None
        count = number(self.word(i + 1))
        if count is not None and self.word(i + 2) in _UNITS:
            unit, used = _UNITS[self.word(i + 2)], 3
        elif first in {"last", "past"} and self.word(i + 1) in {"hour", "hr"}:
            count, unit, used = 1, "hour", 2
        else:
            return None
        if count == 0:
            raise PeriodError(
                f"“{' '.join(self.words[i : i + used])}” is an empty period; ask about at least one {unit}.",
                words=tuple(self.words[i : i + used]),
                end=i + used,
            )
        if first == "next":
            start = self.today + timedelta(days=1)
            return used, _whole_days(start, start, self.tz, f"next {count} {unit}s")
        label = f"last {count} {unit}" + ("" if count == 1 else "s")
        return used, self.rolling(count, unit, label, i, used)

    def rolling(self, count: int, unit: str, label: str, i: int, used: int) -> Period:
        """The N units ending now (hours) or ending with today (whole days)."""
        try:
            if unit == "hour":
                start = (self.now.astimezone(UTC) - timedelta(hours=count)).astimezone(self.tz)
                return Period(start, self.now, label)
            if unit in {"day", "week"}:
                days = count * (7 if unit == "week" else 1)
                return _days_to_today(self.today - timedelta(days=days - 1), self.today, self.tz, label)
            months = count * (12 if unit == "year" else 1)
            first = _shift_months(self.today, -months) + timedelta(days=1)
            return _days_to_today(first, self.today, self.tz, label)
        except (OverflowError, ValueError):
            raise PeriodError(
                f"“{' '.join(self.words[i : i + used])}” reaches back too far; ask about a shorter period.",
                words=tuple(self.words[i : i + used]),
                end=i + used,
            ) from None

    # -- since X, from X ------------------------------------------------------------------

    def since(self, i: int) -> tuple[int, Period] | None:
        if self.word(i) != "since":
            return None
        for pattern in (self.calendar_period, self.single_day, self.month, self.year):
            found = pattern(i + 1)
            if found is not None:
                used, period = found
                return used + 1, self.since_period(period.start, period.label)
        return None

    def since_period(self, start: datetime, label: str) -> Period:
        end = midnight(self.today + timedelta(days=1), self.tz)
        return Period(start, end, "since " + label.removeprefix("on ").removeprefix("in "))

    # -- between A and B, from A to B, A to B ------------------------------------------------

    def day_range(self, i: int) -> tuple[int, Period] | None:
        lead = self.word(i)
        j = i + 1 if lead in {"between", "from"} else i
        first = self.day_ref(j)
        if first is None:
            return None
        first_used, first_ref = first
        k = j + first_used
        joiner = self.word(k)
        if not (joiner in _RANGE_TO or (lead == "between" and joiner == "and")):
            if lead == "from":
                start = self.resolve_recent(first_ref, i, k)
                return k - i, self.since_period(midnight(start, self.tz), start.isoformat())
            return None
        second = self.day_ref(k + 1)
        if second is None:
            return None
        second_used, second_ref = second
        end_index = k + 1 + second_used
        start = self.resolve_recent(first_ref, i, end_index)
        last = self.resolve_after(second_ref, start, i, end_index)
        if last < start:
            raise PeriodError(
                f"“{' '.join(self.words[i:end_index])}” ends before it starts.",
                words=tuple(self.words[i:end_index]),
                end=end_index,
            )
        label = (
            f"between {start.isoformat()} and {last.isoformat()}"
            if lead == "between"
            else f"from {start.isoformat()} to {last.isoformat()}"
        )
        return end_index - i, _whole_days(start, last, self.tz, label)

    # -- one day: on 2026-11-20, nov 20, monday, last monday --------------------------------

    def single_day(self, i: int) -> tuple[int, Period] | None:
        j = i + 1 if self.word(i) in {"on", "for"} else i
        found = self.day_ref(j)
        if found is None:
            return None
        used, ref = found
        day = self.resolve_recent(ref, i, j + used)
        if ref.weekday is not None:
            label = ("last " if ref.before_today else "on ") + _weekday_name(ref.weekday)
        elif ref.exact == self.today and self.word(j) == "today":
            label = "today"
        elif ref.exact == self.today - timedelta(days=1) and self.word(j) == "yesterday":
            label = "yesterday"
        else:
            label = f"on {day.isoformat()}"
        return j + used - i, _whole_days(day, day, self.tz, label)

    def day_ref(self, j: int) -> tuple[int, _DayRef] | None:
        """A day as written at words[j]: today, yesterday, an ISO date, nov 2 [2026], 2 nov, a weekday."""
        word = self.word(j)
        if word in {"today", "yesterday"}:
            return 1, _DayRef(exact=self.today - timedelta(days=0 if word == "today" else 1))
        if word in WEEKDAYS:
            return 1, _DayRef(weekday=WEEKDAYS[word])
        if word == "last" and self.word(j + 1) in WEEKDAYS:
            return 2, _DayRef(weekday=WEEKDAYS[self.word(j + 1)], before_today=True)
        iso = _ISO_DAY.fullmatch(word)
        if iso:
            year, month, day = (int(part) for part in iso.groups())
            return 1, _DayRef(exact=self.checked_date(year, month, day, j, j + 1))
        if word in MONTHS and _DAY.fullmatch(self.word(j + 1)):
            return self.month_day(MONTHS[word], self.word(j + 1), j, j + 2)
        if _DAY.fullmatch(word):
            k = j + 2 if self.word(j + 1) == "of" else j + 1
            if self.word(k) in MONTHS:
                return self.month_day(MONTHS[self.word(k)], word, j, k + 1)
        return None

    def month_day(self, month: int, day_word: str, j: int, k: int) -> tuple[int, _DayRef]:
        """nov 2 / 2nd of november, with an optional year right after (k is the index after the day)."""
        matched = _DAY.fullmatch(day_word)
        assert matched is not None
        day = int(matched.group(1))
        if _YEAR.fullmatch(self.word(k)):
            return k + 1 - j, _DayRef(exact=self.checked_date(int(self.word(k)), month, day, j, k + 1))
        if not 1 <= day <= calendar.monthrange(2000, month)[1]:  # 2000 is a leap year: Feb 29 exists
            raise PeriodError(
                f"{_month_name(month)} {day} is not a date.", words=tuple(self.words[j:k]), end=k
            )
        return k - j, _DayRef(month_day=(month, day))

    def checked_date(self, year: int, month: int, day: int, j: int, end: int) -> date:
        try:
            if year > 9998:  # the day after must still fit in a datetime
                raise ValueError(year)
            return date(year, month, day)
        except ValueError:
            raise PeriodError(
                f"“{' '.join(self.words[j:end])}” is not a date.", words=tuple(self.words[j:end]), end=end
            ) from None

    def resolve_recent(self, ref: _DayRef, i: int, end: int) -> date:
        """The day a reference means looking back from today (today included unless "last")."""
        if ref.exact is not None:
            return ref.exact
        if ref.weekday is not None:
            back = (self.today.weekday() - ref.weekday) % 7
            return self.today - timedelta(days=back or (7 if ref.before_today else 0))
        return self.month_day_near(ref, self.today, i, end, backwards=True)

    def resolve_after(self, ref: _DayRef, anchor: date, i: int, end: int) -> date:
        """The day a range's end means: the first such day on or after its start."""
        if ref.exact is not None:
            return ref.exact
        if ref.weekday is not None and not ref.before_today:
            return anchor + timedelta(days=(ref.weekday - anchor.weekday()) % 7)
        if ref.weekday is not None:
            return self.resolve_recent(ref, i, end)
        return self.month_day_near(ref, anchor, i, end, backwards=False)

    def month_day_near(self, ref: _DayRef, anchor: date, i: int, end: int, *, backwards: bool) -> date:
        """The nearest valid month/day on or before (after) anchor; Feb 29 skips to a leap year."""
        assert ref.month_day is not None
        month, day = ref.month_day
        step = -1 if backwards else 1
        for years in range(9):
            year = anchor.year + step * years
            if day <= calendar.monthrange(year, month)[1]:
                found = date(year, month, day)
                if (found <= anchor) if backwards else (found >= anchor):
                    return found
        raise PeriodError(  # pragma: no cover - every month/day recurs within 8 years
            "That date does not recur.", words=tuple(self.words[i:end]), end=end
        )

    # -- in october [2026], in 2026-10, in 2026 ---------------------------------------------

    def prefixed(self, i: int) -> tuple[int, bool]:
        """Skip an "in"/"during"/… before a month or year; right after "since" none is needed."""
        if self.word(i) in _MONTH_PREFIXES:
            return i + 1, True
        return i, self.word(i - 1) == "since"

    def month(self, i: int) -> tuple[int, Period] | None:
        j, prefixed = self.prefixed(i)
        word = self.word(j)
        iso = _ISO_MONTH.fullmatch(word)
        if iso:
            year, month = int(iso.group(1)), int(iso.group(2))
            if not 1 <= month <= 12:
                raise PeriodError(f"“{word}” is not a month.", words=(word,), end=j + 1)
            used = j + 1 - i
        elif word in MONTHS and (prefixed or word != "may"):  # a bare "may" is too often a verb
            month = MONTHS[word]
            if _YEAR.fullmatch(self.word(j + 1)):
                year, used = int(self.word(j + 1)), j + 2 - i
            else:
                year = self.today.year if month <= self.today.month else self.today.year - 1
                used = j + 1 - i
        else:
            return None
        if not 1 <= year <= 9998:
            raise PeriodError(f"“{word} {year}” is not a month I can count.", words=(word,), end=i + used)
        first = _month_start(year, month)
        period = Period(
            midnight(first, self.tz),
            midnight(_shift_months(first, 1), self.tz),
            f"in {_month_name(month)} {year}",
        )
        return used, period

    def year(self, i: int) -> tuple[int, Period] | None:
        j, prefixed = self.prefixed(i)
        if not prefixed or not _YEAR.fullmatch(self.word(j)):
            return None
        year = int(self.word(j))
        if not 1 <= year <= 9998:
            raise PeriodError(f"“{year}” is not a year I can count.", words=(self.word(j),), end=j + 1)
        return j + 1 - i, _whole_days(date(year, 1, 1), date(year, 12, 31), self.tz, f"in {year}")
