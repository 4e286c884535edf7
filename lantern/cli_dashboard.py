"""`lantern user …` and `lantern share …`: dashboard accounts and shared read-only views."""

from __future__ import annotations

import click

from lantern.cli import run
from tracking.core.accounts import Share, share_url, sign_in_url
from tracking.settings import Settings


@click.group()
def user() -> None:
    """People who may sign in to the dashboard."""


@user.command("add")
@click.argument("email")
@click.pass_obj
def user_add(settings: Settings, email: str) -> None:
    """Add EMAIL (or find it again) and print a one-time sign-in link, valid for 24 hours."""
    from lantern.composition import database, utc_now
    from tracking.storage.accounts import SqlAccounts

    async def go() -> str:
        async with database(settings) as engine:
            return await SqlAccounts(engine, clock=utc_now).add_user(email=email)

    token = run(go)
    click.echo(sign_in_url(settings.base_url, token))
    click.echo("One-time sign-in link: it works once, within 24 hours.", err=True)


@click.group()
def share() -> None:
    """Shared read-only dashboards: anyone with the URL sees the numbers, nothing else."""


@share.command("create")
@click.argument("name")
@click.option("--question", "-q", default=None, help='Open on this question, e.g. "clicks this month".')
@click.pass_obj
def share_create(settings: Settings, name: str, question: str | None) -> None:
    """Create a shared view called NAME and print its absolute URL."""
    from lantern.composition import database, utc_now
    from tracking.storage.accounts import SqlAccounts

    async def go() -> Share:
        async with database(settings) as engine:
            return await SqlAccounts(engine, clock=utc_now).create_share(name=name, question=question)

    click.echo(share_url(settings.base_url, run(go).token))


@share.command("list")
@click.pass_obj
def share_list(settings: Settings) -> None:
    """Every shared view: name, state, URL (and its question)."""
    from lantern.composition import database, utc_now
    from tracking.storage.accounts import SqlAccounts

    async def go() -> list[Share]:
        async with database(settings) as engine:
            return await SqlAccounts(engine, clock=utc_now).shares()

    shares = run(go)
    if not shares:
        click.echo("no shares yet; make one with `lantern share create NAME`")
    for item in shares:
        state = "revoked" if item.revoked else "live"
        question = f"  q={item.question!r}" if item.question else ""
        click.echo(f"{item.name}\t{state}\t{share_url(settings.base_url, item.token)}{question}")


@share.command("revoke")
@click.argument("name")
@click.pass_obj
def share_revoke(settings: Settings, name: str) -> None:
    """Make the shared view NAME answer 404 from now on."""
    from lantern.composition import database, utc_now
    from tracking.storage.accounts import SqlAccounts

    async def go() -> None:
        async with database(settings) as engine:
            await SqlAccounts(engine, clock=utc_now).revoke_share(name=name)

    run(go)
    click.echo(f"share {name.strip()!r} revoked")
