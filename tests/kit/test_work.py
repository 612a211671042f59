"""The work engine and its table, on SQLite and PostgreSQL: claimed once, leases taken
over, finishes refused to a process that lost its claim, back-off, cancellation, and
one loop for every kind (a slow kind does not hold up another)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import discord
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit import work
from bot.kit.work import Job, Outcome, Retry, WorkEngine
from storage import work as store
from storage.database import session_factory
from tests.clock import MovableClock

GUILD = 1_000_000_000_000_000_001
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def engine_of(database: AsyncEngine, clock: MovableClock) -> WorkEngine:
    return WorkEngine(session_factory(database), clock)


async def add(engine: WorkEngine, key: str, due: datetime, kind: str = "test") -> bool:
    async with engine.db() as db, db.begin():
        return await engine.add(
            db, kind=kind, key=key, guild_id=GUILD, due_at=due, payload={"n": key}
        )


async def states(engine: WorkEngine) -> dict[str, str]:
    async with engine.db() as db:
        return {i.key: i.state for i in await store.items(db)}


async def test_adding_the_same_key_twice_keeps_one_item(engine: AsyncEngine) -> None:
    works = engine_of(engine, MovableClock(NOW))
    assert await add(works, "a", NOW) is True
    assert await add(works, "a", NOW + timedelta(hours=1)) is False
    async with works.db() as db:
        (item,) = await store.items(db)
    assert (item.key, item.due_at, item.state, store.payload_of(item)) == (
        "a", NOW, "pending", {"n": "a"},
    )  # fmt: skip


async def test_an_item_is_claimed_once_and_a_dead_claim_is_taken_over(
    engine: AsyncEngine,
) -> None:
    works = engine_of(engine, MovableClock(NOW))
    await add(works, "due", NOW - timedelta(minutes=1))
    await add(works, "later", NOW + timedelta(hours=1))
    async with works.db() as db, db.begin():
        first = await store.claim_due(db, NOW, ["test"], work.LEASE)
    async with works.db() as db, db.begin():
        second = await store.claim_due(db, NOW, ["test"], work.LEASE)
    assert [i.key for i in first] == ["due"] and second == []
    async with works.db() as db, db.begin():
        assert await store.claim_due(db, NOW, ["other kind"], work.LEASE) == []
    # the first claimant died: after its lease another process takes the item over ...
    later = NOW + work.LEASE + timedelta(seconds=1)
    async with works.db() as db, db.begin():
        (taken,) = await store.claim_due(db, later, ["test"], work.LEASE)
    assert taken.attempts == 2 and taken.claim_token != first[0].claim_token
    # ... and the first one can neither renew nor finish it any more
    async with works.db() as db, db.begin():
        assert not await store.renew(db, first[0].id, first[0].claim_token, later, work.LEASE)
        assert not await store.finish(db, first[0].id, first[0].claim_token, "done", later)
        assert await store.finish(db, taken.id, taken.claim_token, "done", later, result_id=7)
    async with works.db() as db:
        done = await store.get(db, "due")
    assert done is not None and (done.state, done.result_id) == ("done", 7)


async def test_cancelling_by_prefix_leaves_other_keys_alone(engine: AsyncEngine) -> None:
    works = engine_of(engine, MovableClock(NOW))
    for key in ("reminder:1:1:60", "reminder:1:1:1440", "reminder:12:1:60"):
        await add(works, key, NOW + timedelta(hours=1))
    async with works.db() as db, db.begin():
        assert await store.cancel(db, prefix="reminder:1:", now=NOW) == 2
    assert await states(works) == {
        "reminder:1:1:60": "cancelled", "reminder:1:1:1440": "cancelled",
        "reminder:12:1:60": "pending",
    }  # fmt: skip


async def test_moving_a_pending_item_changes_when_it_falls_due(engine: AsyncEngine) -> None:
    works = engine_of(engine, MovableClock(NOW))
    await add(works, "a", NOW + timedelta(days=2))
    async with works.db() as db, db.begin():
        assert await store.move(db, "a", NOW + timedelta(days=3)) == 1
    async with works.db() as db:
        assert await store.next_wake_at(db, ["test"]) == NOW + timedelta(days=3)


async def test_the_engine_runs_what_is_due_and_says_when_to_wake_next(
    sqlite_engine: AsyncEngine,
) -> None:
    clock = MovableClock(NOW)
    works = engine_of(sqlite_engine, clock)
    seen: list[tuple[str, str]] = []

    async def handle(job: Job) -> Outcome:
        seen.append((job.item.key, job.nonce()))
        return work.done(result_id=len(seen), note="ok")

    works.register("test", handle)
    await add(works, "now", NOW)
    await add(works, "tomorrow", NOW + timedelta(days=1))
    assert await works.run_due() == NOW + timedelta(days=1)
    async with works.db() as db:
        item = await store.get(db, "now")
    assert item is not None
    assert seen == [("now", f"sipw{item.id}")]
    assert (item.state, item.result_id, item.note, item.lease_until) == ("done", 1, "ok", None)
    assert await works.run_due() == NOW + timedelta(days=1)  # nothing runs twice
    assert len(seen) == 1


async def test_a_transient_failure_is_retried_with_back_off_and_a_refusal_is_final(
    sqlite_engine: AsyncEngine,
) -> None:
    clock = MovableClock(NOW)
    works = engine_of(sqlite_engine, clock)
    calls: list[str] = []

    class Response:
        status, reason = 503, "unavailable"

    class Refused:
        status, reason = 403, "Forbidden"

    async def handle(job: Job) -> Outcome:
        calls.append(job.item.key)
        if job.item.key == "refused":
            raise discord.Forbidden(Refused(), {"message": "Missing Access", "code": 50001})
        if job.attempt < 3:
            raise discord.DiscordServerError(Response(), "try later")
        return work.done()

    works.register("test", handle)
    await add(works, "flaky", NOW)
    await add(works, "refused", NOW)
    assert await works.run_due() == NOW + timedelta(seconds=30)
    clock.advance(seconds=30)
    assert await works.run_due() == NOW + timedelta(seconds=30 + 60)
    clock.advance(seconds=60)
    assert await works.run_due() is None
    assert calls == ["flaky", "refused", "flaky", "flaky"]
    async with works.db() as db:
        flaky, refused = await store.get(db, "flaky"), await store.get(db, "refused")
    assert flaky is not None and refused is not None
    assert (flaky.state, flaky.attempts) == ("done", 3)
    assert "DiscordServerError" in flaky.last_error
    assert (refused.state, refused.note) == ("failed", "Discord 403: Missing Access")
    async with works.db() as db:
        shown = await store.troubled(db, GUILD, min_attempts=3, since=NOW - timedelta(days=30))
    assert [i.key for i in shown] == ["refused"]


def test_back_off_doubles_up_to_an_hour() -> None:
    assert [work.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert work.backoff(50) == timedelta(hours=1)


async def test_a_retry_asked_by_the_handler_keeps_the_item_pending(
    sqlite_engine: AsyncEngine,
) -> None:
    clock = MovableClock(NOW)
    works = engine_of(sqlite_engine, clock)

    async def handle(job: Job) -> Outcome:
        raise Retry("event not accepted yet")

    works.register("test", handle)
    await add(works, "a", NOW)
    await works.run_due()
    async with works.db() as db:
        item = await store.get(db, "a")
    assert item is not None
    assert (item.state, item.last_error, item.next_at) == (
        "pending", "event not accepted yet", NOW + timedelta(seconds=30),
    )  # fmt: skip


async def test_a_slow_kind_does_not_hold_up_another(sqlite_engine: AsyncEngine) -> None:
    clock = MovableClock(NOW)
    works = engine_of(sqlite_engine, clock)
    release = asyncio.Event()
    fast_done = asyncio.Event()

    async def slow(job: Job) -> Outcome:
        await release.wait()
        return work.done()

    async def fast(job: Job) -> Outcome:
        fast_done.set()
        return work.done()

    works.register("slow", slow)
    works.register("fast", fast)
    await add(works, "s", NOW - timedelta(seconds=1), kind="slow")
    await add(works, "f", NOW, kind="fast")
    running = asyncio.create_task(works.run_due())
    await asyncio.wait_for(fast_done.wait(), timeout=5)
    assert not running.done()
    release.set()
    await asyncio.wait_for(running, timeout=5)
    assert await states(works) == {"s": "done", "f": "done"}


async def test_run_now_does_one_item_early_and_only_once(sqlite_engine: AsyncEngine) -> None:
    clock = MovableClock(NOW)
    works = engine_of(sqlite_engine, clock)
    calls: list[str] = []

    async def handle(job: Job) -> Outcome:
        calls.append(job.item.key)
        return work.done()

    works.register("test", handle)
    await add(works, "close", NOW + timedelta(days=7))
    outcome = await works.run_now("close")
    assert outcome is not None and outcome.state == "done"
    assert await works.run_now("close") is None
    assert await works.run_due() is None
    assert calls == ["close"]


async def test_an_item_cancelled_while_its_handler_runs_stays_cancelled(
    sqlite_engine: AsyncEngine,
) -> None:
    clock = MovableClock(NOW)
    works = engine_of(sqlite_engine, clock)

    async def handle(job: Job) -> Outcome:
        async with works.db() as db, db.begin():
            await store.cancel(db, prefix="a", now=clock.now(), note="session changed")
        return work.done()

    works.register("test", handle)
    await add(works, "a", NOW)
    await works.run_due()
    assert await states(works) == {"a": "cancelled"}


@pytest.mark.parametrize("payload", [{"nonce": "siprm12"}])
async def test_items_carried_over_keep_the_nonce_they_were_first_sent_with(
    sqlite_engine: AsyncEngine, payload: dict[str, str]
) -> None:
    works = engine_of(sqlite_engine, MovableClock(NOW))
    async with works.db() as db, db.begin():
        await works.add(db, kind="test", key="k", guild_id=GUILD, due_at=NOW, payload=payload)
    async with works.db() as db:
        (item,) = await store.items(db)
    job = Job(item, store.payload_of(item))
    assert (job.nonce(), job.nonce(1)) == ("siprm12", f"sipw{item.id}p1")


async def test_superseding_cancels_what_is_pending_under_the_prefix_and_adds_the_new_item(
    engine: AsyncEngine,
) -> None:
    works = engine_of(engine, MovableClock(NOW))
    await add(works, "tag:1:old", NOW + timedelta(seconds=30))
    await add(works, "tag:12:other", NOW + timedelta(seconds=30))
    row = works.row(kind="test", key="tag:1:new", guild_id=GUILD, due_at=NOW, payload={})
    async with works.db() as db, db.begin():
        keys = await works.supersede(db, [("tag:1:", row)], note="status changed")
    assert keys == ["tag:1:new"]
    assert await states(works) == {
        "tag:1:old": "cancelled", "tag:12:other": "pending", "tag:1:new": "pending",
    }  # fmt: skip


async def test_a_batch_slower_than_its_lease_is_shared_not_sent_twice(
    engine: AsyncEngine,
) -> None:
    """Two engines on one database (a holder and, during a takeover, the process after
    it): the first one's batch outlasts its lease, the second takes the tail over, and
    the first steps back from each item it no longer holds."""
    clock = MovableClock(NOW)
    handled: list[tuple[str, str]] = []

    def engine_named(name: str) -> WorkEngine:
        works = WorkEngine(session_factory(engine), clock, lease=timedelta(seconds=10), batch=20)

        async def handle(job: Job) -> Outcome:
            handled.append((name, job.item.key))
            clock.advance(seconds=4)  # each item takes 4 s: the batch outlasts its lease
            await asyncio.sleep(0)
            return work.done()

        works.register("test", handle)
        return works

    first, second = engine_named("first"), engine_named("second")
    for n in range(8):
        await add(first, f"k{n}", NOW - timedelta(minutes=1))
    async with first.db() as db, db.begin():
        batch = await store.claim_due(db, clock.now(), ["test"], first.lease, first.batch)
    assert len(batch) == 8
    await first._handle(batch[0])
    await first._handle(batch[1])
    clock.advance(seconds=3)  # the rest of the batch's lease has run out
    await second.run_due()
    for item in batch[2:]:
        await first._handle(item)
    keys = Counter(key for _name, key in handled)
    assert keys == Counter(f"k{n}" for n in range(8)), handled
    assert {name for name, _key in handled} == {"first", "second"}
    assert set((await states(first)).values()) == {"done"}
