"""The narrow interfaces between Lantern's layers, as protocols.

Storage implements the readers and writers; the use cases (shortening,
stats, the tracker) implement what the adapters call. Each adapter (a
Slack listener, a Telegram handler, a web route) is handed only the few of
these it needs, so its signature shows everything it can touch and a test
can pass a small hand-written fake instead of a database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from tracking.core.forwarding.events import EventName
from tracking.core.forwarding.outbox import Delivery, NewDelivery, PendingEvent, Webhook
from tracking.core.links import Link, NewLink, Sharer, SharerRef
from tracking.core.questions.model import Answer, Interpretation
from tracking.core.stats_query import Query
from tracking.core.visits import Visit

#: The one clock every part shares (tests pass their own).
Clock = Callable[[], datetime]


class SlugCollision(Exception):
    """Raised by a repository when the slug of a new link is already taken."""


class DuplicateLink(Exception):
    """Raised by a repository when a link with the same dedupe key was inserted meanwhile."""


class LinkLookup(Protocol):
    """Reading one link by its slug: what unfurls, share buttons and the stats filters need."""

    async def get_by_slug(self, slug: str) -> Link | None: ...


class SharerDirectory(Protocol):
    """A chat user as Lantern's sharer, created on first sight."""

    async def get_or_create_sharer(self, ref: SharerRef) -> Sharer: ...


class LinkRepository(LinkLookup, SharerDirectory, Protocol):
    """Link and sharer storage; uniqueness is enforced by the store, never check-then-insert."""

    async def get_by_dedupe_key(self, key: str) -> Link | None: ...

    async def insert_link(self, link: NewLink) -> Link: ...

    async def release_dedupe_key(self, link_id: int) -> None: ...

    async def set_disabled(self, slug: str, *, disabled: bool) -> Link | None: ...


class VisitWriter(Protocol):
    """Stores one batch of visits and its roll-up changes atomically (one implementation per database).

    A batch that comes with an id the database already holds was written
    before (a retry, a replay from the spool) and changes nothing.
    """

    async def start(self) -> None: ...

    async def write_batch(self, visits: Sequence[Visit], batch_id: str | None = None) -> None: ...

    async def close(self) -> None: ...


class StatsReader(Protocol):
    """The numbers behind an answer, as (key, value) pairs; labelling and zero-filling is the caller's job."""

    async def count(self, query: Query) -> list[tuple[Any, int]]: ...

    async def unique_visitors(
        self, query: Query, *, start: datetime, end: datetime
    ) -> list[tuple[Any, str]]: ...

    async def links_created(
        self, query: Query, *, start: datetime, end: datetime
    ) -> list[tuple[Any, int]]: ...

    async def find_sharer(self, name: str) -> int | None: ...

    async def link_labels(self, slugs: Sequence[str]) -> dict[str, str]: ...

    async def sharer_names(self, handles: Sequence[str]) -> dict[str, str]: ...


class StatsAnswers(Protocol):
    """The stats use case as the adapters see it: an interpretation in, an answer out."""

    @property
    def tz(self) -> ZoneInfo: ...

    async def answer(self, interpretation: Interpretation, *, now: datetime) -> Answer: ...


class ShareRecorder(Protocol):
    """Stores a share a platform told Lantern about (a Slack unfurl, a Telegram inline pick)."""

    async def record_share(self, slug: str, channel: str, *, source: str) -> bool: ...


class OutboxStore(Protocol):
    """What the background sender reads and writes: events to fan out, deliveries to attempt.

    Claims are leases, so several processes (or hosts) can send side by side.
    """

    async def add_event(
        self,
        *,
        event: EventName | str,
        link_id: int | None,
        at: datetime,
        data: dict[str, Any],
        event_id: str,
    ) -> None: ...

    async def claim_events(self, *, limit: int, lease: timedelta) -> list[PendingEvent]: ...

    async def dispatch(self, events: Sequence[PendingEvent], deliveries: Sequence[NewDelivery]) -> None: ...

    async def webhooks(self, *, with_secrets: bool = False) -> list[Webhook]: ...

    async def link_details(self, link_ids: Sequence[int]) -> dict[int, dict[str, Any]]: ...

    async def claim_deliveries(self, *, limit: int, lease: timedelta) -> list[Delivery]: ...

    async def finish(
        self,
        delivery_ids: Sequence[int],
        *,
        ok: bool,
        status: int | None,
        error: str | None,
        retry_at: datetime | None,
    ) -> None: ...

    async def postpone(self, delivery_id: int, *, until: datetime) -> None: ...

    async def webhook_result(self, webhook_id: int, *, ok: bool) -> int: ...

    async def set_webhook_disabled(self, webhook_id: int, *, disabled: bool, reason: str | None) -> None: ...

    async def give_up_on_webhook(self, webhook_id: int) -> int: ...


class HealthProbe(Protocol):
    """Whether the database answers: None when it does, else a short description of the problem."""

    async def problem(self) -> str | None: ...
