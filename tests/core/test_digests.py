"""Digest schedules: what people type, and when the next run falls (time zones, DST, month ends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracking.core.digests import Cadence, Schedule, is_late, next_run, parse_subscription
from tracking.core.errors import InvalidInput

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("text", "schedule", "question"),
    [
        ("weekly monday 9:00 clicks by channel last week", Schedule(Cadence.WEEKLY, 9, 0, weekday=0),
         "clicks by channel last week"),
        ("daily 8:30 clicks yesterday", Schedule(Cadence.DAILY, 8, 30), "clicks yesterday"),
        ("every day at 7am clicks yesterday", Schedule(Cadence.DAILY, 7, 0), "clicks yesterday"),
        ("monthly 1st 9:00 top 5 links last month", Schedule(Cadence.MONTHLY, 9, 0, monthday=1),
         "top 5 links last month"),
        ("monthly on the 15th at 18:00 clicks last month", Schedule(Cadence.MONTHLY, 18, 0, monthday=15),
         "clicks last month"),
        ("every friday at 5pm top sharers this week", Schedule(Cadence.WEEKLY, 17, 0, weekday=4),
         "top sharers this week"),
        ("weekly top 5 links last week", Schedule(Cadence.WEEKLY, 9, 0, weekday=0), "top 5 links last week"),
        ("chaque lundi à 9h clics par canal la semaine dernière", Schedule(Cadence.WEEKLY, 9, 0, weekday=0),
         "clics par canal la semaine dernière"),
        ("hebdomadaire vendredi 17h30 clics cette semaine", Schedule(Cadence.WEEKLY, 17, 30, weekday=4),
         "clics cette semaine"),
        ("quotidien 8h clics hier", Schedule(Cadence.DAILY, 8, 0), "clics hier"),
        ("mensuel 1er 9h top 5 des liens le mois dernier", Schedule(Cadence.MONTHLY, 9, 0, monthday=1),
         "top 5 des liens le mois dernier"),
    ],
)  # fmt: skip
def test_what_people_type(text: str, schedule: Schedule, question: str) -> None:
    assert parse_subscription(text) == (schedule, question)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("clicks by channel last week", "how often"),
        ("weekly monday 9:00", "add the question"),
        ("daily 25:00 clicks", "not a time of day"),
        ("monthly 31st 9:00 clicks", "1 to 28"),
    ],
)
def test_refusals_say_what_is_missing(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        parse_subscription(text)


def test_weekly_runs_stay_at_nine_local_across_the_dst_change() -> None:
    schedule = Schedule(Cadence.WEEKLY, 9, 0, weekday=0)
    before = next_run(schedule, after=datetime(2026, 10, 20, tzinfo=UTC), tz=PARIS)
    after = next_run(schedule, after=before, tz=PARIS)
    assert before == datetime(2026, 10, 26, 9, 0, tzinfo=PARIS)  # the Monday after the change
    assert before.astimezone(UTC).hour == 8  # winter time: UTC+1
    assert after == datetime(2026, 11, 2, 9, 0, tzinfo=PARIS)
    spring = next_run(schedule, after=datetime(2026, 3, 25, tzinfo=UTC), tz=PARIS)
    assert spring.astimezone(UTC).hour == 7  # summer time: UTC+2


def test_the_next_run_is_strictly_after_now() -> None:
    schedule = Schedule(Cadence.DAILY, 9, 0)
    at_nine = datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
    assert next_run(schedule, after=at_nine, tz=PARIS) == at_nine + timedelta(days=1)
    assert next_run(schedule, after=at_nine - timedelta(seconds=1), tz=PARIS) == at_nine


def test_monthly_runs_skip_to_next_month_and_year() -> None:
    schedule = Schedule(Cadence.MONTHLY, 9, 0, monthday=1)
    assert next_run(schedule, after=datetime(2026, 12, 1, 12, tzinfo=UTC), tz=PARIS) == datetime(
        2027, 1, 1, 9, 0, tzinfo=PARIS
    )


def test_a_missed_run_is_late_after_ten_minutes() -> None:
    scheduled = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert not is_late(scheduled, scheduled + timedelta(minutes=9))
    assert is_late(scheduled, scheduled + timedelta(hours=3))
