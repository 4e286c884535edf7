"""`lantern api-key list`: which keys exist, without ever showing one."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from tracking.settings import Settings

if TYPE_CHECKING:
    from tracking.storage.api_keys import ApiKeyInfo


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.pass_obj
def api_key_list(settings: Settings, as_json: bool) -> None:
    """List API keys: name, first characters, created, live or revoked (the key itself is never kept).

    When a key was last used is not recorded.
    """
    from lantern.cli import run
    from lantern.composition import database, utc_now
    from tracking.storage.api_keys import SqlApiKeys

    async def go() -> list[ApiKeyInfo]:
        async with database(settings) as engine:
            return await SqlApiKeys(engine, clock=utc_now).list_keys()

    keys = run(go)
    rows = [
        {
            "name": key.name,
            "starts_with": key.prefix + "…",
            "created_at": key.created_at.isoformat(timespec="seconds"),
            "state": "revoked" if key.revoked else "live",
        }
        for key in keys
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no API keys yet; make one with `lantern api-key create NAME`", err=True)
        return
    width = max(4, *(len(row["name"]) for row in rows))
    click.echo(f"{'NAME'.ljust(width)}  STARTS WITH  CREATED                    STATE")
    for row in rows:
        click.echo(
            f"{row['name'].ljust(width)}  {row['starts_with'].ljust(11)}  {row['created_at'].ljust(25)}  "
            f"{row['state']}"
        )
