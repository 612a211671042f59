"""Endorsements: 👍 on a draft's first message, members only, reconciled after a restart."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import Endorsement
from tests.clock import MovableClock
from tests.drafts.helpers import drafts, write_draft
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot
from tests.sessions.helpers import published_group

TEXT = "Un fonds de solidarité entre membres, abondé par la coopérative."


async def endorsers(engine: AsyncEngine) -> set[int]:
    async with session_factory(engine)() as db:
        return {e.member_id for e in (await db.execute(select(Endorsement))).scalars()}


async def settle_on(engine: AsyncEngine, expected: set[int]) -> None:
    """Reaction events arrive on their own time: wait until the stored set is `expected`."""
    for _ in range(250):
        if (found := await endorsers(engine)) == expected:
            return
        await asyncio.sleep(0.02)
    assert found == expected


async def test_members_endorse_once_and_offline_changes_are_reconciled(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as bot:
        group = await published_group(fake, sqlite_engine, clock)
        societaires = fake.add_role("Sociétaires")
        await fake.slash("setup roles", user=fake.owner, options={"member": societaires})
        people = [fake.add_member(f"membre-{i}", roles=[societaires]) for i in range(50)]
        stranger = fake.add_member("pas-sociétaire")
        thread = await write_draft(fake, group, group.facilitator, "Un fonds de solidarité", TEXT)
        starter = fake.message(thread.id)
        assert starter is not None
        for person in people:
            await fake.react(starter, "👍", person)
        await fake.react(starter, "👍", stranger)
        await fake.react(starter, "🎉", people[0])  # another emoji: no endorsement
        for person in people[:8]:
            await fake.unreact(starter, "👍", person)
        await fake.react(starter, "👍", people[1])  # back again
        await fake.react(starter, "👍🏽", people[2])  # a skin tone counts too
        truth = {p.id for p in people[8:]} | {people[1].id, people[2].id}
        await settle_on(sqlite_engine, truth)
        listed = await fake.slash("draft list", user=people[9], locale="en-US")
        assert "— v1 — 👍 44 —" in (listed.content or ""), listed.content
    for person in people[8:15]:  # offline: some change their minds, others arrive
        await fake.unreact(starter, "👍", person)
    for person in people[3:6]:
        await fake.react(starter, "👍", person)
    await fake.react(starter, "👍", stranger)
    truth = (truth - {p.id for p in people[8:15]}) | {p.id for p in people[3:6]}
    async with running_bot(fake, sqlite_engine, clock) as bot:
        cog: Any = bot.get_cog("DraftCog")
        await fake.wait_for(lambda: cog.reconciled, what="the start-up reconciliation")
        assert await endorsers(sqlite_engine) == truth
        (draft,) = await drafts(sqlite_engine)
        await fake.unreact(starter, "👍", people[20])
        await settle_on(sqlite_engine, truth - {people[20].id})
        assert draft.thread_id == thread.id
