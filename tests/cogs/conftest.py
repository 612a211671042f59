from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.conftest import MovableClock
from tests.databases import sqlite_database
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server
        server.assert_no_unhandled()


@pytest_asyncio.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path) as (_url, engine):
        yield engine


@pytest_asyncio.fixture
async def bot(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> AsyncIterator[SipBot]:
    async with running_bot(fake, sqlite_engine, clock) as running:
        yield running
