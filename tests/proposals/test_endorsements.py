"""👍 on a proposal's first message: members only, once each, reconciled after a restart,
no longer counted once the proposal is out of play."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot
from tests.proposals.helpers import decide, endorsers, proposals, propose, proposing_cycle


async def settle_on(engine: AsyncEngine, proposal_id: int, expected: set[int]) -> None:
    """Reaction events arrive on their own time: wait until the stored set is `expected`."""
    for _ in range(250):
        if (found := await endorsers(engine, proposal_id)) == expected:
            return
        await asyncio.sleep(0.02)
    assert found == expected


async def test_members_endorse_once_and_offline_changes_are_reconciled(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        coop = await proposing_cycle(fake, clock, size=30)
        people = coop.members
        stranger = fake.add_member("pas-sociétaire")
        helper = fake.add_member("un-bot", bot=True)
        thread = await propose(fake, people[0], "Mobilité", "Se déplacer pour travailler.")
        (proposal,) = await proposals(sqlite_engine)
        starter = fake.message(thread.id)
        assert starter is not None
        for person in people:
            await fake.react(starter, "👍", person)
        await fake.react(starter, "👍", stranger)  # not a member: not counted
        await fake.react(starter, "👍", helper)  # a bot: not counted
        await fake.react(starter, "🎉", people[0])  # another emoji: no endorsement
        for person in people[:5]:
            await fake.unreact(starter, "👍", person)
        await fake.react(starter, "👍", people[1])  # back again
        await fake.react(starter, "👍🏿", people[2])  # a skin tone counts too
        truth = {p.id for p in people[5:]} | {people[1].id, people[2].id}
        await settle_on(sqlite_engine, proposal.id, truth)
        listed = await fake.slash("proposal list", user=people[9], locale="en-US")
        assert f"• **Mobilité** — proposed — 👍 27 — <#{thread.id}>" in listed.text
    for person in people[5:10]:  # offline: some change their minds, others arrive
        await fake.unreact(starter, "👍", person)
    for person in people[3:5]:
        await fake.react(starter, "👍", person)
    await fake.react(starter, "👍", stranger)
    truth = (truth - {p.id for p in people[5:10]}) | {p.id for p in people[3:5]}
    async with running_bot(fake, sqlite_engine, clock) as bot:
        cog: Any = bot.get_cog("ProposalCog")
        await fake.wait_for(lambda: cog.reconciled, what="the start-up reconciliation")
        assert await endorsers(sqlite_engine, proposal.id) == truth
        await fake.unreact(starter, "👍", people[20])
        truth -= {people[20].id}
        await settle_on(sqlite_engine, proposal.id, truth)
        await decide(fake, proposal.id, "not_retained")
        await fake.unreact(starter, "👍", people[21])  # out of play: the count stays as it was
        await fake.react(starter, "👍", people[5])
        other = await propose(fake, people[1], "Logement", "Se loger quand on est freelance.")
        later = fake.message(other.id)
        assert later is not None
        await fake.react(later, "👍", people[6])  # arrives after the two above
        await settle_on(sqlite_engine, (await proposals(sqlite_engine))[1].id, {people[6].id})
        assert await endorsers(sqlite_engine, proposal.id) == truth
