"""A holder cut off from its database lets go of the gateway before its lease can pass
to another process; a standby takes the lease once it has expired."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit import standby
from storage import gateway
from storage.database import session_factory
from tests.clock import MovableClock


class Partition:
    """A session factory that stops reaching the database when told to."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.factory = session_factory(engine)
        self.cut = False

    def __call__(self) -> Any:
        if self.cut:
            return _unreachable()
        return self.factory()


@contextlib.asynccontextmanager
async def _unreachable() -> AsyncIterator[Any]:
    raise OSError("connection refused")
    yield  # pragma: no cover


async def test_a_holder_cut_off_from_the_database_closes_its_gateway_in_time(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(standby, "RENEW_EVERY", 0.05)
    monkeypatch.setattr(standby, "FENCE_AFTER", 0.3)
    # PostgreSQL reads its own clock: a lease short enough to run out during the test
    monkeypatch.setattr(standby, "TTL", timedelta(seconds=0.8))
    clock = MovableClock()
    link = Partition(engine)
    holder = standby.GatewayLeases(link, clock, (0,), 1, holder="holder")  # type: ignore[arg-type]
    await holder.acquire()
    closed = asyncio.Event()

    async def close_gateway() -> None:
        closed.set()

    holder.keep(close_gateway)
    await asyncio.sleep(0.2)
    assert not closed.is_set()  # renewing: still the holder
    link.cut = True
    cut_at = asyncio.get_running_loop().time()
    await asyncio.wait_for(closed.wait(), timeout=2)
    fenced_after = asyncio.get_running_loop().time() - cut_at
    assert holder.lost and fenced_after < 0.3 + 0.1
    # the lease it last renewed still runs: nobody else may hold the gateway yet
    other = standby.GatewayLeases(session_factory(engine), clock, (0,), 1, holder="standby")
    assert not await other._take_all()
    deadline = asyncio.get_running_loop().time() + 5
    while not await other._take_all():  # once the lease ran out, the standby takes it
        assert asyncio.get_running_loop().time() < deadline, "the lease never ran out"
        clock.advance(seconds=0.2)
        await asyncio.sleep(0.05)
    async with session_factory(engine)() as db:
        assert [lease.holder for lease in await gateway.holders(db)] == ["standby"]
    await holder.release()


async def test_a_clean_stop_gives_the_lease_back_at_once(engine: AsyncEngine) -> None:
    clock = MovableClock()
    first = standby.GatewayLeases(session_factory(engine), clock, (0, 1), 2, holder="first")
    await first.acquire()
    second = standby.GatewayLeases(session_factory(engine), clock, (0, 1), 2, holder="second")
    assert not await second._take_all()
    await first.release()
    await asyncio.wait_for(second.acquire(), timeout=2)
    assert timedelta(0) < standby.TTL
