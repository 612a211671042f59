"""Reminders to many registrants under Discord's global rate limit: the fake answers 429
(global, with retry_after) beyond a low rate, and still every registrant gets exactly
one reminder. The pace is lifted here so the limit is really met; with the bot's own
pace (jobs.py DM_PER_SECOND) the same DMs stay under Discord's 50 requests a second
(benchmarks/meeting_dms.py measures it with 1,000 registrants)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.meetings import jobs, seats
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.meetings.helpers import (
    START,
    meeting_world,
    move_to,
    only_meeting,
    schedule,
    wait_settled,
)

REGISTRANTS = 120
RATE = 80  # requests a second the fake takes before answering 429


async def test_120_registrants_each_get_one_reminder_despite_429s(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await meeting_world(fake, sqlite_engine, clock)
    await schedule(fake, visio_url="https://visio.example.org/many")
    meeting = await only_meeting(sqlite_engine)
    people = [fake.add_member(f"sociétaire-{n:03}") for n in range(REGISTRANTS)]
    async with session_factory(sqlite_engine)() as db, db.begin():
        for person in people:  # what their clicks store, without 120 interactions
            await seats.choose(db, bot.services.work, meeting.id, person.id, person.user.name,
                               "online", [60], clock.now())  # fmt: skip
    cog = bot.get_cog("MeetingCog")
    assert cog is not None
    cog.jobs.pace = jobs.Pace(10_000)  # type: ignore[attr-defined]
    limit = fake.limit_globally(per_second=RATE)
    await move_to(bot, clock, START - timedelta(minutes=60))
    items = await wait_settled(sqlite_engine, clock, "meeting_reminder", timeout=60)
    assert Counter(i.state for i in items) == {"done": REGISTRANTS}
    received = {p.id: [m.content for m in fake.dm_messages(p)] for p in people}
    assert all(
        len(texts) == 1 and texts[0].startswith("⏰ Rappel (1h)") for texts in received.values()
    )
    assert limit.refused > 0, "the limit was never met: the test shows nothing"
    nonces = Counter(m.nonce for p in people for m in fake.dm_messages(p))
    assert len(nonces) == REGISTRANTS and set(nonces.values()) == {1}
    fake.assert_no_unhandled()
