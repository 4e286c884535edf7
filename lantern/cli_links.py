"""`lantern links list` and `lantern links show`: browsing links from the terminal.

Imports only click and the settings at load time; the database layer is
imported when a command runs, so `lantern --help` stays quick.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from tracking.settings import Settings

if TYPE_CHECKING:
    from tracking.storage.link_catalog import CatalogEntry, SortOrder


def entry_json(entry: CatalogEntry, *, base_url: str, now: datetime) -> dict[str, Any]:
    """A link with its state and counts, as `--json` prints it."""
    from tracking.core.links import short_url

    link = entry.link
    return {
        "slug": link.slug,
        "short_url": short_url(base_url, link.slug),
        "original_url": link.target,
        "target": link.tagged_target,
        "channel": link.channel,
        "campaign": link.campaign,
        "sharer": entry.sharer_handle,
        "state": link.state(now).value,
        "created_at": link.created_at.isoformat(timespec="seconds"),
        "expires_at": link.expires_at.isoformat(timespec="seconds") if link.expires_at else None,
        "max_clicks": link.max_clicks,
        "clicks": entry.clicks,
        "previews": entry.previews,
        "bots": entry.bots,
    }


def _table(rows: list[dict[str, Any]]) -> str:
    """Aligned columns: slug, counts, channel, campaign, sharer, state, created, target."""
    headers = ["slug", "clicks", "previews", "bots", "channel", "campaign", "sharer", "state", "created"]
    cells = [
        [
            row["slug"],
            str(row["clicks"]),
            str(row["previews"]),
            str(row["bots"]),
            row["channel"] or "-",
            row["campaign"] or "-",
            f"@{row['sharer']}" if row["sharer"] else "-",
            row["state"],
            row["created_at"][:10],
        ]
        for row in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    numeric = {1, 2, 3}

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(widths[i]) if i in numeric else v.ljust(widths[i]) for i, v in enumerate(values)
        )

    out = [line([h.upper() for h in headers]) + "  TARGET"]
    out += [line(c) + "  " + row["original_url"] for c, row in zip(cells, rows, strict=True)]
    return "\n".join(out)


@click.command("list")
@click.option("--channel", "-c", default=None, help="Only links made for this channel (aliases work).")
@click.option("--campaign", default=None, help="Only links of this campaign.")
@click.option("--sharer", default=None, help="Only links made by this sharer (handle or display name).")
@click.option(
    "--sort",
    "order",
    type=click.Choice(["created", "clicks"]),
    default="created",
    show_default=True,
    help="Newest first, or most clicked first.",
)
@click.option("--limit", type=click.IntRange(min=1, max=10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.pass_obj
def links_list(
    settings: Settings,
    channel: str | None,
    campaign: str | None,
    sharer: str | None,
    order: SortOrder,
    limit: int,
    as_json: bool,
) -> None:
    """List links with their clicks, previews (shares) and bot visits."""
    from lantern.cli import fail, run
    from lantern.composition import database
    from tracking.core.channels import resolve_channel
    from tracking.core.errors import LanternError
    from tracking.core.tagging import normalise_campaign
    from tracking.storage.link_catalog import SqlLinkCatalog

    try:
        channel_name = resolve_channel(channel).name if channel is not None else None
        campaign_name = normalise_campaign(campaign) if campaign is not None else None
    except LanternError as error:
        fail(error.message)

    async def go() -> list[CatalogEntry]:
        async with database(settings) as engine:
            return await SqlLinkCatalog(engine).entries(
                channel=channel_name, campaign=campaign_name, sharer=sharer, order=order, limit=limit
            )

    now = datetime.now(UTC)
    rows = [entry_json(entry, base_url=settings.base_url, now=now) for entry in run(go)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    elif not rows:
        click.echo("no links match", err=True)
    else:
        click.echo(_table(rows))


@click.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.pass_obj
def links_show(settings: Settings, slug: str, as_json: bool) -> None:
    """Show one link: its target, tagged target, state, limits and counts."""
    from lantern.cli import fail, run
    from lantern.composition import database
    from tracking.storage.link_catalog import SqlLinkCatalog

    async def go() -> CatalogEntry | None:
        async with database(settings) as engine:
            return await SqlLinkCatalog(engine).entry(slug=slug)

    entry = run(go)
    if entry is None:
        fail(f"no link has the slug {slug!r}")
    row = entry_json(entry, base_url=settings.base_url, now=datetime.now(UTC))
    if as_json:
        click.echo(json.dumps(row, indent=2))
        return
    sharer = f"@{entry.sharer_handle} ({entry.sharer_name})" if entry.sharer_handle else "-"
    lines = [
        ("slug", row["slug"]),
        ("short url", row["short_url"]),
        ("target", row["original_url"]),
        ("tagged target", row["target"]),
        ("channel", row["channel"] or "-"),
        ("campaign", row["campaign"] or "-"),
        ("sharer", sharer),
        ("state", row["state"]),
        ("created", row["created_at"]),
        ("expires", row["expires_at"] or "never"),
        ("max clicks", str(row["max_clicks"]) if row["max_clicks"] is not None else "no limit"),
        ("clicks", str(row["clicks"])),
        ("previews", f"{row['previews']} (chat-app link previews: share events)"),
        ("bots", f"{row['bots']} (crawlers, scripts, HEAD requests)"),
    ]
    width = max(len(label) for label, _ in lines)
    click.echo("\n".join(f"{label.ljust(width)}  {value}" for label, value in lines))
