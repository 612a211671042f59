"""The registration buttons are persistent: a new bot on the same database takes a click
on the announcement the old one posted, and the seat rule carries on where it was."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot
from tests.meetings.helpers import (
    announcement,
    click,
    dms,
    meeting_world,
    only_meeting,
    registrations,
    schedule,
    wait_settled,
)


async def test_buttons_posted_before_a_restart_register_after_it(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        world = await meeting_world(fake, sqlite_engine, clock)
        await schedule(fake, place="Charleroi", capacity=1)
        meeting = await only_meeting(sqlite_engine)
        first, second = world.group.members[:2]
        await (
            await click(fake, announcement(fake, meeting), meeting, "in_person", first)
        ).wait_followup()
    assert fake.connected_clients == 0
    async with running_bot(fake, sqlite_engine, clock):
        post = announcement(fake, meeting)  # the message the first bot posted
        res = await click(fake, post, meeting, "in_person", second)
        assert "en position 1" in (await res.wait_followup()).content
        res = await click(fake, post, meeting, "cancel", first)
        assert (await res.wait_followup()).content.startswith("Votre inscription à « ")
        await fake.wait_for(lambda: dms(fake, second), what="the promoted member's DM")
        await wait_settled(sqlite_engine, clock, "meeting_notice")
    rows = {r.member_id: r for r in await registrations(sqlite_engine, meeting.id)}
    assert (rows[second.id].state, rows[second.id].seat) == ("registered", 1)
    assert rows[first.id].state == "cancelled"
    assert len(dms(fake, second)) == 1
