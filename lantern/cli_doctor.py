"""`lantern doctor`: one line per configuration check, non-zero exit when one fails."""

from __future__ import annotations

import sys

import click

from tracking.settings import Settings


@click.command()
@click.pass_obj
def doctor(settings: Settings) -> None:
    """Check the database, the base URL and each configured bot against its platform."""
    from lantern.cli import run
    from lantern.doctor import Status, run_checks

    checks = run(lambda: run_checks(settings))
    for check in checks:
        click.echo(check.line())
    failed = [check for check in checks if check.status is Status.FAIL]
    if failed:
        click.echo(f"lantern: {len(failed)} check(s) failed; each line above says how to fix it", err=True)
        sys.exit(1)
