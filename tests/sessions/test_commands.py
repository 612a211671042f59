"""Sessions through the fake Discord: events, RSVP, reminders never lost nor doubled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import sessions as store
from storage import work as work_store
from storage.database import session_factory
from storage.models import GroupSession
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Message
from tests.harness import running_bot
from tests.sessions.helpers import Group, published_group

START = datetime(2027, 1, 20, 17, 0, tzinfo=UTC)  # 18:00 in Paris


async def schedule(fake: FakeDiscord, group: Group, bot: SipBot, **options: Any) -> Any:
    """Schedule, then wait until the reminders are planned (that happens after the reply)."""
    options.setdefault("start", "20/01/2027 18h00")
    options.setdefault("place", "Bureau de Rennes")
    res = await fake.slash(
        "session schedule",
        user=group.facilitator,
        channel=group.channel,
        options=options,
        locale="fr",
    )
    await planned(fake, bot)
    return res


async def planned(fake: FakeDiscord, bot: SipBot, at: datetime | None = None) -> None:
    """The reminders are planned (that happens after the reply): the engine is to wake by
    then (other work, a phase starting, may come first), and with `at` the earliest
    reminder still to send falls due at that instant."""
    scheduler = bot.services.scheduler
    assert scheduler is not None

    def ready() -> bool:
        when = scheduler.planned("work")
        return when is not None if at is None else when is not None and when <= at

    await fake.wait_for(ready, what="the reminders to be planned")
    if at is not None:
        async with bot.services.db() as db:
            pending = [i.due_at for i in await work_store.items(db, kind="reminder")
                       if i.state == "pending"]  # fmt: skip
        assert min(pending) == at


async def stored_sessions(engine: AsyncEngine) -> list[GroupSession]:
    async with session_factory(engine)() as db:
        return list((await db.execute(select(GroupSession))).scalars())


@dataclass(frozen=True)
class Reminder:
    """A reminder as the work table holds it."""

    offset_minutes: int
    version: int
    due_at: datetime
    state: str
    late: bool


async def reminders(engine: AsyncEngine) -> list[Reminder]:
    async with session_factory(engine)() as db:
        items = sorted(await work_store.items(db, kind="reminder"), key=lambda i: i.id)
    return [
        Reminder(p["offset"], p["version"], i.due_at, i.state, i.late)
        for i, p in ((i, work_store.payload_of(i)) for i in items)
    ]


def reminder_messages(fake: FakeDiscord, group: Group) -> list[Message]:
    return [m for m in fake.messages_in(group.channel.id) if (m.content or "").startswith("⏰")]


async def move_to(bot: SipBot, clock: MovableClock, moment: datetime) -> None:
    clock.set(moment)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()


async def test_schedule_creates_event_post_and_three_reminders(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    res = await schedule(fake, group, bot)
    assert res.ephemeral
    assert res.content == (
        f"Séance 1 programmée <t:{int(START.timestamp())}:F> (<t:{int(START.timestamp())}:R>) : "
        "l'événement, l'annonce et les rappels sont prêts."
    )
    (session,) = await stored_sessions(sqlite_engine)
    assert (session.number, session.starts_at, session.minutes, session.place) == (
        1,
        START,
        180,
        "Bureau de Rennes",
    )
    event = fake.guild.events[session.event_id or 0]
    assert event.name == "Ouest – Rennes · séance 1" and event.location == "Bureau de Rennes"
    assert event.scheduled_end_time is not None
    assert datetime.fromisoformat(event.scheduled_end_time) == START + timedelta(hours=3)
    post = fake.message(session.post_message_id or 0)
    assert post is not None and post.channel_id == group.channel.id
    buttons = [c["custom_id"] for row in post.components for c in row["components"]]
    assert buttons == [f"sip:rsvp:{session.id}:{a}" for a in ("in_person", "online", "absent")]
    planned = [(r.offset_minutes, r.due_at, r.state) for r in await reminders(sqlite_engine)]
    assert planned == [
        (10080, START - timedelta(days=7), "pending"),
        (1440, START - timedelta(days=1), "pending"),
        (60, START - timedelta(hours=1), "pending"),
    ]


async def test_rsvp_counts_and_buttons_survive_a_restart(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as first:
        group = await published_group(fake, sqlite_engine, clock)
        await schedule(fake, group, first)
        (session,) = await stored_sessions(sqlite_engine)
        post = fake.message(session.post_message_id or 0)
        assert post is not None
        res = await fake.click(
            post, f"sip:rsvp:{session.id}:in_person", user=group.members[2], locale="fr"
        )
        confirmation = await res.wait_followup()
        assert (
            confirmation.content
            == "C'est noté : Présentiel. Vous pouvez changer de réponse à tout moment."
        )
        assert confirmation.ephemeral
        await fake.click(post, f"sip:rsvp:{session.id}:online", user=group.members[3])
    async with running_bot(fake, sqlite_engine, clock):
        res = await fake.click(
            post, f"sip:rsvp:{session.id}:in_person", user=group.members[3], locale="en-US"
        )
        assert (
            await res.wait_followup()
        ).content == "Noted: In person. You can change your answer at any time."
        outsider = fake.add_member("curieux")
        refused = await fake.click(
            post, f"sip:rsvp:{session.id}:absent", user=outsider, locale="en-US"
        )
        assert (
            refused.ephemeral
            and refused.content == "Only members of Ouest – Rennes answer for this session."
        )
    rsvp_field = next(
        f for f in fake.world.messages[post.id].embeds[0]["fields"] if f["name"] == "Vous venez ?"
    )
    assert rsvp_field["value"] == "🏢 Présentiel : 2 · 💻 En visio : 0 · 🚫 Absent·e : 0"
    async with session_factory(sqlite_engine)() as db:
        assert await store.rsvps(db, session.id) == {
            group.members[2].id: "in_person",
            group.members[3].id: "in_person",
        }


async def test_reminders_fire_at_their_instants_once_with_a_role_ping(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    await schedule(fake, group, bot, start="2027-01-20 18:00")
    for moment, expected in [
        (START - timedelta(days=7, seconds=1), 0),
        (START - timedelta(days=7), 1),
        (START - timedelta(days=1, minutes=1), 1),
        (START - timedelta(days=1), 2),
        (START - timedelta(hours=1), 3),
        (START + timedelta(hours=1), 3),
    ]:
        await move_to(bot, clock, moment)
        assert len(reminder_messages(fake, group)) == expected, moment
    first = reminder_messages(fake, group)[0]
    assert first.content is not None and first.content.startswith(
        f"⏰ <@&{group.role.id}> — la séance 1 de Ouest – Rennes"
    )
    assert "(dans 7d)" in first.content and "Bureau de Rennes" in first.content
    assert first.allowed_mentions == {
        "roles": [group.role.id],
        "parse": [],
    }  # only the group role pings
    states = [(r.state, r.late) for r in await reminders(sqlite_engine)]
    assert states == [("done", False)] * 3


async def test_reschedule_leaves_no_stale_reminder_and_cancel_sends_none(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    await schedule(fake, group, bot)
    (session,) = await stored_sessions(sqlite_engine)
    res = await fake.slash(
        "session reschedule", user=group.secretary, channel=group.channel,
        options={"session": f"#{session.id}", "start": "27/01/2027 18h00"}, locale="fr",
    )  # fmt: skip
    assert res.content and res.content.startswith("Séance 1 déplacée")
    new_start = START + timedelta(days=7)
    await planned(fake, bot, at=START)  # the new 7d reminder is the next one due
    event = fake.guild.events[session.event_id or 0]
    assert datetime.fromisoformat(event.scheduled_start_time) == new_start
    notices = [
        m.content for m in fake.messages_in(group.channel.id) if (m.content or "").startswith("📅")
    ]
    assert notices == [
        f"📅 <@&{group.role.id}> — la séance 1 est déplacée <t:{int(new_start.timestamp())}:F> (<t:{int(new_start.timestamp())}:R>)."
    ]
    await move_to(bot, clock, START - timedelta(days=1))  # the old 24h reminder's instant
    assert reminder_messages(fake, group) == []  # the old 7d one too: it was due on 13 Jan
    await move_to(bot, clock, new_start - timedelta(days=1))
    assert len(reminder_messages(fake, group)) == 2  # new 7d (late? no: due 20 Jan) and new 24h
    by_version = [(r.version, r.state) for r in await reminders(sqlite_engine)]
    assert by_version.count((1, "cancelled")) == 3
    res = await fake.slash(
        "session cancel",
        user=group.facilitator,
        channel=group.channel,
        options={"session": f"#{session.id}"},
    )
    assert res.content and "annulée" in res.content
    assert fake.guild.events[session.event_id or 0].status == 4  # cancelled
    await move_to(bot, clock, new_start - timedelta(minutes=30))
    assert len(reminder_messages(fake, group)) == 2
    post = fake.message(session.post_message_id or 0)
    assert post is not None and post.components == [] and "annulée" in post.embeds[0]["title"]


async def test_missed_reminder_is_sent_late_or_skipped_after_downtime(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as first:
        group = await published_group(fake, sqlite_engine, clock)
        await schedule(fake, group, first)
    clock.set(START - timedelta(minutes=30))  # offline through the 7d, 24h and 1h reminders
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(lambda: len(reminder_messages(fake, group)) == 3, what="late reminders")
    assert all("(envoyé en retard" in (m.content or "") for m in reminder_messages(fake, group))
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(lambda: fake.connected_clients >= 1, what="a third start")
    assert len(reminder_messages(fake, group)) == 3
    assert [(r.state, r.late) for r in await reminders(sqlite_engine)] == [("done", True)] * 3


async def test_reminders_missed_past_the_start_are_skipped(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as first:
        group = await published_group(fake, sqlite_engine, clock)
        await schedule(fake, group, first)
    clock.set(START + timedelta(minutes=5))
    async with running_bot(fake, sqlite_engine, clock) as bot:
        await fake.wait_for(lambda: bot.is_ready(), what="start")
        assert bot.services.scheduler is not None
        await bot.services.scheduler.wake("work")
    assert reminder_messages(fake, group) == []
    assert [r.state for r in await reminders(sqlite_engine)] == ["skipped"] * 3


async def test_bad_input_stores_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (group.facilitator, {"start": "01/01/2027 18h00"}, "“01/01/2027 18h00” is in the past."),
        (
            group.facilitator,
            {"start": "mardi prochain"},
            "“mardi prochain” is not a date I can read.",
        ),
        (
            group.facilitator,
            {"duration": 0},
            "The option “duration” goes from 1 to 720: 0 is outside",
        ),
        (
            group.facilitator,
            {"duration": 721},
            "The option “duration” goes from 1 to 720: 721 is outside",
        ),
        (
            group.facilitator,
            {"visio_url": "meet.jit.si/sip"},
            "“meet.jit.si/sip” is not a video call link",
        ),
        (
            group.members[4],
            {},
            "Only the facilitator, the secretary of Ouest – Rennes or an organiser can do this.",
        ),
    ]
    for user, options, expected in cases:
        res = await fake.slash(
            "session schedule", user=user, channel=group.channel,
            options={"start": "20/01/2027 18h00", **options}, locale="en-US",
        )  # fmt: skip
        assert res.ephemeral and (res.content or "").startswith(expected), res.content
    res = await fake.slash(
        "session schedule", user=fake.owner, options={"start": "20/01/2027 18h00"}, locale="en-US"
    )
    assert res.content == "Use this command in your group's channel."
    async with session_factory(sqlite_engine)() as db:
        count = (await db.execute(select(func.count()).select_from(GroupSession))).scalar()
    assert count == 0 and fake.guild.events == {}


async def test_daylight_saving_days_show_the_right_instant_in_paris_and_brussels(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    """10:00 on the last Sunday of March (clocks went forward at 02:00) is 08:00 UTC; on the
    last Sunday of October (back at 03:00) 09:00 UTC — Discord timestamps carry the instant."""
    group = await published_group(fake, sqlite_engine, clock)
    await schedule(fake, group, bot, start="28/03/2027 10h00")
    await fake.slash("setup locale", user=fake.owner, options={"timezone": "Europe/Brussels"})
    await schedule(fake, group, bot, start="2027-10-31 10:00")
    march, october = sorted(await stored_sessions(sqlite_engine), key=lambda s: s.starts_at)
    assert march.starts_at == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
    assert october.starts_at == datetime(2027, 10, 31, 9, 0, tzinfo=UTC)
    for session in (march, october):
        post = fake.message(session.post_message_id or 0)
        assert post is not None
        when = next(f["value"] for f in post.embeds[0]["fields"] if f["name"] == "Quand")
        assert when.startswith(f"<t:{int(session.starts_at.timestamp())}:F>")
