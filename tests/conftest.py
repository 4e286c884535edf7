"""Shared fixtures: a fresh database per test, on SQLite and again on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp import web

from bot.dependencies import BOT_DEPENDENCIES

PG_DSN = os.environ.get("LANTERN_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL server")


async def _create_pg_database() -> str:
    name = f"lantern_t_{uuid.uuid4().hex[:12]}"
    try:
        connection = await asyncpg.connect(PG_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL at {PG_DSN} is unreachable: {error}"
        if IN_CI:
            pytest.fail(message + " (CI=true: a PostgreSQL test never skips)")
        pytest.skip(message)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return name


async def _drop_pg_database(name: str) -> None:
    connection = await asyncpg.connect(PG_DSN, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def pg_url(name: str) -> str:
    """The SQLAlchemy URL of a test database on the shared server."""
    base = PG_DSN.rsplit("/", 1)[0].split("://", 1)[1]
    return f"postgresql+asyncpg://{base}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database, once per backend: every storage test runs on both."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}"
        return
    name = await _create_pg_database()
    try:
        yield pg_url(name)
    finally:
        await _drop_pg_database(name)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """An empty PostgreSQL database, for behaviour only PostgreSQL has (notifications, partitions)."""
    name = await _create_pg_database()
    try:
        yield pg_url(name)
    finally:
        await _drop_pg_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An SQLite file for tests that need only one backend (HTTP and CLI flows)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No LANTERN_ variable or .env from the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("LANTERN_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


def hand_bots(app: web.Application, **replaced: Any) -> web.Application:
    """Give the bots of a not yet started app other dependencies (a stats service that fails, say).

    Runs right after the composition root's start-up, before any bot reads
    `BOT_DEPENDENCIES`: the bots then hold the replacement for their lifetime.
    """

    async def replace_dependencies(app: web.Application) -> AsyncIterator[None]:
        dependencies = app[BOT_DEPENDENCIES]
        extra: dict[str, Any] = {}
        if "stats" in replaced and "questions" not in replaced:  # questions are answered by that service too
            extra["questions"] = dependencies.questions.answering_with(replaced["stats"])
        app[BOT_DEPENDENCIES] = replace(dependencies, **replaced, **extra)
        yield

    if replaced:
        app.cleanup_ctx.insert(1, replace_dependencies)
    return app
