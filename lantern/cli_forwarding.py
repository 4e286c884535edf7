"""`lantern webhook …` and `lantern ga4 check`: what leaves Lantern, from the command line."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime
from urllib.parse import urlsplit

import click

from lantern.cli import fail, run
from tracking.settings import Settings


def _resolve(url: str) -> list[str]:
    """The addresses a receiver's host resolves to now (checked again at every delivery)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        found = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError) as error:
        fail(f"cannot resolve {host}: {error}")
    return sorted({str(entry[4][0]) for entry in found})


@click.group()
def webhook() -> None:
    """Signed webhooks: Lantern POSTs events to your URL."""


@webhook.command("add")
@click.argument("url")
@click.option(
    "--events",
    required=True,
    help="Comma-separated: link.created, link.clicked, share.detected.",
)
@click.option(
    "--owner-chat", default=None, help="slack:CHANNEL or telegram:CHAT_ID, told if it is switched off."
)
@click.pass_obj
def webhook_add(settings: Settings, url: str, events: str, owner_chat: str | None) -> None:
    """Register URL for EVENTS and print its signing secret (shown only this once)."""
    from lantern.composition import database, utc_now
    from tracking.core.forwarding.events import UnknownEvent, parse_events
    from tracking.core.forwarding.receivers import ReceiverRefused, check_addresses, check_url
    from tracking.core.forwarding.webhooks import new_secret
    from tracking.storage.outbox import SqlOutbox

    try:
        url = check_url(url)
        chosen = parse_events(events)
        check_addresses(
            urlsplit(url).hostname or "", _resolve(url), allow_private=settings.webhook_allow_private
        )
    except (ReceiverRefused, UnknownEvent) as error:
        fail(str(error))
    if owner_chat is not None and owner_chat.partition(":")[0] not in {"slack", "telegram"}:
        fail("--owner-chat is slack:CHANNEL_ID or telegram:CHAT_ID")
    secret = new_secret()

    async def go() -> int:
        async with database(settings) as engine:
            hook = await SqlOutbox(engine, clock=utc_now).add_webhook(
                url=url, secret=secret, events=chosen, owner_chat=owner_chat
            )
            return hook.id

    number = run(go)
    click.echo(secret)
    click.echo(
        f"webhook {number} added for {', '.join(e.value for e in chosen)} → {url}. "
        "The secret above signs every delivery (Lantern-Signature); it is shown only this once.",
        err=True,
    )


@webhook.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
@click.pass_obj
def webhook_list(settings: Settings, as_json: bool) -> None:
    """Every webhook, its events and whether it is on."""
    from lantern.composition import database, utc_now
    from tracking.core.forwarding.outbox import Webhook
    from tracking.storage.outbox import SqlOutbox

    async def go() -> list[Webhook]:
        async with database(settings) as engine:
            return await SqlOutbox(engine, clock=utc_now).webhooks()

    hooks = run(go)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": h.id,
                        "url": h.url,
                        "events": list(h.events),
                        "created_at": h.created_at.isoformat(),
                        "enabled": not h.disabled,
                        "disabled_reason": h.disabled_reason,
                        "failures_in_row": h.failures_in_row,
                        "owner_chat": h.owner_chat,
                    }
                    for h in hooks
                ],
                indent=2,
            )
        )
        return
    if not hooks:
        click.echo("no webhooks yet: `lantern webhook add URL --events link.clicked`")
        return
    for h in hooks:
        state = f"off ({h.disabled_reason})" if h.disabled else "on"
        click.echo(f"{h.id}  {h.url}  {','.join(h.events)}  {state}  failures in a row: {h.failures_in_row}")


@webhook.command("remove")
@click.argument("url")
@click.pass_obj
def webhook_remove(settings: Settings, url: str) -> None:
    """Forget the webhook at URL (or its number) and its deliveries."""
    from lantern.composition import database, utc_now
    from tracking.storage.outbox import SqlOutbox

    async def go() -> None:
        async with database(settings) as engine:
            await SqlOutbox(engine, clock=utc_now).remove_webhook(url)

    run(go)
    click.echo(f"webhook {url} removed")


@webhook.command("enable")
@click.argument("url")
@click.pass_obj
def webhook_enable(settings: Settings, url: str) -> None:
    """Switch a webhook that was switched off back on."""
    from lantern.composition import database, utc_now
    from tracking.storage.outbox import SqlOutbox

    async def go() -> None:
        async with database(settings) as engine:
            outbox = SqlOutbox(engine, clock=utc_now)
            hook = await outbox.webhook(url)
            await outbox.set_webhook_disabled(hook.id, disabled=False, reason=None)

    run(go)
    click.echo(f"webhook {url} is on again")


@webhook.command("deliveries")
@click.argument("url")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
@click.pass_obj
def webhook_deliveries(settings: Settings, url: str, limit: int, as_json: bool) -> None:
    """The latest deliveries to URL and what the receiver answered."""
    from lantern.composition import database, utc_now
    from tracking.core.forwarding.outbox import Delivery
    from tracking.storage.outbox import SqlOutbox

    async def go() -> list[Delivery]:
        async with database(settings) as engine:
            outbox = SqlOutbox(engine, clock=utc_now)
            hook = await outbox.webhook(url)
            return await outbox.recent_deliveries(hook.id, limit=limit)

    rows = run(go)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "event_id": d.event_id,
                        "event": d.event,
                        "created_at": d.created_at.isoformat(),
                        "status": d.status,
                        "attempts": d.attempts,
                        "last_status": d.last_status,
                        "last_error": d.last_error,
                        "last_attempt_at": d.last_attempt_at.isoformat() if d.last_attempt_at else None,
                        "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
                    }
                    for d in rows
                ],
                indent=2,
            )
        )
        return
    if not rows:
        click.echo("no deliveries yet")
    for d in rows:
        answer = f"HTTP {d.last_status}" if d.last_status is not None else (d.last_error or "not tried yet")
        when = d.last_attempt_at.isoformat(timespec="seconds") if d.last_attempt_at else "-"
        click.echo(f"{when}  {d.event:<15} {d.status:<9} attempts {d.attempts:<3} {answer}  id {d.event_id}")


@webhook.command("test")
@click.argument("url")
@click.pass_obj
def webhook_test(settings: Settings, url: str) -> None:
    """Send a signed `webhook.test` event to the webhook at URL now and print its answer."""
    from lantern.composition import database, utc_now
    from tracking.core.forwarding import webhooks
    from tracking.core.forwarding.events import new_event_id
    from tracking.forwarder import client_session, post_signed
    from tracking.storage.outbox import SqlOutbox

    async def go() -> tuple[bool, str]:
        async with database(settings) as engine:
            hook = await SqlOutbox(engine, clock=utc_now).webhook(url, with_secret=True)
        body = webhooks.body(
            event_id=new_event_id(),
            event="webhook.test",
            created_at=datetime.now(UTC),
            data={"message": "A test delivery from `lantern webhook test`."},
        )
        async with client_session(allow_private=settings.webhook_allow_private) as session:
            answer = await post_signed(
                session, hook.url, hook.secret, body, allow_private=settings.webhook_allow_private
            )
        said = f"HTTP {answer.status}" if answer.status is not None else (answer.error or "no answer")
        return answer.ok, said

    ok, said = run(go)
    if not ok:
        fail(f"the receiver did not accept the test delivery: {said}")
    click.echo(f"delivered: {said}")


@click.group()
def ga4() -> None:
    """Google Analytics 4 forwarding."""


@ga4.command("check")
@click.pass_obj
def ga4_check(settings: Settings) -> None:
    """Send a sample event to GA4's validation endpoint and print what it says."""
    from lantern.forwarding import ga4_target
    from tracking.core.forwarding import ga4 as ga4_payloads
    from tracking.core.forwarding.events import EventName, new_event_id
    from tracking.forwarder import client_session, post_ga4

    target = ga4_target(settings)
    if target is None:
        fail("GA4 is off: set LANTERN_GA4_MEASUREMENT_ID and LANTERN_GA4_API_SECRET")
    now = datetime.now(UTC)
    sample = ga4_payloads.payload_for(
        event=EventName.LINK_CLICKED,
        event_id=new_event_id(),
        at=now,
        data={"channel": "whatsapp", "evidence": "referrer", "visitor_hash": "0123456789abcdef" * 2},
        link={
            "slug": "sample",
            "campaign": "lantern-check",
            "tagged_target": "https://example.com/?utm_source=whatsapp&utm_medium=messaging"
            "&utm_campaign=lantern-check",
        },
    )
    assert sample is not None
    client, events = sample
    document = ga4_payloads.request_body(client, events, consent=target.consent)

    async def go() -> tuple[bool, int | None, str]:
        async with client_session(allow_private=True) as session:
            answer = await post_ga4(session, target, document, validate=True)
        return answer.ok, answer.status, answer.text or (answer.error or "")

    ok, status, text = asyncio.run(go())
    if not ok:
        fail(f"GA4's validation endpoint answered {status or text or 'nothing'}")
    try:
        messages = json.loads(text).get("validationMessages", []) if text else []
    except (ValueError, AttributeError):
        fail(f"GA4's validation endpoint answered something that is not JSON: {text[:200]!r}")
    if messages:
        for message in messages:
            click.echo(
                f"- {message.get('fieldPath', '?')}: {message.get('description', message)} "
                f"({message.get('validationCode', '')})"
            )
        fail(f"GA4 found {len(messages)} problem(s) in the sample event")
    click.echo(f"GA4 accepted the sample event for {target.measurement_id} (no validation messages)")
