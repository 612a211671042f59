"""Gateway leases and shard-scoped claims, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit import standby, work
from bot.kit.work import WorkEngine
from storage import gateway
from storage import work as store
from storage.database import session_factory
from tests.clock import MovableClock

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TTL = timedelta(seconds=4)


async def take(database: AsyncEngine, shard: int, holder: str, now: datetime) -> bool:
    async with session_factory(database)() as db, db.begin():
        return await gateway.take(db, shard, 2, holder, now, TTL)


async def test_a_lease_is_held_by_one_process_until_it_expires_or_is_given_back(
    engine: AsyncEngine,
) -> None:
    assert await take(engine, 0, "a", NOW) is True
    assert await take(engine, 0, "b", NOW + timedelta(seconds=1)) is False
    assert await take(engine, 1, "b", NOW) is True  # another shard is free
    assert await take(engine, 0, "a", NOW + timedelta(seconds=3)) is True  # renewed
    assert await take(engine, 0, "b", NOW + timedelta(seconds=6)) is False  # not yet expired
    assert await take(engine, 0, "b", NOW + timedelta(seconds=7, milliseconds=1)) is True
    assert await take(engine, 0, "a", NOW + timedelta(seconds=8)) is False  # lost for good
    async with session_factory(engine)() as db, db.begin():
        assert await gateway.give_back(db, [0, 1], "b") == 2
    assert await take(engine, 0, "a", NOW + timedelta(seconds=8)) is True
    async with session_factory(engine)() as db:
        (held,) = await gateway.holders(db)
    assert (held.shard_id, held.holder, held.expires_at) == (0, "a", NOW + timedelta(seconds=12))


async def test_two_processes_racing_for_a_free_shard_get_it_once(engine: AsyncEngine) -> None:
    results = await asyncio.gather(*(take(engine, 0, f"p{i}", NOW) for i in range(8)))
    assert results.count(True) == 1


async def test_a_process_holds_all_its_shards_or_none(engine: AsyncEngine) -> None:
    clock = MovableClock(NOW)
    other = standby.GatewayLeases(session_factory(engine), clock, (1,), 2, holder="other")
    assert await other._take_all()
    mine = standby.GatewayLeases(session_factory(engine), clock, (0, 1), 2, holder="mine")
    assert not await mine._take_all()
    async with session_factory(engine)() as db:
        assert [(h.shard_id, h.holder) for h in await gateway.holders(db)] == [(1, "other")]


def guild_on(shard: int, count: int, n: int) -> int:
    """A guild id on `shard` of `count`, as Discord would place it."""
    base = 1_000_000_000 - 1_000_000_000 % count
    return ((base + n * count + shard) << 22) | n


@given(st.integers(0, 2**62), st.integers(1, 16))
def test_a_guild_is_on_the_shard_discord_puts_it_on(guild_id: int, count: int) -> None:
    shards = store.Shards(count, tuple(range(count)))
    assert shards.of(guild_id) == (guild_id >> 22) % count


@pytest.mark.parametrize("count", [2, 3])
async def test_a_process_claims_only_the_work_of_its_shards_guilds(
    engine: AsyncEngine, count: int
) -> None:
    works = WorkEngine(session_factory(engine), MovableClock(NOW))
    guilds = {shard: [guild_on(shard, count, n) for n in range(3)] for shard in range(count)}
    async with works.db() as db, db.begin():
        for shard, ids in guilds.items():
            for n, guild_id in enumerate(ids):
                await works.add(db, kind="test", key=f"k:{shard}:{n}", guild_id=guild_id,
                                due_at=NOW - timedelta(minutes=1))  # fmt: skip
    claimed: dict[int, set[int]] = {}
    for shard in range(count):
        mine = store.Shards(count, (shard,))
        async with works.db() as db, db.begin():
            items = await store.claim_due(db, NOW, ["test"], work.LEASE, 100, mine)
            assert await store.next_wake_at(db, ["test"], mine) is not None
        claimed[shard] = {item.guild_id for item in items}
    assert claimed == {shard: set(ids) for shard, ids in guilds.items()}
