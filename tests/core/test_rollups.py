"""Roll-up deltas: the batch shortcut counts exactly what counting visit by visit counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.builders import a_visit
from tracking.core.attribution import VisitKind
from tracking.core.rollups import DayKey, HourKey, RollupDelta, TotalKey, rollup_delta
from tracking.core.visits import Visit


def visit(
    at: datetime,
    *,
    link: int = 1,
    kind: VisitKind = VisitKind.CLICK,
    channel: str = "whatsapp",
    device: str | None = "mobile",
    country: str | None = "DE",
) -> Visit:
    return a_visit(link_id=link, at=at, kind=kind, channel=channel, device=device, country=country, os="iOS")


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kolkata", "America/New_York", "UTC"])
def test_batch_delta_equals_visit_by_visit(zone: str) -> None:
    tz = ZoneInfo(zone)
    rng = random.Random(3)
    start = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)  # spans Berlin's DST change
    visits = [
        visit(
            start + timedelta(minutes=rng.randrange(60 * 30)),
            link=rng.randint(1, 3),
            kind=rng.choice(list(VisitKind)),
            channel=rng.choice(["whatsapp", "email"]),
            device=rng.choice(["mobile", None]),
            country=rng.choice(["DE", None]),
        )
        for _ in range(3000)
    ]
    one_by_one = RollupDelta.empty()
    for v in visits:
        one_by_one.add(v, tz)
    batch = rollup_delta(visits, tz)
    for name in ("hourly", "daily", "dims", "totals", "link_days"):
        assert getattr(batch, name) == getattr(one_by_one, name), name
    assert sum(batch.totals.values()) == len(visits)


def test_local_days_follow_the_zone() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # +05:30: local midnight falls mid-way through a UTC hour
    late = visit(datetime(2026, 11, 20, 18, 45, tzinfo=UTC))  # 00:15 on the 21st in Kolkata
    delta = rollup_delta([late], kolkata)
    assert list(delta.daily) == [DayKey(datetime(2026, 11, 21).date(), 1, "click", "whatsapp")]
    assert list(delta.hourly) == [HourKey(datetime(2026, 11, 20, 18, tzinfo=UTC), 1, "click", "whatsapp")]
    assert delta.totals[TotalKey(datetime(2026, 11, 21).date(), "click", "whatsapp")] == 1


def test_undoing_a_visit_cancels_out() -> None:
    tz = ZoneInfo("UTC")
    v = visit(datetime(2026, 11, 20, 12, tzinfo=UTC))
    delta = rollup_delta([v], tz)
    delta.add(v, tz, sign=-1)
    delta.drop_zeros()
    assert not (delta.hourly or delta.daily or delta.dims or delta.totals or delta.link_days)
