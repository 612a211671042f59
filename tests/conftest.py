from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.databases import postgres_database, sqlite_database
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """The same storage test on both backends."""
    if request.param == "sqlite":
        async with sqlite_database(tmp_path) as (_url, created):
            yield created
    else:
        async with postgres_database() as (_url, created):
            yield created


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server
        server.assert_no_unhandled()


@pytest_asyncio.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path) as (_url, created):
        yield created


@pytest_asyncio.fixture
async def bot(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> AsyncIterator[SipBot]:
    async with running_bot(fake, sqlite_engine, clock) as running:
        yield running
