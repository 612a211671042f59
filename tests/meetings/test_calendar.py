"""`/session ics` holds the meetings the reader registered for: one VEVENT each, with a
stable UID, times in UTC, a SEQUENCE that grows with a move and a cancellation — read
back by icalendar and by ical.js (tests/sessions/readers.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member
from tests.meetings.helpers import START, announcement, click, meeting_world, only_meeting, schedule
from tests.sessions.readers import read_both, read_with_icalendar


async def calendar_of(fake: FakeDiscord, member: Member) -> bytes:
    res = await fake.slash("session ics", user=member, locale="fr")
    ((name, data),) = res.attachments
    assert name == "sipbot-sessions.ics"
    return data


async def test_the_calendar_holds_the_meetings_one_registered_for_through_moves_and_cancel(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    await schedule(fake, place="Lyon", visio_url="https://visio.example.org/c", capacity=10)
    meeting = await only_meeting(sqlite_engine)
    in_group = world.group.members[2]  # in a group: their sessions and the meeting
    no_group = fake.add_member("sans-groupe")  # in no group: the meeting alone
    left = fake.add_member("parti")  # registered, then cancelled: nothing
    post = announcement(fake, meeting)
    for person, choice in ((in_group, "in_person"), (no_group, "online"), (left, "online")):
        await (await click(fake, post, meeting, choice, person)).wait_followup()
    await (await click(fake, post, meeting, "cancel", left)).wait_followup()
    uid = f"meeting-{fake.guild.id}-{meeting.id}@sipbot"
    res = await fake.slash("session ics", user=no_group, locale="fr")
    assert res.content is not None and "S'y ajoute 1 rendez-vous ouvert" in res.content
    for person in (in_group, no_group):
        events = read_both(await calendar_of(fake, person))
        assert set(events) == {uid}
        read = events[uid]
        assert (read.start, read.end, read.minutes) == (START, START + timedelta(hours=2), 120)
        assert (read.sequence, read.status) == (0, "CONFIRMED")
    res = await fake.slash("session ics", user=left, locale="fr")
    assert res.ephemeral and not res.attachments  # in no group, registered for nothing
    await fake.slash("meeting reschedule", user=fake.owner,
                     options={"meeting": f"#{meeting.id}", "start": "05/02/2027 18h00"})  # fmt: skip
    moved = read_both(await calendar_of(fake, no_group))[uid]
    assert (moved.start, moved.sequence, moved.status) == (
        START + timedelta(days=1),
        1,
        "CONFIRMED",
    )
    await fake.slash("meeting cancel", user=fake.owner, options={"meeting": f"#{meeting.id}"})
    _method, cancelled = read_with_icalendar(await calendar_of(fake, no_group))
    assert (cancelled[uid].sequence, cancelled[uid].status) == (2, "CANCELLED")
    assert read_both(await calendar_of(fake, no_group))[uid].status == "CANCELLED"
