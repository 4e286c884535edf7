"""`lantern site add|list|remove`: the team's own sites, whose copied addresses Lantern counts."""

from __future__ import annotations

import json

import click

from lantern.cli import fail, run
from tracking.settings import Settings


@click.group()
def site() -> None:
    """Sites whose pages carry Lantern's tag (copy-and-paste tracking)."""


@site.command("add")
@click.argument("origin")
@click.pass_obj
def site_add(settings: Settings, origin: str) -> None:
    """Register ORIGIN (e.g. https://blog.example.com) and print the tag for its pages."""
    from lantern.composition import database, utc_now
    from tracking.core.errors import InvalidInput
    from tracking.core.sites import check_origin, script_tag
    from tracking.storage.sites import SqlSites

    try:
        clean = check_origin(origin)
    except InvalidInput as error:
        fail(error.message)

    async def go() -> str:
        async with database(settings) as engine:
            return (await SqlSites(engine, clock=utc_now).add(clean)).key

    key = run(go)
    click.echo(script_tag(settings.base_url, key))
    click.echo(
        f'{clean} registered. Put the line above in every page\'s <head>; add data-copy="true" to '
        "also tag copied passages, and an element with data-lantern-share for share buttons.",
        err=True,
    )


@site.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
@click.pass_obj
def site_list(settings: Settings, as_json: bool) -> None:
    """Every registered site and its tag."""
    from lantern.composition import database, utc_now
    from tracking.core.sites import Site, script_tag
    from tracking.storage.sites import SqlSites

    async def go() -> list[Site]:
        async with database(settings) as engine:
            return await SqlSites(engine, clock=utc_now).all()

    sites = run(go)
    if as_json:
        rows = [
            {"origin": s.origin, "key": s.key, "tag": script_tag(settings.base_url, s.key)} for s in sites
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not sites:
        click.echo("no sites yet: `lantern site add https://blog.example.com`")
    for s in sites:
        click.echo(f"{s.origin}  {script_tag(settings.base_url, s.key)}")


@site.command("remove")
@click.argument("origin")
@click.pass_obj
def site_remove(settings: Settings, origin: str) -> None:
    """Stop counting ORIGIN's pages (their numbers so far stay)."""
    from lantern.composition import database, utc_now
    from tracking.core.errors import InvalidInput
    from tracking.core.sites import check_origin
    from tracking.storage.sites import SqlSites

    try:
        clean = check_origin(origin)
    except InvalidInput as error:
        fail(error.message)

    async def go() -> None:
        async with database(settings) as engine:
            await SqlSites(engine, clock=utc_now).remove(clean)

    run(go)
    click.echo(f"{clean} removed; its tag no longer counts anything")
