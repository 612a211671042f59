"""A reminder is marked late relative to its offset: a "2m" reminder sent 23 s late
because the bot was down is late; a "7d" one sent an hour late is not, 17 h late it is."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot
from tests.sessions.helpers import Group, published_group
from tests.sessions.test_commands import (
    START,
    Reminder,
    move_to,
    reminder_messages,
    reminders,
    schedule,
)

LATE_NOTE = "(envoyé en retard"


async def with_offsets(fake: FakeDiscord, offsets: str) -> None:
    res = await fake.slash(
        "setup reminders", user=fake.owner, options={"offsets": offsets}, locale="en-US"
    )
    assert res.content and res.content.startswith("Members will be reminded"), res.content


def states(found: list[Reminder]) -> list[tuple[int, str, bool]]:
    return [(r.offset_minutes, r.state, r.late) for r in found]


async def wait_for_reminders(fake: FakeDiscord, group: Group, count: int) -> None:
    await fake.wait_for(
        lambda: len(reminder_messages(fake, group)) == count, what=f"{count} reminder(s)"
    )


async def test_short_offset_sent_23_s_late_after_downtime_is_marked_late(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as first:
        group = await published_group(fake, sqlite_engine, clock)
        await with_offsets(fake, "7d, 2m")
        await schedule(fake, group, first)
    clock.set(START - timedelta(days=7) + timedelta(hours=1))  # down when the 7d one fell due
    async with running_bot(fake, sqlite_engine, clock):
        await wait_for_reminders(fake, group, 1)
    week = reminder_messages(fake, group)[0].content or ""
    assert "(dans 7d)" in week and LATE_NOTE not in week
    clock.set(START - timedelta(minutes=2) + timedelta(seconds=23))  # down for 23 s past due
    async with running_bot(fake, sqlite_engine, clock):
        await wait_for_reminders(fake, group, 2)
    short = reminder_messages(fake, group)[1].content or ""
    assert "(dans 2m)" in short and LATE_NOTE in short
    assert states(await reminders(sqlite_engine)) == [(10080, "done", False), (2, "done", True)]


async def test_week_offset_is_late_past_a_tenth_of_a_week(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    await with_offsets(fake, "7d")
    await schedule(fake, group, bot)
    await move_to(bot, clock, START - timedelta(days=7) + timedelta(hours=17))
    await wait_for_reminders(fake, group, 1)
    assert LATE_NOTE in (reminder_messages(fake, group)[0].content or "")
    assert states(await reminders(sqlite_engine)) == [(10080, "done", True)]
