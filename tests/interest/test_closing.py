"""Closing the interest poll through the engine: planned with the poll, once whatever
races it, retried when Discord fails, with the nonce of a closing carried over."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit.work import WAKER
from storage import interest
from storage import work as work_store
from storage.database import session_factory
from storage.models.work import WorkItem
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Message
from tests.interest.helpers import DEADLINE, open_poll, prepare, woken_by


async def closing_item(engine: AsyncEngine) -> WorkItem:
    async with session_factory(engine)() as db:
        (item,) = await work_store.items(db, kind="interest_close")
    return item


def results_in(fake: FakeDiscord, channel: Channel) -> list[Message]:
    return [
        m
        for m in fake.messages_in(channel.id)
        if m.embeds and m.embeds[0]["title"].startswith(("Résultats", "Interest poll results"))
    ]


async def test_opening_a_poll_plans_its_closing_and_the_closing_records_its_results(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, _societaires = await prepare(fake, clock)
    await open_poll(fake, annonces, deadline="2020-11-15 18:00")
    async with session_factory(sqlite_engine)() as db:
        (poll,) = await interest.open_polls(db)
    planned = await closing_item(sqlite_engine)
    assert (planned.key, planned.state, planned.due_at, planned.guild_id) == (
        f"interest_close:{poll.id}", "pending", DEADLINE, fake.guild.id,
    )  # fmt: skip
    assert work_store.payload_of(planned) == {"poll_id": poll.id}
    await fake.wait_for(lambda: woken_by(bot, DEADLINE), what="the closing to be planned")
    clock.set(DEADLINE)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()
    (results,) = results_in(fake, annonces)
    done = await closing_item(sqlite_engine)
    async with session_factory(sqlite_engine)() as db:
        closed = await interest.get_poll(db, poll.id)
    assert closed is not None and closed.results_message_id == results.id
    assert (done.state, done.result_id, done.attempts) == ("done", results.id, 1)
    assert list(fake.posts_by_nonce(f"sipw{done.id}")) == [f"sipw{done.id}"]


async def test_closing_now_while_the_deadline_falls_posts_the_results_once(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, _societaires = await prepare(fake, clock)
    await open_poll(fake, annonces, deadline="2020-11-15 18:00")
    await fake.wait_for(lambda: woken_by(bot, DEADLINE), what="the closing to be planned")
    clock.set(DEADLINE)
    assert bot.services.scheduler is not None
    res, _ = await asyncio.gather(
        fake.slash("interest close", user=fake.owner, locale="en-US"),
        bot.services.scheduler.clock_moved(),
    )
    # Whichever comes first closes it; the other finds it closed.
    assert res.content in {
        "Poll closed; the results are posted under it.",
        "The poll is closed; Discord did not answer, so the results will be posted in a moment.",
        "No interest poll is open.",
    }
    await fake.wait_for(lambda: len(results_in(fake, annonces)) == 1, what="the results")
    done = await closing_item(sqlite_engine)
    assert (done.state, done.attempts) == ("done", 1)
    assert len(results_in(fake, annonces)) == 1
    again = await fake.slash("interest close", user=fake.owner, locale="en-US")
    assert again.content == "No interest poll is open."


async def test_closing_now_when_discord_fails_closes_the_poll_and_posts_the_results_later(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, _societaires = await prepare(fake, clock)
    await open_poll(fake, annonces)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.wake(WAKER)  # the phase started meanwhile is announced first
    fake.inject_fault("POST", rf"^/channels/{annonces.id}/messages$", status=503, times=1)
    res = await fake.slash("interest close", user=fake.owner, locale="en-US")
    assert res.content == (
        "The poll is closed; Discord did not answer, so the results will be posted in a moment."
    )
    async with session_factory(sqlite_engine)() as db:
        assert await interest.open_polls(db) == []  # reactions stop counting already
    waiting = await closing_item(sqlite_engine)
    assert (waiting.state, waiting.attempts) == ("pending", 1)
    assert results_in(fake, annonces) == []
    clock.set(waiting.next_at)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.wake(WAKER)
    (results,) = results_in(fake, annonces)
    done = await closing_item(sqlite_engine)
    assert (done.state, done.result_id, done.attempts) == ("done", results.id, 2)
    # both attempts carried the same nonce: a message Discord had kept would come back
    assert [len(tries) for tries in fake.posts_by_nonce(f"sipw{done.id}").values()] == [2]


async def test_a_closing_carried_over_keeps_the_nonce_of_the_old_closing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, _societaires = await prepare(fake, clock)
    await open_poll(fake, annonces)
    item = await closing_item(sqlite_engine)
    poll_id = work_store.payload_of(item)["poll_id"]
    # what storage.outbox.nonce("ipc", poll_id) gave the old closing
    legacy = json.dumps({"poll_id": poll_id, "nonce": f"sipipc{poll_id}v0"})
    async with session_factory(sqlite_engine)() as db, db.begin():
        await db.execute(update(WorkItem).where(WorkItem.id == item.id).values(payload=legacy))
    res = await fake.slash("interest close", user=fake.owner, locale="en-US")
    assert res.content == "Poll closed; the results are posted under it."
    assert list(fake.posts_by_nonce(f"sipipc{poll_id}")) == [f"sipipc{poll_id}v0"]
    assert list(fake.posts_by_nonce(f"sipw{item.id}")) == []  # not under a nonce of its own
