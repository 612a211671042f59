"""The guild's settings, kept for a while and read once when they expire: a burst of
commands that finds them expired together waits for one read, not one each."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.fakediscord import FakeDiscord


def expire_everything(bot: SipBot) -> None:
    """As if the cache's time to live had passed for every value."""
    cache = bot.services._cache  # the test ages the values rather than waiting
    for key, (at, value) in list(cache.items()):
        cache[key] = (at - 10 * bot.services.cache_ttl, value)


def count_reads(engine: AsyncEngine, table: str) -> list[str]:
    """The statements that read `table` from now on (SELECT ... FROM table)."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        text = " ".join(statement.split()).lower()
        if text.startswith("select") and f"from {table}" in text:
            seen.append(text)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    return seen


async def test_a_burst_after_expiry_reads_the_settings_once(
    bot: SipBot, fake: FakeDiscord, sqlite_engine: AsyncEngine
) -> None:
    first = await fake.slash("setup show")
    assert first.embeds, first
    expire_everything(bot)
    reads = count_reads(sqlite_engine, "guild_config")
    burst = [fake.send_prepared(*fake.prepare_slash("setup show")) for _ in range(60)]
    await fake.wait_for(
        lambda: all(r.pending.callback_at is not None for r in burst),
        timeout=10,
        what="the 60 answers",
    )
    titles = {str(r.embeds[0]["title"]) for r in burst}
    assert titles == {str(first.embeds[0]["title"])}
    assert len(reads) == 1, reads


async def test_waiters_share_one_load_and_a_cancelled_one_leaves_the_others(
    bot: SipBot,
) -> None:
    services = bot.services
    gate = asyncio.Event()
    loads: list[int] = []

    async def load() -> int:
        loads.append(1)
        await gate.wait()
        return 42

    waiters = [asyncio.create_task(services.cached("probe", 7, load)) for _ in range(20)]
    await asyncio.sleep(0)
    waiters[0].cancel()
    gate.set()
    results = await asyncio.gather(*waiters[1:])
    assert results == [42] * 19
    assert waiters[0].cancelled()
    assert loads == [1]
    assert await services.cached("probe", 7, load) == 42  # kept: no second load
    assert loads == [1]


async def test_a_value_forgotten_during_its_load_is_loaded_again(bot: SipBot) -> None:
    services = bot.services
    gates = [asyncio.Event(), asyncio.Event()]
    values = iter(["before the change", "after the change"])

    async def load() -> str:
        value = next(values)
        await gates[0 if value == "before the change" else 1].wait()
        return value

    early = asyncio.create_task(services.cached("probe", 8, load))
    await asyncio.sleep(0)
    services.forget("probe", 8)  # the value changed while the first read was running
    late = asyncio.create_task(services.cached("probe", 8, load))
    await asyncio.sleep(0)
    gates[0].set()
    assert await early == "before the change"  # it asked before the change
    gates[1].set()
    assert await late == "after the change"
    assert await services.cached("probe", 8, load) == "after the change"  # what is kept


async def test_a_failed_load_reaches_every_waiter_and_is_not_kept(bot: SipBot) -> None:
    services = bot.services
    calls: list[int] = []

    async def failing() -> int:
        calls.append(1)
        await asyncio.sleep(0)
        raise RuntimeError("database away")

    outcomes = await asyncio.gather(
        *(services.cached("probe", 9, failing) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert calls == [1]

    async def working() -> int:
        return 5

    assert await services.cached("probe", 9, working) == 5


async def test_a_load_nobody_waits_for_any_more_stops(bot: SipBot) -> None:
    """At shutdown every waiter is cancelled: the read they shared must not go on
    holding a database session past the engine's disposal."""
    services = bot.services
    started = asyncio.Event()
    stopped: list[bool] = []

    async def load() -> int:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            stopped.append(True)
            raise
        return 1

    waiters = [asyncio.create_task(services.cached("probe", 10, load)) for _ in range(3)]
    await started.wait()
    for waiter in waiters[:2]:
        waiter.cancel()
    await asyncio.gather(*waiters[:2], return_exceptions=True)
    assert stopped == []  # one still waits for it
    waiters[2].cancel()
    await asyncio.gather(waiters[2], return_exceptions=True)
    for _ in range(3):
        await asyncio.sleep(0)
    assert stopped == [True]
    assert services._loading == {}  # the next reader loads afresh


async def test_a_reader_right_after_the_last_waiter_left_gets_a_fresh_load(bot: SipBot) -> None:
    """The reactions' writer, cancelled at shutdown while it waited, leaves the read it
    shared to stop; its last flush reads again at once and must get the value, not the
    cancellation of a read that was not its own."""
    services = bot.services
    started = asyncio.Event()
    calls: list[int] = []

    async def load() -> int:
        calls.append(len(calls) + 1)
        if len(calls) == 1:
            started.set()
            try:
                await asyncio.sleep(3600)
            finally:  # as a database session closes: it takes a few turns of the loop
                for _ in range(5):
                    await asyncio.sleep(0)
        return len(calls)

    waiter = asyncio.create_task(services.cached("probe", 11, load))
    await started.wait()
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    assert await services.cached("probe", 11, load) == 2  # no yield in between
    assert calls == [1, 2]
