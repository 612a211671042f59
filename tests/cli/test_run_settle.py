"""At exit, what still runs is cancelled and awaited before the engine is disposed
(bot/cli/run.py `settle`): a read cancelled once the bot has closed gives its
connection back to the pool instead of being cancelled again in its rollback."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from bot.cli import run
from storage.database import create_engine, session_factory


async def test_a_read_still_open_at_exit_gives_its_connection_back_first(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite'}")
    db = session_factory(engine)
    async with db() as session, session.begin():
        await session.execute(text("CREATE TABLE t (x INTEGER)"))
    inside = asyncio.Event()

    async def reading() -> None:
        async with db() as session, session.begin():
            await session.execute(text("INSERT INTO t VALUES (1)"))
            inside.set()
            await asyncio.Event().wait()  # as a reconciliation waiting on Discord

    pool = engine.pool
    assert isinstance(pool, QueuePool)
    task = asyncio.create_task(reading(), name="reconciliation")
    await inside.wait()
    assert pool.checkedout() == 1
    await run.settle()
    assert task.cancelled()
    assert pool.checkedout() == 0  # back in the pool, rolled back
    async with db() as session:
        assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
    await engine.dispose()


async def test_a_task_that_will_not_stop_is_named_and_does_not_hold_the_exit(
    caplog: pytest.LogCaptureFixture,
) -> None:
    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                continue  # ignores being cancelled

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0)  # it starts and waits
    with caplog.at_level(logging.WARNING, logger="bot"):
        await run.settle(within=0.05)
    assert not task.done()
    assert [r.getMessage() for r in caplog.records] == ["still running at exit: stubborn"]
    release.set()
    await task
