"""Test databases: a SQLite file, and PostgreSQL in a throw-away schema (or database).

PostgreSQL tests run when the server answers; with SIPBOT_REQUIRE_POSTGRES=1
(as `.ci/run` sets) an unreachable server fails them instead of skipping.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import create_engine, migrate

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("SIPBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def postgres_required() -> bool:
    return os.environ.get("SIPBOT_REQUIRE_POSTGRES") == "1"


async def _postgres_reachable(url: str) -> str | None:
    engine = create_engine(url, connect_args={"timeout": 3})
    try:
        async with engine.connect() as connection:
            await connection.execute(text("select 1"))
        return None
    except Exception as exc:  # any failure means: not usable here
        return f"{type(exc).__name__}: {exc}"
    finally:
        await engine.dispose()


@asynccontextmanager
async def sqlite_database(folder: Path) -> AsyncIterator[tuple[str, AsyncEngine]]:
    url = f"sqlite+aiosqlite:///{folder / 'sipbot.db'}"
    engine = create_engine(url)
    await migrate(engine)
    try:
        yield url, engine
    finally:
        await engine.dispose()


async def reachable_postgres() -> str:
    """The test server's URL; skips the test when it does not answer, or fails it when
    SIPBOT_REQUIRE_POSTGRES=1."""
    base = postgres_url()
    problem = await _postgres_reachable(base)
    if problem is not None:
        if postgres_required():
            pytest.fail(
                f"PostgreSQL required (SIPBOT_REQUIRE_POSTGRES=1) but unreachable: {problem}"
            )
        pytest.skip(f"PostgreSQL not reachable at {base}: {problem}")
    return base


@asynccontextmanager
async def postgres_database() -> AsyncIterator[tuple[str, AsyncEngine]]:
    base = await reachable_postgres()
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(base, connect_args={"server_settings": {"search_path": schema}})
    try:
        await migrate(engine)
        yield base, engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@asynccontextmanager
async def postgres_scratch_database() -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A whole throw-away database, migrated, dropped afterwards: for other processes
    (`python -m bot`), which take a plain DATABASE_URL and no search_path."""
    base = await reachable_postgres()
    name = f"sipbot_t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        await migrate(engine)
        yield url, engine
    finally:
        await engine.dispose()
        async with admin.connect() as connection:
            # FORCE: a bot process killed or still stopping may hold a connection.
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
