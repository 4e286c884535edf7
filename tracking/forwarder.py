"""The background sender: outbox events → deliveries → webhooks and GA4.

Two steps, each safe to run in every worker of every host at once: fan-out
claims events and stores their deliveries atomically; delivery claims due
deliveries, sends them, and records the answer. A redirect never waits on
any of it; a receiver that is down only delays its own deliveries (retried
with exponential backoff for a day); a `kill -9` loses nothing, because
every step is a lease in the database and every retry sends the same bytes
with the same event id.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import socket
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from sqlalchemy.exc import SQLAlchemyError

from tracking.core.forwarding import ga4, retries, webhooks
from tracking.core.forwarding.events import new_event_id
from tracking.core.forwarding.fanout import GA4, Event, Planned, Receiver, plan
from tracking.core.forwarding.outbox import Delivery, NewDelivery, Webhook
from tracking.core.forwarding.receivers import ReceiverRefused, check_addresses, is_internal
from tracking.core.ports import OutboxStore
from tracking.storage.subscriptions import ALERT, DIGEST_DUE, SqlSubscriptions, Subscription

log = logging.getLogger(__name__)

#: How long a claim on an event or a delivery lasts before another worker may take it.
LEASE = timedelta(seconds=60)
#: Seconds a receiver has to answer.
TIMEOUT_SECONDS = 10.0
#: Deliveries sent at once by one process.
CONCURRENCY = 8
USER_AGENT = "Lantern-Webhooks/1 (+https://github.com/lantern)"


@dataclass(frozen=True, slots=True)
class Ga4Target:
    """Where GA4 events go; the API secret never reaches a log."""

    url: str
    measurement_id: str
    api_secret: str
    consent: ga4.Consent = field(default_factory=ga4.Consent)

    def endpoint(self, *, validate: bool = False) -> str:
        path = "/debug/mp/collect" if validate else "/mp/collect"
        return f"{self.url.rstrip('/')}{path}"

    def params(self) -> dict[str, str]:
        return {"measurement_id": self.measurement_id, "api_secret": self.api_secret}


class OwnerNotifier(Protocol):
    """Tells a webhook's owner, in chat, that it was switched off."""

    async def __call__(self, owner_chat: str, text: str) -> None: ...


class ChatPoster(Protocol):
    """Posts a digest run or an alert to a subscribed chat (raises when the platform refuses)."""

    async def __call__(self, subscription: Subscription, *, kind: str, data: dict[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class AlertRules:
    """When a link's clicks count as a spike, and the hours alerts wait through."""

    spike_minimum: int = 20
    spike_factor: float = 3.0
    quiet_start: int | None = None  # local hour quiet hours start (e.g. 22)…
    quiet_end: int | None = None  # …and end (e.g. 7)
    timezone: str = "UTC"

    def quiet_until(self, now: datetime) -> datetime | None:
        """The end of the quiet hours `now` falls in, or None outside them."""
        if self.quiet_start is None or self.quiet_end is None:
            return None
        from zoneinfo import ZoneInfo

        local = now.astimezone(ZoneInfo(self.timezone))
        start, end = self.quiet_start, self.quiet_end
        inside = start <= local.hour or local.hour < end if start > end else start <= local.hour < end
        if not inside:
            return None
        until = local.replace(hour=end, minute=0, second=0, microsecond=0)
        if until <= local:
            until += timedelta(days=1)
        return until


class GuardedResolver(AbstractResolver):
    """Resolves receiver hosts, refusing internal addresses (DNS rebinding included)."""

    def __init__(self, *, allow_private: bool) -> None:
        self._inner = DefaultResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        try:
            check_addresses(host, [entry["host"] for entry in found], allow_private=self._allow_private)
        except ReceiverRefused as refused:
            raise OSError(str(refused)) from None
        return found

    async def close(self) -> None:
        await self._inner.close()


def refuse_internal_literal(url: str, *, allow_private: bool) -> None:
    """An IP-literal receiver skips DNS, so it is checked here (raises ReceiverRefused)."""
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return
    if not allow_private and is_internal(host):
        raise ReceiverRefused(
            f"{host} is a private or loopback address; "
            "set LANTERN_WEBHOOK_ALLOW_PRIVATE=true to deliver inside your network"
        )


def client_session(*, allow_private: bool) -> aiohttp.ClientSession:
    """The HTTP client every delivery goes through."""
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(allow_private=allow_private), limit=CONCURRENCY * 2
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
        headers={"User-Agent": USER_AGENT},
    )


@dataclass(frozen=True, slots=True)
class Answer:
    """What a receiver said (status None when it could not be reached)."""

    ok: bool
    status: int | None
    error: str | None
    text: str = ""


async def post_signed(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    raw_body: bytes,
    *,
    allow_private: bool,
    now: Callable[[], float] = time.time,
) -> Answer:
    """POST one signed body; any 2xx is success."""
    try:
        refuse_internal_literal(url, allow_private=allow_private)
        headers = {
            "Content-Type": "application/json",
            webhooks.SIGNATURE_HEADER: webhooks.signature(secret, int(now()), raw_body),
        }
        async with session.post(url, data=raw_body, headers=headers, allow_redirects=False) as response:
            text = (await response.content.read(2048)).decode("utf-8", "replace")
            ok = 200 <= response.status < 300
            return Answer(ok, response.status, None if ok else f"HTTP {response.status}", text)
    except ReceiverRefused as refused:
        return Answer(False, None, str(refused))
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return Answer(False, None, f"{type(error).__name__}: {error}"[:500])


async def post_ga4(
    session: aiohttp.ClientSession, target: Ga4Target, document: dict[str, Any], *, validate: bool = False
) -> Answer:
    """Send one Measurement Protocol request (GA4 answers 2xx even to a bad payload)."""
    try:
        async with session.post(
            target.endpoint(validate=validate), params=target.params(), json=document, allow_redirects=False
        ) as response:
            text = (await response.content.read(65536)).decode("utf-8", "replace")
            ok = 200 <= response.status < 300
            return Answer(ok, response.status, None if ok else f"HTTP {response.status}", text)
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        # The message never carries the URL's query, so the API secret stays out of it.
        return Answer(False, None, type(error).__name__)


class Forwarder:
    """Fans out outbox events and delivers them, in the background, in every process."""

    def __init__(
        self,
        *,
        outbox: OutboxStore,
        base_url: str,
        clock: Callable[[], datetime],
        ga4_target: Ga4Target | None = None,
        allow_private: bool = False,
        poll_seconds: float = 0.5,
        notify_owner: OwnerNotifier | None = None,
        lease: timedelta = LEASE,
        subscriptions: SqlSubscriptions | None = None,
        post_to_chat: ChatPoster | None = None,
        next_run: Callable[[Subscription, datetime], datetime] | None = None,
        alert_rules: AlertRules | None = None,
    ) -> None:
        self._lease = lease
        self._subscriptions = subscriptions
        self._post_to_chat = post_to_chat
        self._next_run = next_run
        self._alerts = alert_rules or AlertRules()
        self._last_schedule_check = 0.0
        self._last_spike_hour: datetime | None = None
        self._outbox = outbox
        self._base_url = base_url
        self._clock = clock
        self._ga4 = ga4_target
        self._allow_private = allow_private
        self._poll = poll_seconds
        self._notify_owner = notify_owner
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self.sent: dict[str, int] = defaultdict(int)  # "webhook:ok", "ga4:failed", … for /metrics

    async def start(self) -> None:
        """Start sending in the background."""
        self._session = client_session(allow_private=self._allow_private)
        self._task = asyncio.create_task(self._run(), name="forwarder")

    async def stop(self) -> None:
        """Stop; claims held now simply run out and another process (or the next start) resumes."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _run(self) -> None:
        while True:
            try:
                busy = await self.run_once()
            except (SQLAlchemyError, OSError) as error:
                log.warning("forwarding paused (database unavailable, will retry): %s", error)
                busy = 0
            if not busy:
                await asyncio.sleep(self._poll)

    async def run_once(self) -> int:
        """One round of scheduling, fan-out and delivery; returns how much it did (0 = nothing to do)."""
        return await self.schedule() + await self.fan_out() + await self.deliver()

    async def schedule(self) -> int:
        """Queue due digests (every few seconds) and look for spikes (once an hour)."""
        if self._subscriptions is None or self._next_run is None:
            return 0
        moment = time.monotonic()
        if moment - self._last_schedule_check < 5:
            return 0
        self._last_schedule_check = moment
        queued = await self._subscriptions.queue_due_digests(next_for=self._next_run)
        hour = self._clock().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        if hour != self._last_spike_hour:
            self._last_spike_hour = hour
            await self._spikes(hour)
        return queued

    async def _spikes(self, hour: datetime) -> None:
        assert self._subscriptions is not None
        chats = await self._subscriptions.alert_chats()
        if not chats:
            return
        rules = self._alerts
        found = await self._subscriptions.spiking_links(
            hour=hour, minimum=rules.spike_minimum, factor=rules.spike_factor
        )
        for link_id, count, usual in found:
            if await self._subscriptions.raise_alert(f"spike:{link_id}:{hour.isoformat()}"):
                data = {"alert": "spike", "link_id": link_id, "clicks": count, "usual": round(usual, 1),
                        "hour": hour.isoformat()}  # fmt: skip
                await self._outbox.add_event(
                    event=ALERT, link_id=link_id, at=self._clock(), data=data, event_id=new_event_id()
                )

    async def fan_out(self) -> int:
        """Turn claimed outbox events into deliveries."""
        claimed = await self._outbox.claim_events(limit=200, lease=self._lease)
        if not claimed:
            return 0
        hooks = await self._outbox.webhooks()
        receivers = [Receiver(h.id, frozenset(h.events), h.disabled) for h in hooks]
        links = await self._outbox.link_details([e.link_id for e in claimed if e.link_id is not None])
        events = [
            Event(e.event_id, e.event, e.at, e.data, links.get(e.link_id) if e.link_id is not None else None)
            for e in claimed
        ]
        planned = plan(events, receivers, ga4_on=self._ga4 is not None, base_url=self._base_url)
        planned.extend(await self._chat_deliveries(events))
        await self._outbox.dispatch(
            claimed,
            [
                NewDelivery(p.destination, p.webhook_id, p.event_id, p.event, p.body, p.group_key)
                for p in planned
            ],
        )
        return len(claimed)

    async def _chat_deliveries(self, events: Sequence[Event]) -> list[Planned]:
        """Digest runs for their chat; alerts (raised once each) for every chat that wants them."""
        if self._subscriptions is None:
            return []
        planned: list[Planned] = []
        chats: list[Subscription] | None = None
        for event in events:
            if event.event == DIGEST_DUE:
                target = f"chat:{event.data['subscription_id']}"
                planned.append(Planned(target, None, event.event_id, DIGEST_DUE, json.dumps(event.data)))
                continue
            alert = await self._alert_for(event)
            if alert is None:
                continue
            if chats is None:
                chats = await self._subscriptions.alert_chats()
            body = json.dumps({**alert, "link": event.link})
            planned.extend(Planned(f"chat:{chat.id}", None, event.event_id, ALERT, body) for chat in chats)
        return planned

    async def _alert_for(self, event: Event) -> dict[str, Any] | None:
        """The alert an event raises, if it is the first of its kind (a link's first click, a new app)."""
        assert self._subscriptions is not None
        link_id = event.link and event.link.get("id")
        if event.event == ALERT:
            return dict(event.data)
        if link_id is None or not await self._has_alert_chats():
            return None
        channel = event.data.get("channel")
        if event.event == "link.clicked" and await self._subscriptions.raise_alert(f"first-click:{link_id}"):
            return {"alert": "first_click", "channel": channel}
        new_app = event.event == "share.detected" and channel not in (None, "direct")
        if new_app and await self._subscriptions.raise_alert(f"new-app:{link_id}:{channel}"):
            return {"alert": "new_app", "channel": channel}
        return None

    async def _has_alert_chats(self) -> bool:
        assert self._subscriptions is not None
        return bool(await self._subscriptions.alert_chats())

    async def deliver(self) -> int:
        """Send the deliveries that are due."""
        due = await self._outbox.claim_deliveries(limit=100, lease=self._lease)
        if not due:
            return 0
        hooks = {h.id: h for h in await self._outbox.webhooks(with_secrets=True)}
        to_webhooks = [d for d in due if d.destination.startswith("webhook:")]
        to_ga4 = [d for d in due if d.destination == GA4]
        to_chats = [d for d in due if d.destination.startswith("chat:")]
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(delivery: Delivery) -> None:
            async with limit:
                await self._send_webhook(delivery, hooks.get(delivery.webhook_id or -1))

        async def batch(group: list[Delivery]) -> None:
            async with limit:
                await self._send_ga4(group)

        async def chat(delivery: Delivery) -> None:
            async with limit:
                await self._send_chat(delivery)

        await asyncio.gather(
            *(one(d) for d in to_webhooks),
            *(batch(g) for g in ga4_batches(to_ga4)),
            *(chat(d) for d in to_chats),
        )
        return len(due)

    def _retry_at(self, delivery: Delivery) -> datetime | None:
        """When to try again, or None once the event is a day old (the delivery is given up)."""
        now = self._clock()
        if now - delivery.created_at >= retries.GIVE_UP_AFTER:
            return None
        return now + retries.next_delay(delivery.attempts + 1)

    async def _send_webhook(self, delivery: Delivery, hook: Webhook | None) -> None:
        if hook is None or hook.disabled:
            await self._outbox.finish(
                [delivery.id], ok=False, status=None, error="webhook removed or off", retry_at=None
            )
            return
        assert self._session is not None
        answer = await post_signed(
            self._session, hook.url, hook.secret, delivery.body.encode(), allow_private=self._allow_private
        )
        self.sent[f"webhook:{'ok' if answer.ok else 'failed'}"] += 1
        await self._outbox.finish(
            [delivery.id],
            ok=answer.ok,
            status=answer.status,
            error=answer.error,
            retry_at=None if answer.ok else self._retry_at(delivery),
        )
        failures = await self._outbox.webhook_result(hook.id, ok=answer.ok)
        if not answer.ok:
            log.info("webhook %s delivery %s failed (%s)", hook.id, delivery.event_id, answer.error)
        if failures >= retries.DISABLE_AFTER_FAILURES:
            await self._disable(hook, failures, answer)

    async def _disable(self, hook: Webhook, failures: int, answer: Answer) -> None:
        reason = f"{failures} failed deliveries in a row; last: {answer.error or answer.status}"
        await self._outbox.set_webhook_disabled(hook.id, disabled=True, reason=reason[:256])
        dropped = await self._outbox.give_up_on_webhook(hook.id)
        log.warning("webhook %s (%s) switched off: %s", hook.id, hook.url, reason)
        if hook.owner_chat and self._notify_owner is not None:
            text = (
                f"Lantern switched off the webhook {hook.url} after {failures} failed deliveries in a row "
                f"(last: {answer.error or answer.status}); {dropped} pending deliveries were dropped. "
                "Fix the receiver, then run `lantern webhook enable` with its URL."
            )
            try:
                await self._notify_owner(hook.owner_chat, text)
            except (aiohttp.ClientError, OSError, RuntimeError, ValueError) as error:
                log.warning("could not tell the owner of webhook %s: %s", hook.id, error)

    async def _send_chat(self, delivery: Delivery) -> None:
        """Post a digest run or an alert; alerts wait through quiet hours."""
        assert self._subscriptions is not None
        subscription = await self._subscriptions.get(int(delivery.destination.split(":", 1)[1]))
        if subscription is None or self._post_to_chat is None:
            reason = "the subscription was removed" if subscription is None else "no chat bot is configured"
            await self._outbox.finish([delivery.id], ok=False, status=None, error=reason, retry_at=None)
            return
        if delivery.event == ALERT:
            quiet = self._alerts.quiet_until(self._clock())
            if quiet is not None:
                await self._outbox.postpone(delivery.id, until=quiet)
                return
        try:
            await self._post_to_chat(subscription, kind=delivery.event, data=json.loads(delivery.body))
        except Exception as error:
            log.warning(
                "posting %s to %s failed: %s", delivery.event, delivery.destination, error, exc_info=True
            )
            await self._outbox.finish(
                [delivery.id], ok=False, status=None, error=f"{type(error).__name__}: {error}"[:500],
                retry_at=self._retry_at(delivery),
            )  # fmt: skip
            return
        self.sent[f"chat:{delivery.event}"] += 1
        await self._outbox.finish([delivery.id], ok=True, status=None, error=None, retry_at=None)

    async def _send_ga4(self, group: list[Delivery]) -> None:
        assert self._session is not None and self._ga4 is not None
        events: list[dict[str, Any]] = []
        for delivery in group:
            events.extend(json.loads(delivery.body))
        first = min(d.created_at for d in group)
        document = ga4.request_body(
            group[0].group_key or "", events, consent=self._ga4.consent, timestamp=first
        )
        answer = await post_ga4(self._session, self._ga4, document)
        self.sent[f"ga4:{'ok' if answer.ok else 'failed'}"] += len(group)
        await self._outbox.finish(
            [d.id for d in group],
            ok=answer.ok,
            status=answer.status,
            error=answer.error,
            retry_at=None if answer.ok else self._retry_at(group[0]),
        )


def ga4_batches(deliveries: Sequence[Delivery]) -> list[list[Delivery]]:
    """GA4 requests: one client each, at most 25 events each (a delivery holds one or two events)."""
    by_client: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        by_client[delivery.group_key or ""].append(delivery)
    batches: list[list[Delivery]] = []
    for group in by_client.values():
        current: list[Delivery] = []
        size = 0
        for delivery in group:
            count = len(json.loads(delivery.body))
            if current and size + count > ga4.MAX_EVENTS_PER_REQUEST:
                batches.append(current)
                current, size = [], 0
            current.append(delivery)
            size += count
        if current:
            batches.append(current)
    return batches


ChatSend = Callable[[str, str], Awaitable[None]]
