"""Reminders by DM at the server's offsets, once each; closed DMs skipped and counted;
reschedule and cancel tell registrants and leave no stale reminder."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member
from tests.meetings.helpers import (
    START,
    World,
    announcement,
    click,
    dms,
    meeting_world,
    move_to,
    only_meeting,
    schedule,
    wait_settled,
    work_items,
)

OFFSETS = (10080, 1440, 60)  # the server's defaults: 7 d, 24 h, 1 h


async def registered(
    fake: FakeDiscord, engine: AsyncEngine, world: World, capacity: int = 1
) -> tuple[list[Member], Member]:
    """A meeting with one seat: a seated member, an online one, one waiting, and one whose
    DMs are closed (online)."""
    await schedule(fake, place="Rennes", visio_url="https://visio.example.org/r", capacity=capacity)
    meeting = await only_meeting(engine)
    post = announcement(fake, meeting)
    seated, online, waiting = world.group.members[:3]
    closed = fake.add_member("fermé", dms_open=False)
    for person, choice in ((seated, "in_person"), (online, "online"), (waiting, "in_person"),
                           (closed, "online")):  # fmt: skip
        await (await click(fake, post, meeting, choice, person)).wait_followup()
    return [seated, online, waiting], closed


async def test_each_registrant_gets_each_reminder_once_and_closed_dms_are_counted(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    (seated, online, waiting), closed = await registered(fake, sqlite_engine, world)
    planned = await work_items(sqlite_engine, "meeting_reminder")
    assert Counter(i.due_at for i in planned) == Counter(
        {START - timedelta(minutes=m): 4 for m in OFFSETS}
    )
    for offset in OFFSETS:
        await move_to(bot, clock, START - timedelta(minutes=offset))
        await wait_settled(sqlite_engine, clock, "meeting_reminder")
    await move_to(bot, clock, START - timedelta(minutes=30))  # wake again: nothing more
    await wait_settled(sqlite_engine, clock, "meeting_reminder")
    for person in (seated, online, waiting):
        texts = dms(fake, person)
        assert [t.split(" — ")[0] for t in texts] == [
            "⏰ Rappel (7d)", "⏰ Rappel (24h)", "⏰ Rappel (1h)",
        ], person.user.name  # fmt: skip
    assert "votre place vous attend" in dms(fake, seated)[0]
    assert "Vous êtes inscrit·e en ligne." in dms(fake, online)[0]
    assert "https://visio.example.org/r" in dms(fake, online)[0]
    assert "toujours en liste d'attente, en position 1" in dms(fake, waiting)[0]
    assert "Smart in Progress" in dms(fake, seated)[0]
    assert dms(fake, closed) == []
    states = Counter((i.state, i.note) for i in await work_items(sqlite_engine, "meeting_reminder"))
    assert states == {("done", ""): 9, ("skipped", "their DMs are closed"): 3}
    nonces = [m.nonce for p in (seated, online, waiting) for m in fake.dm_messages(p)]
    assert len(set(nonces)) == 9 and all(str(n).startswith("sipw") for n in nonces)
    res = await fake.slash("meeting list", user=fake.owner, locale="fr")
    assert "4 inscriptions · messages privés fermés : 1" in res.text


async def test_reschedule_tells_registrants_and_no_reminder_of_the_old_time_goes_out(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    (seated, online, waiting), _closed = await registered(fake, sqlite_engine, world)
    meeting = await only_meeting(sqlite_engine)
    later = START + timedelta(days=2)
    res = await fake.slash(
        "meeting reschedule", user=fake.owner, locale="fr",
        options={"meeting": f"#{meeting.id}", "start": "06/02/2027 18h00", "duration": 90},
    )  # fmt: skip
    assert res.content is not None and "les 4 personnes inscrites sont prévenues" in res.content
    await wait_settled(sqlite_engine, clock, "meeting_notice")
    stamp = f"<t:{int(later.timestamp())}:F>"
    for person in (seated, online, waiting):
        (notice,) = dms(fake, person)
        assert notice.startswith("📅 « ") and stamp in notice
    moved = await only_meeting(sqlite_engine)
    assert (moved.version, moved.minutes, moved.starts_at) == (2, 90, later)
    event = fake.guild.events[moved.event_id or 0]
    assert event.scheduled_start_time.startswith("2027-02-06T17:00")
    items = await work_items(sqlite_engine, "meeting_reminder")
    assert {i.state for i in items if i.payload.count('"version": 1')} == {"cancelled"}
    assert sorted({i.due_at for i in items if i.state == "pending"}) == sorted(
        later - timedelta(minutes=m) for m in OFFSETS
    )
    for moment in (START - timedelta(minutes=60), later - timedelta(minutes=60)):
        await move_to(bot, clock, moment)
        await wait_settled(sqlite_engine, clock, "meeting_reminder")
    for person in (seated, online, waiting):
        reminders = [t for t in dms(fake, person) if t.startswith("⏰")]
        assert len(reminders) == 3 and all(stamp in t for t in reminders)


async def test_cancel_tells_registrants_removes_reminders_and_closes_the_buttons(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    (seated, online, waiting), _closed = await registered(fake, sqlite_engine, world)
    meeting = await only_meeting(sqlite_engine)
    # a member who cancelled before is not told
    await (
        await click(fake, announcement(fake, meeting), meeting, "cancel", online)
    ).wait_followup()
    res = await fake.slash(
        "meeting cancel", user=fake.owner, locale="fr", options={"meeting": f"#{meeting.id}"}
    )
    assert res.content is not None and "les 3 personnes inscrites sont prévenues" in res.content
    await wait_settled(sqlite_engine, clock, "meeting_notice")
    for person in (seated, waiting):
        (notice,) = dms(fake, person)
        assert notice.startswith("❌ « ") and "est annulé" in notice
    assert dms(fake, online) == []
    items = await work_items(sqlite_engine, "meeting_reminder")
    assert items and {i.state for i in items} == {"cancelled"}
    post = announcement(fake, meeting)
    assert post.components == []
    assert post.embeds[0]["title"].endswith("— annulé")
    event = fake.guild.events[meeting.event_id or 0]
    assert event.status == 4  # cancelled
    for offset in OFFSETS:
        await move_to(bot, clock, START - timedelta(minutes=offset))
    await wait_settled(sqlite_engine, clock, "meeting_reminder")
    assert [t for p in (seated, online, waiting) for t in dms(fake, p) if t.startswith("⏰")] == []
