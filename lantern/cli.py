"""The `lantern` command line: a thin adapter over the same core the bots and API use."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from lantern import redaction
from tracking.core.errors import LanternError
from tracking.core.links import SharerRef
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings

if TYPE_CHECKING:
    from aiohttp import web

T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit: how every CLI error ends."""
    click.echo(f"lantern: {message}", err=True)
    sys.exit(code)


def load_settings() -> Settings:
    """Settings from the environment, with a readable message instead of a traceback."""
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            (f"LANTERN_{'_'.join(str(p) for p in e['loc']).upper()}: " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ")
            for e in error.errors()
        )

        fail(f"bad configuration: {problems}", code=2)


def run(coroutine_factory: Callable[[], Awaitable[T]]) -> T:
    """Run an async command, turning user errors into one-line messages."""

    async def main() -> T:
        return await coroutine_factory()

    with one_line_errors():
        return asyncio.run(main())
    raise AssertionError("unreachable: one_line_errors exits on every error")


@contextlib.contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn a user error, an unreachable database or a database error into one `lantern:` line."""
    try:
        yield
    except LanternError as error:
        fail(error.message)
    except OSError as error:
        fail(f"cannot reach the database: {error}")
    except SQLAlchemyError as error:
        first_line = str(error.orig if isinstance(error, DBAPIError) else error).splitlines()[0]
        hint = (
            " (has `lantern db upgrade` been run?)"
            if "no such table" in first_line or ("does not exist" in first_line)
            else ""
        )
        fail(f"database error: {first_line[:300]}{hint}")


def parse_when(value: str | None) -> datetime | None:
    """An ISO-8601 date or time; a time without zone is taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(f"not an ISO-8601 date or time: {value!r} (e.g. 2026-12-31 or 2026-12-31T18:00+01:00)")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@click.group()
@click.version_option(package_name="lantern", prog_name="lantern", message="%(prog)s %(version)s")
@click.option("--log-level", default=None, help="Override LANTERN_LOG_LEVEL.")
@click.pass_context
def main(ctx: click.Context, log_level: str | None) -> None:
    """Lantern: tagged short links and attribution for dark social."""
    settings = load_settings()
    level = (log_level or settings.log_level).upper()
    if level not in LOG_LEVELS:
        fail(f"unknown log level {level!r}; use one of {', '.join(LOG_LEVELS)}", code=2)
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    redaction.install(settings)
    ctx.obj = settings


@main.command()
@click.option("--host", default=None, help="Listen address (default LANTERN_HOST).")
@click.option("--port", default=None, type=int, help="Listen port (default LANTERN_PORT).")
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1, max=64),
    help="Processes sharing the port (default LANTERN_WORKERS).",
)
@click.option("--reuse-port", is_flag=True, hidden=True, help="Set by the supervisor for its workers.")
@click.pass_obj
def serve(
    settings: Settings, host: str | None, port: int | None, workers: int | None, reuse_port: bool
) -> None:
    """Run the tracker, the API and every configured bot in one process (or N sharing the port)."""
    from lantern.composition import access_log_options, build_app, prepare_database
    from tracking.storage.visitor_key import VisitorKeyError, load_visitor_key

    host = host if host is not None else settings.host
    port = port if port is not None else settings.port
    workers = workers if workers is not None else settings.workers
    listening = listen(host, port, reuse_port=reuse_port or workers > 1)  # a taken port: one line, first
    try:  # made here, once, before workers start (each then reads the same key)
        load_visitor_key(settings)
    except (VisitorKeyError, OSError) as error:
        fail(f"visitor key: {error}", code=2)
    if workers > 1 and not reuse_port:
        from lantern.workers import Supervisor, worker_command

        listening.close()  # the port is free; each worker binds it (SO_REUSEPORT)
        run(lambda: prepare_database(settings))  # migrate once, before the workers race for it
        os.environ["LANTERN_LOG_LEVEL"] = logging.getLevelName(logging.getLogger().level)  # --log-level too

        click.echo(
            f"Lantern serving on http://{host}:{port} with {workers} workers "
            f"(short links: {settings.base_url})",
            err=True,
        )
        sys.exit(Supervisor(worker_command(host, port), workers, drain_timeout=SHUTDOWN_TIMEOUT + 5).run())
    try:
        app = build_app(settings)
    except LanternError as error:
        fail(error.message)
    if not reuse_port:
        click.echo(f"Lantern serving on http://{host}:{port} (short links: {settings.base_url})", err=True)
    run_server(app, sock=listening, access_log=access_log_options(settings))


def listen(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """The listening socket, bound before "serving on" is printed; a taken port is one `lantern:` line."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family, reuse_port=reuse_port, backlog=128)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")


def run_server(
    app: web.Application,
    *,
    sock: socket.socket | None = None,
    host: str | None = None,
    port: int | None = None,
    reuse_port: bool = False,
    access_log: dict[str, Any] | None = None,
) -> None:
    """Serve the app until SIGTERM/SIGINT, draining in-flight requests (the benchmark serves this way too).

    `lantern serve` hands in a socket it has bound already; errors at start-up are one `lantern:` line.
    """
    from aiohttp import web

    app.on_startup.append(_tune_gc)
    with one_line_errors():
        web.run_app(
            app,
            sock=sock,
            host=None if sock is not None else host,
            port=None if sock is not None else port,
            **(access_log or {"access_log": None}),
            print=None,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
            reuse_port=(reuse_port or None) if sock is None else None,
        )


#: Seconds a stopping process waits for in-flight requests (and so their visit batches).
SHUTDOWN_TIMEOUT = 10.0


async def _tune_gc(_app: object) -> None:
    """Keep full garbage collections off the redirect path.

    Everything alive after start-up (rule tables, parsers, SQLAlchemy's
    metadata) lives as long as the process; frozen, a full collection no
    longer walks it. Unfrozen, those walks were 50-70 ms pauses that made
    the redirect's p99 latency.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)


@main.command()
@click.argument("url")
@click.option("--channel", "-c", default=None, help="Where it will be shared: whatsapp, email, sms, …")
@click.option("--campaign", default=None, help="Campaign name (utm_campaign).")
@click.option("--slug", default=None, help="Custom slug instead of a random one.")
@click.option("--sharer", default=None, help="Who shares it (goes into utm_content as a handle).")
@click.option("--expires", default=None, help="Expiry, ISO-8601 (e.g. 2026-12-31T23:59+01:00).")
@click.option("--max-clicks", type=int, default=None, help="Answer 410 after this many real clicks.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of the short URL.")
@click.pass_obj
def shorten(
    settings: Settings,
    url: str,
    channel: str | None,
    campaign: str | None,
    slug: str | None,
    sharer: str | None,
    expires: str | None,
    max_clicks: int | None,
    as_json: bool,
) -> None:
    """Make (or find again) a tagged short link for URL."""
    from lantern.composition import build_shortener, database
    from tracking.storage.links import SqlLinkRepository

    request = ShortenRequest(
        url=url.strip(),
        channel=channel,
        campaign=campaign,
        slug=slug,
        sharer=SharerRef("cli", sharer, sharer) if sharer else None,
        expires_at=parse_when(expires),
        max_clicks=max_clicks,
    )

    async def go() -> dict[str, object]:
        async with database(settings) as engine:
            result = await build_shortener(settings, SqlLinkRepository(engine)).shorten(request)
        return result.as_json()

    out = run(go)
    click.echo(json.dumps(out, indent=2) if as_json else out["short_url"])


@main.group()
def links() -> None:
    """Manage existing links."""


def _set_disabled(settings: Settings, slug: str, *, disabled: bool) -> None:
    from lantern.composition import build_shortener, database
    from tracking.storage.links import SqlLinkRepository

    async def go() -> None:
        async with database(settings) as engine:
            await build_shortener(settings, SqlLinkRepository(engine)).set_disabled(slug, disabled=disabled)

    run(go)
    click.echo(f"{slug}: {'disabled' if disabled else 'enabled'}")


@links.command("disable")
@click.argument("slug")
@click.pass_obj
def links_disable(settings: Settings, slug: str) -> None:
    """Make SLUG answer 410 Gone."""
    _set_disabled(settings, slug, disabled=True)


@links.command("enable")
@click.argument("slug")
@click.pass_obj
def links_enable(settings: Settings, slug: str) -> None:
    """Make a disabled SLUG redirect again."""
    _set_disabled(settings, slug, disabled=False)


@main.command()
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    required=True,
    metavar="DAYS",
    help="Delete raw visits older than this many days.",
)
@click.pass_obj
def prune(settings: Settings, days: int) -> None:
    """Delete old raw visits; counts (roll-ups) are kept, unique visitors before then are not."""
    from lantern.composition import BATCH_IDS_KEPT, database, utc_now
    from tracking.storage.maintenance import prune_visits
    from tracking.storage.visits import SqlVisitStore

    before = utc_now() - timedelta(days=days)

    async def go() -> int:
        async with database(settings) as engine:
            await SqlVisitStore(engine).forget_batches(before=utc_now() - BATCH_IDS_KEPT)
            return await prune_visits(engine, before=before)

    click.echo(f"deleted {run(go)} raw visits older than {before:%Y-%m-%d %H:%M} UTC; counts are kept")


@main.command()
@click.option("--since", default=None, help="Only visits from this date (ISO-8601); default all.")
@click.pass_obj
def reclassify(settings: Settings, since: str | None) -> None:
    """Re-apply the current attribution rules to stored visits, so history improves with the rules."""
    from lantern.composition import build_classifier, database
    from tracking.storage.maintenance import Reclassifier, ReclassifyReport

    start = parse_when(since)

    async def go() -> ReclassifyReport:
        async with database(settings) as engine:
            job = Reclassifier(
                engine,
                classifier=build_classifier(settings),
                tz=settings.zone,
                window=timedelta(hours=settings.preview_window_hours),
            )
            total = await job.count(start)
            with click.progressbar(length=total, label="re-classifying visits", file=sys.stderr) as bar:
                return await job.run(start, bar.update)

    report = run(go)
    click.echo(
        f"examined {report.examined} visits: {report.changed} changed, "
        f"{report.skipped} skipped (private or stored without a user agent)"
    )


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option(
    "--chart",
    "chart_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write a PNG chart of the breakdown or series to this file.",
)
@click.option("--as-of", "as_of", default=None, help="Answer as if it were this moment (ISO-8601).")
@click.pass_obj
def stats(
    settings: Settings, question: str, as_json: bool, chart_file: str | None, as_of: str | None
) -> None:
    """Answer a question such as "clicks from messaging this week"."""
    from lantern.composition import build_stats, database, utc_now
    from tracking.core.questions.model import Answer, QuestionNotUnderstood
    from tracking.core.questions.parser import parse_question
    from tracking.core.questions.render import answer_to_json, render_text

    now = parse_when(as_of) or utc_now()
    try:
        interpretation = parse_question(question, now=now, tz=settings.zone)
    except QuestionNotUnderstood as error:
        fail(explain_not_understood(error))

    async def go() -> Answer:
        async with database(settings) as engine:
            return await build_stats(settings, engine).answer(interpretation, now=now)

    answer = run(go)
    if chart_file is not None:
        if not answer.rows:
            fail("this answer has no breakdown or series to chart; ask e.g. 'clicks by day this week'")
        from tracking.charts import render_chart

        with open(chart_file, "wb") as out:
            out.write(render_chart(answer))
    click.echo(json.dumps(answer_to_json(answer), indent=2) if as_json else render_text(answer))


def explain_not_understood(error: Exception) -> str:
    """The parser's message, what it understood, and questions it can answer, on one line each."""
    from tracking.core.questions.model import QuestionNotUnderstood

    assert isinstance(error, QuestionNotUnderstood)
    lines = [error.message]
    if error.understood:
        lines.append("understood: " + ", ".join(error.understood))
    lines.append("try: " + " · ".join(f'"{s}"' for s in error.suggestions))
    return "\n  ".join(lines)


@main.group("api-key")
def api_key() -> None:
    """API keys for the HTTP API (bearer tokens)."""


@api_key.command("create")
@click.argument("name")
@click.pass_obj
def api_key_create(settings: Settings, name: str) -> None:
    """Create a key named NAME and print it once; only its hash is stored."""
    from lantern.composition import database, utc_now
    from tracking.storage.api_keys import SqlApiKeys

    async def go() -> str:
        async with database(settings) as engine:
            return await SqlApiKeys(engine, clock=utc_now).create(name)

    key = run(go)
    click.echo(key)
    click.echo(f"API key {name!r} created. It is shown only this once: store it now.", err=True)


@api_key.command("revoke")
@click.argument("name")
@click.pass_obj
def api_key_revoke(settings: Settings, name: str) -> None:
    """Make the key named NAME stop working."""
    from lantern.composition import database, utc_now
    from tracking.storage.api_keys import SqlApiKeys

    async def go() -> None:
        async with database(settings) as engine:
            await SqlApiKeys(engine, clock=utc_now).revoke(name)

    run(go)
    click.echo(f"API key {name!r} revoked")


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@click.pass_obj
def db_upgrade(settings: Settings, revision: str) -> None:
    """Apply migrations (Alembic) to LANTERN_DATABASE_URL."""
    from lantern.composition import utc_now
    from tracking.storage import migrate
    from tracking.storage.engine import create_engine
    from tracking.storage.partitions import ensure_partitions

    async def go() -> str | None:
        engine = create_engine(settings.database_url)
        try:
            await migrate.upgrade(engine, revision)
            if revision == "head":
                await ensure_partitions(engine, utc_now())
            return await migrate.current_revision(engine)

        finally:
            await engine.dispose()

    click.echo(f"database at revision {run(go)}")


#: Where `lantern ranges update` reads when no --from is given: the providers' own published files.
DEFAULT_RANGE_SOURCES = (
    "https://ip-ranges.amazonaws.com/ip-ranges.json",
    "https://www.gstatic.com/ipranges/cloud.json",
)


@main.group("ranges")
def ranges_group() -> None:
    """Published cloud and mail-provider address ranges (evidence for scanners that look like browsers)."""


@ranges_group.command("show")
@click.pass_obj
def ranges_show(settings: Settings) -> None:
    """Which ranges are in use, how old they are, and how many each provider has."""
    from pathlib import Path

    from tracking.address_ranges import load_ranges

    path = Path(settings.address_ranges_file)
    try:
        document = load_ranges(path)
    except LanternError as error:
        fail(f"cannot read {path}: {error.message}")
    where = str(path) if path.is_file() else "the snapshot shipped with Lantern"
    click.echo(f"{len(document.ranges)} ranges dated {document.date or 'unknown'}, from {where}")
    click.echo(f"source: {document.source}")
    for provider, (category, count) in document.by_provider().items():
        click.echo(f"  {provider:<28} {category:<6} {count}")


async def _fetch_source(source: str) -> bytes:
    """A ranges file from a path or an http(s) URL."""
    from pathlib import Path

    import aiohttp

    if source.startswith(("http://", "https://")):
        timeout = aiohttp.ClientTimeout(total=60)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session, session.get(source) as response:
                if response.status != 200:
                    raise OSError(f"it answered HTTP {response.status}")
                return await response.read()
        except aiohttp.ClientError as error:
            raise OSError(str(error) or type(error).__name__) from error
    return await asyncio.to_thread(Path(source).read_bytes)


@ranges_group.command("update")
@click.option(
    "--from",
    "sources",
    multiple=True,
    help="A file or http(s) URL: Lantern's format, AWS ip-ranges.json, Google's JSON, or one range per line "
    "(repeatable; default: AWS's and Google Cloud's published files).",
)
@click.option("--provider", default="", help="Provider name for sources that do not say (plain lists).")
@click.option(
    "--category",
    type=click.Choice(["cloud", "mail"]),
    default="cloud",
    show_default=True,
    help="What the ranges of a plain list are.",
)
@click.pass_obj
def ranges_update(settings: Settings, sources: tuple[str, ...], provider: str, category: str) -> None:
    """Refresh the ranges without a release: the providers read replace their old ranges, the rest stay."""
    from pathlib import Path

    from tracking.address_ranges import (
        RangesDocument,
        load_ranges,
        merge_documents,
        parse_ranges,
        write_ranges,
    )

    path = Path(settings.address_ranges_file)
    chosen = sources or DEFAULT_RANGE_SOURCES

    async def go() -> list[RangesDocument]:
        found = []
        for source in chosen:
            try:
                raw = await _fetch_source(source)
            except (OSError, TimeoutError) as error:
                fail(f"cannot read {source}: {error or type(error).__name__}")
            found.append(parse_ranges(raw, provider=provider, category=category))
        return found

    fresh = run(go)
    current = load_ranges(path)
    replaced = {r.provider for doc in fresh for r in doc.ranges}
    kept = RangesDocument(
        current.date, current.source, tuple(r for r in current.ranges if r.provider not in replaced)
    )
    merged = merge_documents(
        [kept, *fresh], source="; ".join([*(d.source for d in fresh), "kept: " + current.source])
    )
    write_ranges(path, merged)
    click.echo(
        f"{len(merged.ranges)} address ranges dated {merged.date} written to {path} "
        f"(updated: {', '.join(sorted(replaced))}); running trackers reload them within a minute"
    )


def _add_command_modules() -> None:
    """Commands kept in their own modules; each imports what it needs only when it runs."""
    from lantern.cli_api_keys import api_key_list
    from lantern.cli_config import config
    from lantern.cli_dashboard import share, user
    from lantern.cli_doctor import doctor
    from lantern.cli_forwarding import ga4, webhook
    from lantern.cli_links import links_list, links_show
    from lantern.cli_sites import site

    links.add_command(links_list)
    links.add_command(links_show)
    api_key.add_command(api_key_list)
    main.add_command(config)
    main.add_command(doctor)
    main.add_command(webhook)
    main.add_command(ga4)
    main.add_command(site)
    main.add_command(user)
    main.add_command(share)


if __name__ == "__main__":
    # `python -m lantern.cli`: run the module proper. The command modules import `lantern.cli`
    # back, so this `__main__` copy must not add them too (workers start as `python -m lantern`).
    from lantern.cli import main as lantern_main

    lantern_main()
else:
    _add_command_modules()
