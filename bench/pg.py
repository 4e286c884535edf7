"""Throw-away PostgreSQL databases for benchmarks, on the server the tests use."""

from __future__ import annotations

import os
import uuid

import asyncpg

PG_DSN = os.environ.get("LANTERN_BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


async def create_database(prefix: str = "lantern_bench") -> tuple[str, str]:
    """A new empty database: its name and its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(PG_DSN)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    base = PG_DSN.rsplit("/", 1)[0].split("://", 1)[1]
    return name, f"postgresql+asyncpg://{base}/{name}"


async def drop_database(name: str) -> None:
    """Remove a database made by create_database."""
    connection = await asyncpg.connect(PG_DSN)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
