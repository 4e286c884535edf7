"""`lantern config example`: every setting with its default and purpose, ready to become `.env`."""

from __future__ import annotations

import click


@click.group()
def config() -> None:
    """Settings (LANTERN_* variables and .env)."""


@config.command("example")
def config_example() -> None:
    """Print .env.example: every setting, its default and what it is for."""
    from tracking.settings_example import env_example

    click.echo(env_example(), nl=False)
