"""Time polls by reaction, scheduling the winner, and minutes typed in a modal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit import reactions
from bot.kit.work import WAKER
from storage import sessions as store
from storage import work as work_store
from storage.database import session_factory
from storage.models import GroupSession, TimePoll, TimeVote
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Message
from tests.sessions.helpers import Group, published_group

A, B, C = "🇦", "🇧", "🇨"
SLOT_A = datetime(2027, 1, 19, 17, 0, tzinfo=UTC)
SLOT_B = datetime(2027, 1, 21, 8, 30, tzinfo=UTC)
SLOT_C = datetime(2027, 1, 22, 17, 0, tzinfo=UTC)
DEADLINE = datetime(2027, 1, 15, 11, 0, tzinfo=UTC)  # 12h00 in Paris


async def open_time_poll(fake: FakeDiscord, bot: SipBot, group: Group) -> Message:
    res = await fake.slash(
        "session poll", user=group.facilitator, channel=group.channel, locale="fr",
        options={"slots": "19/01/2027 18h00; 2027-01-21 09:30; 22/01/2027 18h00", "deadline": "15/01/2027 12h00"},
    )  # fmt: skip
    assert res.ephemeral and (res.content or "").startswith("Vote sur 3 créneau(x) publié"), (
        res.content
    )
    poll = next(
        m
        for m in fake.messages_in(group.channel.id)
        if m.embeds and m.embeds[0]["title"].startswith("🗓️")
    )
    await fake.wait_for(lambda: len(poll.reactions) == 3, what="the three slot reactions")
    await fake.wait_for(lambda: woken_by(bot, DEADLINE), what="the closing to be planned")
    return poll


def woken_by(bot: SipBot, when: datetime) -> bool:
    """The engine is planned to wake at `when` at the latest (other work may come first)."""
    assert bot.services.scheduler is not None
    planned = bot.services.scheduler.planned(WAKER)
    return planned is not None and planned <= when


async def close_at_deadline(bot: SipBot, clock: MovableClock) -> None:
    clock.set(DEADLINE)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()


async def test_poll_winner_is_offered_and_scheduled_with_one_click(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    poll = await open_time_poll(fake, bot, group)
    assert f"{B} <t:{int(SLOT_B.timestamp())}:F>" in poll.embeds[0]["description"]
    for person in group.members[:3]:
        await fake.react(poll, B, person)
    for person in group.members[3:5]:
        await fake.react(poll, A, person)
    await fake.react(poll, C, group.members[5])
    await fake.unreact(poll, C, group.members[5])
    outsider = fake.add_member("curieux")
    for _ in range(2):
        await fake.react(poll, A, outsider)  # not in the group: not counted
    await close_at_deadline(bot, clock)
    result = next(
        m for m in fake.messages_in(group.channel.id) if (m.content or "").startswith("🗳️")
    )
    assert result.content == (
        f"🗳️ Le créneau {B} l'emporte : <t:{int(SLOT_B.timestamp())}:F> (<t:{int(SLOT_B.timestamp())}:R>) "
        f"(3 voix). <@{group.facilitator.id}>, programmez-le avec le bouton."
    )
    async with session_factory(sqlite_engine)() as db:
        (stored,) = (await db.execute(select(TimePoll))).scalars().all()
        (closing,) = await work_store.items(db, kind="timepoll_close")
    assert (stored.status, stored.result_message_id) == ("closed", result.id)
    assert (closing.key, closing.due_at, closing.state, closing.result_id) == (
        f"timepoll_close:{stored.id}", DEADLINE, "done", result.id,
    )  # fmt: skip
    assert work_store.payload_of(closing) == {"poll_id": stored.id}
    assert list(fake.posts_by_nonce(f"sipw{closing.id}")) == [f"sipw{closing.id}"]
    refused = await fake.click(
        result, f"sip:tp:schedule:{stored.id}", user=group.members[4], locale="en-US"
    )
    assert (
        refused.content
        == "Only the facilitator, the secretary of Ouest – Rennes or an organiser can do this."
    )
    opened = await fake.click(
        result, f"sip:tp:schedule:{stored.id}", user=group.facilitator, locale="fr"
    )
    assert (
        opened.modal is not None
        and opened.modal["custom_id"] == f"sip:tp:slot:{stored.id}:{group.facilitator.id}"
    )
    twice = await fake.click(
        result, f"sip:tp:schedule:{stored.id}", user=group.secretary, locale="en-US"
    )
    assert twice.modal is not None  # the secretary opened it too, before anyone submitted
    done = await fake.submit_modal(
        f"sip:tp:slot:{stored.id}:{group.facilitator.id}", {"place": "Tiers-lieu, Rennes", "visio": ""}, user=group.facilitator,
        channel=group.channel, locale="fr",
    )  # fmt: skip
    assert (done.content or "").startswith("Séance 1 programmée")
    async with session_factory(sqlite_engine)() as db:
        (session,) = (await db.execute(select(GroupSession))).scalars().all()
    assert (session.starts_at, session.place, session.minutes) == (
        SLOT_B,
        "Tiers-lieu, Rennes",
        180,
    )
    assert fake.guild.events[session.event_id or 0].location == "Tiers-lieu, Rennes"
    assert fake.world.messages[result.id].components == []
    again = await fake.submit_modal(
        f"sip:tp:slot:{stored.id}:{group.secretary.id}",
        {"place": "ailleurs"},
        user=group.secretary,
        channel=group.channel,
        locale="en-US",
    )
    assert again.content == "This slot has already been scheduled."
    async with session_factory(sqlite_engine)() as db:
        assert (await db.execute(select(func.count()).select_from(GroupSession))).scalar() == 1


async def test_a_tie_goes_to_the_earliest_slot(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    poll = await open_time_poll(fake, bot, group)
    await fake.react(poll, C, group.members[0])
    await fake.react(poll, A, group.members[1])
    await close_at_deadline(bot, clock)
    result = next(
        m for m in fake.messages_in(group.channel.id) if (m.content or "").startswith("🗳️")
    )
    assert (result.content or "").startswith(f"🗳️ Le créneau {A} l'emporte")


async def test_a_poll_whose_channel_was_deleted_still_closes_once(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    poll = await open_time_poll(fake, bot, group)
    await fake.react(poll, B, group.members[0])
    fake.remove_channel(group.channel)
    await close_at_deadline(bot, clock)
    async with session_factory(sqlite_engine)() as db:
        (stored,) = (await db.execute(select(TimePoll))).scalars().all()
        (closing,) = await work_store.items(db, kind="timepoll_close")
        # closed for good, without a winner: no retry loop
        assert await work_store.next_wake_at(db, ["timepoll_close"]) is None
    assert (stored.status, stored.winner_slot_id, stored.result_message_id) == (
        "closed", None, None,
    )  # fmt: skip
    assert (closing.state, closing.attempts, closing.result_id) == ("done", 1, None)


async def test_bad_slots_are_refused(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    eleven = "; ".join(f"{day}/02/2027 18h00" for day in range(1, 12))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"slots": eleven}, "11 slots is too many: at most 10."),
        ({"slots": "01/01/2027 18h00; 20/01/2027 18h00"}, "“01/01/2027 18h00” is in the past."),
        (
            {"slots": "20/01/2027 18h00", "deadline": "21/01/2027"},
            "The vote must close before the first slot.",
        ),
        ({"slots": "20/01/2027 18h00; 2027-01-20 18:00"}, "The same slot is given twice."),
        (
            {"slots": "20/01/2027 18h00", "duration": 0},
            "The option “duration” goes from 1 to 720: 0 is outside",
        ),
    ]
    for options, expected in cases:
        res = await fake.slash(
            "session poll",
            user=group.facilitator,
            channel=group.channel,
            options=options,
            locale="en-US",
        )
        assert res.ephemeral and (res.content or "").startswith(expected), res.content
    async with session_factory(sqlite_engine)() as db:
        assert (await db.execute(select(func.count()).select_from(TimePoll))).scalar() == 0


async def test_minutes_are_posted_whole_and_stored(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    await fake.slash(
        "session schedule",
        user=group.facilitator,
        channel=group.channel,
        options={"start": "20/01/2027 18h00"},
    )
    async with session_factory(sqlite_engine)() as db:
        (session,) = (await db.execute(select(GroupSession))).scalars().all()
    early = await fake.slash(
        "session minutes",
        user=group.secretary,
        channel=group.channel,
        options={"session": f"#{session.id}"},
        locale="en-US",
    )
    assert early.content == "Session 1 has not started yet: write its minutes afterwards."
    clock.set(datetime(2027, 1, 20, 21, 0, tzinfo=UTC))
    opened = await fake.slash(
        "session minutes",
        user=group.secretary,
        channel=group.channel,
        options={"session": f"#{session.id}"},
        locale="fr",
    )
    assert opened.modal is not None
    summary = (
        "Nous avons parlé de l'accompagnement des membres. " * 78
    ).strip()  # about 3,900 characters
    decisions = ("- Écrire une première proposition avant la séance 2.\n" * 55).strip()
    done = await fake.submit_modal(
        f"sip:minutes:{session.id}:{group.secretary.id}", {"summary": summary, "decisions": decisions, "attendees": "7"},
        user=group.secretary, channel=group.channel, locale="fr",
    )  # fmt: skip
    assert (
        done.content
        == "Compte rendu de la séance 1 publié et conservé ; la séance est marquée comme tenue."
    )
    messages = fake.messages_in(group.channel.id)
    header = next(
        i for i, m in enumerate(messages) if m.embeds and m.embeds[0]["title"].startswith("📝")
    )
    assert (
        messages[header].embeds[0]["description"]
        == f"7 participant·es · rédigé par <@{group.secretary.id}>"
    )
    posted = [m.content or "" for m in messages[header + 1 :]]
    assert len(posted) >= 4  # 3,900 + 2,900 characters do not fit in two messages
    assert all(len(text) <= 2000 for text in posted)
    joined = "".join(posted)
    assert summary in joined and decisions in joined  # whole, nothing cut
    async with session_factory(sqlite_engine)() as db:
        minutes = await store.minutes_of(db, session.id)
        held = await store.get(db, session.id)
    assert minutes is not None and (minutes.summary, minutes.decisions, minutes.attendees) == (
        summary,
        decisions,
        7,
    )
    assert held is not None and held.status == "done"
    bad = await fake.slash(
        "session minutes",
        user=group.secretary,
        channel=group.channel,
        options={"session": f"#{session.id}"},
        locale="en-US",
    )
    refused = await fake.submit_modal(
        f"sip:minutes:{session.id}:{group.secretary.id}",
        {"summary": "ok", "attendees": "sept"},
        user=group.secretary,
        channel=group.channel,
        locale="en-US",
    )
    assert bad.modal is not None
    assert refused.content == "“sept” is not a number of attendees (a whole number from 0 to 500)."
    async with session_factory(sqlite_engine)() as db:
        unchanged = await store.minutes_of(db, session.id)
    assert unchanged is not None and unchanged.summary == summary


async def test_ics_of_a_group_with_a_reschedule_and_a_cancellation(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    from icalendar import Calendar

    group = await published_group(fake, sqlite_engine, clock)
    for start in (
        "20/01/2027 18h00",
        "28/03/2027 10h00",
    ):  # the second on the day clocks go forward
        await fake.slash(
            "session schedule",
            user=group.facilitator,
            channel=group.channel,
            options={"start": start},
        )
    async with session_factory(sqlite_engine)() as db:
        first, second = (
            (await db.execute(select(GroupSession).order_by(GroupSession.id))).scalars().all()
        )
    await fake.slash(
        "session reschedule",
        user=group.facilitator,
        channel=group.channel,
        options={"session": f"#{first.id}", "start": "21/01/2027 18h00"},
    )
    await fake.slash(
        "session cancel",
        user=group.facilitator,
        channel=group.channel,
        options={"session": f"#{second.id}"},
    )
    res = await fake.slash(
        "session ics", user=group.members[3], channel=group.channel, locale="en-US"
    )
    assert res.ephemeral and (res.content or "").startswith("Calendar file with 2 session(s)")
    ((name, data),) = res.attachments
    assert name.endswith(".ics")
    events = {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
    moved = events[f"session-{fake.guild.id}-{first.id}@sipbot"]
    cancelled = events[f"session-{fake.guild.id}-{second.id}@sipbot"]
    assert int(str(moved["SEQUENCE"])) == 1 and str(moved["STATUS"]) == "CONFIRMED"
    assert moved.decoded("DTSTART") == datetime(2027, 1, 21, 17, 0, tzinfo=UTC)
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(str(cancelled["SEQUENCE"])) == 1
    assert b"DTSTART:20270328T080000Z" in data  # 10:00 in Paris, written as the instant
    outsider = fake.add_member("curieux")
    refused = await fake.slash("session ics", user=outsider, locale="en-US")
    assert refused.content == "You are not in any working group yet." and refused.attachments == []


async def test_votes_still_being_recorded_are_written_when_the_feature_stops(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    poll = await open_time_poll(fake, bot, group)
    cog: Any = bot.get_cog("SessionCog")
    await fake.wait_for(lambda: cog.reconciled, what="the start-up reconciliation")
    voter = group.members[0]
    data: Any = {"message_id": poll.id, "channel_id": group.channel.id, "user_id": voter.id,
                 "guild_id": fake.guild.id, "type": 0}  # fmt: skip
    payload = discord.RawReactionActionEvent(data, discord.PartialEmoji(name=B), "REACTION_ADD")
    reactions.hand_out(bot, payload)  # as the gateway's event is parsed: a task records it
    await cog.reconciler.stop()  # as at unload, before that task has run
    async with session_factory(sqlite_engine)() as db:
        votes = (await db.execute(select(TimeVote.member_id))).scalars().all()
    assert votes == [voter.id]
