"""Jobs over stored visits: pruning raw rows and re-applying improved attribution rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tracking.core.attribution import Classifier, Evidence, VisitKind, VisitSignals, fetcher_of
from tracking.core.attribution.scanner_evidence import parse_signals_name
from tracking.core.rollups import FETCHER_SINCE, RollupDelta
from tracking.core.visits import Visit
from tracking.storage.tables import LinkRow, VisitRow
from tracking.storage.visit_sql import VISIT_COLUMNS
from tracking.storage.visits import apply_rollups

_VISITS: Table = VisitRow.__table__  # type: ignore[attr-defined]
_LINKS: Table = LinkRow.__table__  # type: ignore[attr-defined]
CHUNK = 5_000


async def prune_visits(engine: AsyncEngine, *, before: datetime, chunk: int = 20_000) -> int:
    """Delete raw visits older than `before`, in chunks so writers are never blocked long.

    Roll-ups are left alone: counts survive, only unique-visitor answers lose that history.
    """
    removed = 0
    while True:
        async with engine.begin() as connection:
            ids = select(_VISITS.c.id).where(_VISITS.c.at < before).limit(chunk).scalar_subquery()
            result = await connection.execute(delete(_VISITS).where(_VISITS.c.id.in_(ids)))
        count = result.rowcount or 0
        removed += count
        if count < chunk:
            return removed


@dataclass
class ReclassifyReport:
    """How a re-classification went."""

    examined: int = 0
    changed: int = 0
    skipped: int = 0  # private (DNT) visits or visits stored without a user agent


def _visit(row: Row[Any]) -> Visit:
    """A stored visit row as the core's Visit (the columns are the Visit's fields)."""
    data = row._mapping
    return Visit(**{column: data[column] for column in VISIT_COLUMNS} | {"kind": VisitKind(data["kind"])})


class Reclassifier:
    """Walks visits link by link in time order, so "recent preview" evidence is rebuilt exactly."""

    def __init__(
        self, engine: AsyncEngine, *, classifier: Classifier, tz: ZoneInfo, window: timedelta
    ) -> None:
        self._engine = engine
        self._classifier = classifier
        self._tz = tz
        self._window = window

    async def count(self, since: datetime | None) -> int:
        """How many visits a run would examine (for the progress bar)."""
        query = select(func.count()).select_from(_VISITS)
        if since is not None:
            query = query.where(_VISITS.c.at >= since)
        async with self._engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())

    async def run(
        self, since: datetime | None, progress: Callable[[int], None] = lambda _n: None
    ) -> ReclassifyReport:
        """Re-apply the current rules to visits at or after `since` (all when None)."""
        report = ReclassifyReport()
        query = select(_LINKS.c.id, _LINKS.c.channel).order_by(_LINKS.c.id)
        async with self._engine.connect() as connection:
            links = (await connection.execute(query)).all()
        for link_id, link_channel in links:
            await self._link(link_id, link_channel, since, report, progress)
        return report

    async def _link(
        self,
        link_id: int,
        link_channel: str | None,
        since: datetime | None,
        report: ReclassifyReport,
        progress: Callable[[int], None],
    ) -> None:
        previews: dict[str, datetime] = {}
        start = since - self._window if since is not None else None
        after: tuple[datetime, int] | None = None
        while True:
            query = select(_VISITS).where(_VISITS.c.link_id == link_id)
            if start is not None:
                query = query.where(_VISITS.c.at >= start)
            if after is not None:
                query = query.where(
                    (_VISITS.c.at > after[0]) | ((_VISITS.c.at == after[0]) & (_VISITS.c.id > after[1]))
                )
            query = query.order_by(_VISITS.c.at, _VISITS.c.id).limit(CHUNK)
            async with self._engine.begin() as connection:
                rows = (await connection.execute(query)).all()
                if not rows:
                    return
                await self._chunk(connection, rows, link_channel, since, previews, report)
            progress(sum(1 for r in rows if since is None or r.at >= since))
            after = (rows[-1].at, rows[-1].id)

    async def _chunk(
        self,
        connection: AsyncConnection,
        rows: Sequence[Row[Any]],
        link_channel: str | None,
        since: datetime | None,
        previews: dict[str, datetime],
        report: ReclassifyReport,
    ) -> None:
        delta = RollupDelta.empty()
        for row in rows:
            old = _visit(row)
            in_scope = since is None or old.at >= since
            if in_scope:
                report.examined += 1
            if in_scope and (old.private or old.user_agent is None):
                report.skipped += 1
            elif in_scope:
                recent = frozenset(c for c, seen in previews.items() if old.at - seen <= self._window)
                verdict = self._classifier.classify(
                    VisitSignals(
                        method=old.method,
                        user_agent=old.user_agent or "",
                        referrer=old.referrer or "",
                        link_channel=link_channel,
                        recent_preview_channels=recent,
                        # headers and networks are not stored: a scanner verdict keeps the signals it listed
                        scanner_signals=parse_signals_name(old.rule)
                        if old.evidence == Evidence.SCANNER_SIGNALS
                        else frozenset(),
                    )
                )
                new = replace(
                    old,
                    kind=verdict.kind,
                    channel=verdict.channel,
                    evidence=verdict.evidence.value,
                    rule=verdict.rule,
                    rules_version=verdict.rules_version,
                )
                if new != old:
                    report.changed += 1
                    await connection.execute(
                        update(_VISITS)
                        .where(_VISITS.c.id == row.id)
                        .values(
                            kind=new.kind.value,
                            channel=new.channel,
                            evidence=new.evidence,
                            rule=new.rule,
                            rules_version=new.rules_version,
                        )
                    )
                    if (new.kind, new.channel, fetcher_of(new)) != (old.kind, old.channel, fetcher_of(old)):
                        # visits stored before the fetcher dimension existed were never counted in it
                        delta.add(old, self._tz, sign=-1, with_fetcher=old.rules_version >= FETCHER_SINCE)
                        delta.add(new, self._tz)
                    elif old.rules_version < FETCHER_SINCE:
                        delta.add_fetcher(new, self._tz)
                old = new
            if old.kind is VisitKind.PREVIEW:
                previews[old.channel] = old.at
        await apply_rollups(connection, delta)
