"""A session's Discord event is must-happen work: refused for a while, it is retried until
Discord accepts it, the group is told the truth meanwhile, a restart in between does not
create it twice; and sessions scheduled at the same moment are numbered without a clash."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import work as work_store
from storage.database import session_factory
from storage.models import GroupSession, WorkItem
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import eventually, running_bot
from tests.sessions.helpers import Group, published_group

EVENTS = r"^/guilds/\d+/scheduled-events$"
PENDING_LINE = "⏳ L'événement Discord sera créé dès que Discord l'accepte."


async def the_session(engine: AsyncEngine) -> GroupSession:
    async with session_factory(engine)() as db:
        (session,) = (await db.execute(select(GroupSession))).scalars()
        return session


async def event_items(engine: AsyncEngine) -> list[WorkItem]:
    async with session_factory(engine)() as db:
        return await work_store.items(db, kind="session_event")


async def schedule(fake: FakeDiscord, group: Group) -> str:
    res = await fake.slash(
        "session schedule", user=group.facilitator, channel=group.channel, locale="fr",
        options={"start": "20/01/2027 18h00", "place": "Bureau de Rennes"},
    )  # fmt: skip
    assert res.ephemeral
    return res.content or ""


async def item_done(engine: AsyncEngine) -> bool:
    return [i.state for i in await event_items(engine)] == ["done"]


def event_field(fake: FakeDiscord, session: GroupSession) -> str | None:
    post = fake.message(session.post_message_id or 0)
    assert post is not None
    fields = {f["name"]: f["value"] for f in post.embeds[0]["fields"]}
    return fields.get("Événement")


async def test_an_event_refused_five_times_is_retried_and_the_group_told_the_truth(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    fake.inject_fault("POST", EVENTS, 429, times=5)
    reply = await schedule(fake, group)
    assert reply.startswith("Séance 1 programmée") and "les rappels sont prêts" in reply
    assert "l'événement, l'annonce et les rappels sont prêts" not in reply
    assert "Discord n'a pas encore accepté l'événement" in reply
    session = await the_session(sqlite_engine)
    assert session.event_id is None and fake.guild.events == {}
    assert event_field(fake, session) == PENDING_LINE
    (item,) = await event_items(sqlite_engine)
    assert (item.state, item.attempts) == ("pending", 1) and "429" in item.last_error
    # the engine tries again after its back-off, and Discord accepts it this time
    clock.advance(seconds=30)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()
    await fake.wait_for(lambda: len(fake.guild.events) == 1, what="the event")
    session = await the_session(sqlite_engine)
    (event,) = fake.guild.events.values()
    assert session.event_id == event.id and event.name == "Ouest – Rennes · séance 1"
    assert event_field(fake, session) == f"https://discord.com/events/{fake.guild.id}/{event.id}"
    (item,) = await event_items(sqlite_engine)
    assert (item.state, item.result_id, item.attempts) == ("done", event.id, 2)


async def test_a_restart_between_refusals_still_creates_the_event_exactly_once(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        group = await published_group(fake, sqlite_engine, clock)
        fake.inject_fault("POST", EVENTS, 429, times=5)
        await schedule(fake, group)
    assert fake.guild.events == {}
    clock.advance(minutes=1)
    session = await the_session(sqlite_engine)
    assert event_field(fake, session) == PENDING_LINE
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(lambda: len(fake.guild.events) == 1, what="the event after restart")
        await eventually(lambda: item_done(sqlite_engine), "the event's work item to finish")
    async with running_bot(fake, sqlite_engine, clock) as third:  # and once more: nothing new
        assert third.services.scheduler is not None
        await third.services.scheduler.wake("work")
    session = await the_session(sqlite_engine)
    (event,) = fake.guild.events.values()
    assert session.event_id == event.id
    assert event_field(fake, session) == f"https://discord.com/events/{fake.guild.id}/{event.id}"
    creations = [
        r for r in fake.requests if r.method == "POST" and r.path.endswith("/scheduled-events")
    ]
    assert [r.status for r in creations] == [429] * 5 + [200]


async def test_an_event_created_just_before_a_crash_is_found_again_not_doubled(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    """Discord created the event, then the process died before recording it: the item is
    claimed again after its lease, and the retry finds the event instead of a second."""
    async with running_bot(fake, sqlite_engine, clock):
        group = await published_group(fake, sqlite_engine, clock)
        await schedule(fake, group)
    (event,) = fake.guild.events.values()
    session = await the_session(sqlite_engine)
    async with session_factory(sqlite_engine)() as db, db.begin():  # what the crash left
        await db.execute(
            update(GroupSession).where(GroupSession.id == session.id).values(event_id=None)
        )
        await db.execute(
            update(WorkItem)
            .where(WorkItem.kind == "session_event")
            .values(state="running", lease_until=clock.now() - timedelta(seconds=1),
                    claim_token="dead", finished_at=None)
        )  # fmt: skip
    async with running_bot(fake, sqlite_engine, clock):
        await eventually(lambda: item_done(sqlite_engine), "the event's work item to finish")
    assert list(fake.guild.events) == [event.id]
    assert (await the_session(sqlite_engine)).event_id == event.id
    (item,) = await event_items(sqlite_engine)
    assert (item.state, item.result_id) == ("done", event.id)


async def test_twenty_sessions_scheduled_at_once_are_numbered_one_to_twenty(
    fake: FakeDiscord, engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, engine, clock):
        group = await published_group(fake, engine, clock)
        starts = [f"{day:02}/02/2027 18h00" for day in range(1, 21)]
        results = await asyncio.gather(*(
            fake.slash("session schedule", user=group.facilitator, channel=group.channel,
                       locale="en-US", options={"start": start}, timeout=20)
            for start in starts
        ))  # fmt: skip
    replies = [r.content or "" for r in results]
    assert all(r.startswith("Session ") and " scheduled " in r for r in replies), replies
    async with session_factory(engine)() as db:
        rows = list((await db.execute(select(GroupSession))).scalars())
    assert sorted(r.number for r in rows) == list(range(1, 21))
    numbers = sorted(int(r.split()[1]) for r in replies)
    assert numbers == list(range(1, 21))
